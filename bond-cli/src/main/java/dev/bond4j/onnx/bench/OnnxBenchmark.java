package dev.bond4j.onnx.bench;

import static dev.bond4j.decoder.bench.BenchmarkOption.atLeast;
import static dev.bond4j.decoder.bench.BenchmarkOption.positive;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.bench.BenchmarkJson;
import dev.bond4j.decoder.bench.BenchmarkMain;
import dev.bond4j.decoder.bench.BenchmarkOption;
import dev.bond4j.decoder.bench.BenchmarkOptions;
import dev.bond4j.decoder.bench.Medians;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.OnnxRewardModel;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times ONNX Runtime on a randomly initialised GPT-2 exported by bond4j and prints one JSON object:
 * KV-cache sampling of {@code batch} prompts × {@code new-tokens} (plain temperature-1 sampling;
 * sequences stop at EOS, so {@code sample_tokens_per_s} counts the tokens actually sampled and
 * {@code decode_positions_per_s} the batch positions the decoder ran), and reward scoring of
 * {@code batch} sequences of {@code reward-length} tokens by a GPT-2 classifier of the same shape
 * through {@code OnnxRewardModel}. Medians over {@code reps} measured repetitions after {@code
 * warmup}.
 *
 * <pre>
 * java -cp ... dev.bond4j.onnx.bench.OnnxBenchmark --vocab 64 --d-model 32 --layers 2 --heads 4 \
 *     --positions 128 --batch 32 --prompt 16 --new-tokens 64 --reward-length 80 --threads 1
 * </pre>
 */
public final class OnnxBenchmark {
  /** The options, their defaults and valid ranges. */
  private static final List<BenchmarkOption> OPTIONS = List.of(
      atLeast("vocab", 64, 2), positive("d-model", 32), positive("layers", 2),
      positive("heads", 4), positive("positions", 128),
      positive("batch", 32), positive("prompt", 16), positive("new-tokens", 64),
      positive("reward-length", 80),
      positive("threads", 1), positive("reps", 10), atLeast("warmup", 3, 0));

  private final BenchmarkOptions args;

  private OnnxBenchmark(String[] argv) {
    args = BenchmarkOptions.parse(OPTIONS, argv);
  }

  private int arg(String key) {
    return args.get(key);
  }

  /** Runs the benchmark and prints its JSON line; bad options exit with status 2. */
  public static void main(String[] argv) throws Exception {
    BenchmarkMain.run(OnnxBenchmark::run, argv);
  }

  /** Runs the benchmark with command-line options and returns its JSON object. */
  public static String run(String[] argv) throws IOException {
    return new OnnxBenchmark(argv).run();
  }

  private String run() throws IOException {
    DecoderConfig config = DecoderConfig.gpt2(arg("vocab"), arg("positions"), arg("d-model"),
        arg("layers"), arg("heads"));
    float[] values = new DecoderLayout(config).initialValues(1);
    Path directory = Files.createTempDirectory("bond4j-onnx-bench");
    DecoderOnnxExport.export(config, values, directory, DecoderOnnxExport.Weights.BAKED);
    Path classifier = directory.resolve("classifier.onnx");
    float[][] head = new float[config.embeddingSize()][1];
    for (float[] row : head) {
      row[0] = 0.1f;
    }
    DecoderOnnxExport.exportClassifier(config, values, head, new float[1], classifier);
    OnnxOptions options = OnnxOptions.cpu().withThreads(arg("threads"));
    SplittableRandom random = new SplittableRandom(2);
    List<Prompt> prompts = new ArrayList<>();
    List<TokenSequence> scored = new ArrayList<>();
    for (int i = 0; i < arg("batch"); i++) {
      prompts.add(Prompt.of("p" + i, randomTokens(random, arg("prompt"), config)));
      scored.add(randomTokens(random, arg("reward-length"), config));
    }
    SamplingSettings settings = SamplingSettings.training(arg("new-tokens"));
    Map<String, Object> out = new LinkedHashMap<>(args.values());
    try (OnnxPolicy policy = OnnxPolicy.load(directory, options);
        OnnxRewardModel reward = OnnxRewardModel.builder(classifier)
            .vocabularySize(config.vocabularySize()).maxLength(config.maxPositions())
            .options(options).build()) {
      int reps = arg("reps");
      double[] sampleSeconds = new double[reps];
      double[] tokens = new double[reps];
      double[] positions = new double[reps];
      double[] rewardMs = new double[reps];
      for (int rep = -arg("warmup"); rep < reps; rep++) {
        long start = System.nanoTime();
        List<Completion> samples = policy.sample(prompts, settings, rep + 100);
        double seconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        reward.scoreTokens(scored);
        double ms = (System.nanoTime() - start) / 1e6;
        if (rep >= 0) {
          sampleSeconds[rep] = seconds;
          tokens[rep] = samples.stream().mapToInt(c -> c.completion().length()).sum();
          positions[rep] = (double) samples.size()
              * samples.stream().mapToInt(c -> c.completion().length()).max().orElse(0);
          rewardMs[rep] = ms;
        }
      }
      double[] tokensPerSecond = new double[reps];
      double[] positionsPerSecond = new double[reps];
      for (int i = 0; i < reps; i++) {
        tokensPerSecond[i] = tokens[i] / sampleSeconds[i];
        positionsPerSecond[i] = positions[i] / sampleSeconds[i];
      }
      out.put("parameters", config.parameterCount());
      out.put("sample_ms", Medians.of(sampleSeconds) * 1000);
      out.put("sample_tokens", Medians.of(tokens));
      out.put("sample_tokens_per_s", Medians.of(tokensPerSecond));
      out.put("decode_positions_per_s", Medians.of(positionsPerSecond));
      out.put("reward_ms", Medians.of(rewardMs));
    } finally {
      for (String file : new String[] {"model.onnx", "config.json", "classifier.onnx"}) {
        Files.deleteIfExists(directory.resolve(file));
      }
      Files.deleteIfExists(directory);
    }
    return BenchmarkJson.write(out, "%.2f");
  }

  private static TokenSequence randomTokens(SplittableRandom random, int length,
      DecoderConfig config) {
    int[] ids = new int[length];
    for (int t = 0; t < length; t++) {
      ids[t] = random.nextInt(config.eosToken());
    }
    return TokenSequence.of(ids);
  }
}
