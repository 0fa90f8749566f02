package dev.bond4j.djl.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.djl.DjlOptions;
import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.model.RewardModel;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times J-BOND steps of the DJL backend on a randomly initialised GPT-2 and prints one JSON
 * object. A step is the library's own J-BOND trainer ({@code Algorithms.jBond}, SPEC S7, {@code β
 * = 0.5}, {@code η = 0.02}) with a programmatic reward (the count of token 0 in the completion):
 * one policy and two anchor samples per prompt, the anchor's and the reference's log-probabilities
 * of the policy samples, the policy's of the Best-of-2 samples, one update on the Best-of-2 and
 * policy samples, and the EMA anchor move. Phase times are the trainer's own ({@code time/...}
 * metrics); medians over the measured steps are reported. {@code gemm_gflops} is a square float32
 * matrix product measured in the same process before and after the steps (the better of the two,
 * which gives the more conservative MFU), and {@code update_mfu} the model FLOPs of the update phase
 * ({@code 6 N} per token for the non-embedding parameters, {@code 6 d V} per predicted token for
 * the head and {@code 12 L d T} per token for attention) over that rate.
 *
 * <pre>
 * java -cp ... dev.bond4j.djl.bench.DjlBenchmark --d-model 128 --layers 2 --heads 4 --vocab 256 \
 *     --batch 16 --prompt 16 --new-tokens 48 --threads 1 --steps 20 --warmup 3
 * </pre>
 *
 * <p>{@code --exact-gelu 1} gives the model the exact (erf) GELU, one fused engine operation,
 * instead of GPT-2's tanh form, which DJL's API can only build from six elementwise operations.
 */
public final class DjlBenchmark {
  private final Map<String, Integer> args = new LinkedHashMap<>();

  private DjlBenchmark(String[] argv) {
    args.put("d-model", 128);
    args.put("layers", 2);
    args.put("heads", 4);
    args.put("vocab", 256);
    args.put("batch", 16);
    args.put("prompt", 16);
    args.put("new-tokens", 48);
    args.put("threads", 1);
    args.put("steps", 20);
    args.put("warmup", 3);
    args.put("gemm", 1024);
    args.put("exact-gelu", 0);
    for (int i = 0; i < argv.length; i += 2) {
      String key = argv[i].replaceFirst("^--", "");
      if (!args.containsKey(key) || i + 1 >= argv.length) {
        throw new IllegalArgumentException("Unknown or incomplete option " + argv[i]
            + "; options: " + args.keySet());
      }
      args.put(key, Integer.parseInt(argv[i + 1]));
    }
  }

  private int arg(String key) {
    return args.get(key);
  }

  /** Runs the benchmark and prints its JSON line. */
  public static void main(String[] argv) {
    System.out.println(run(argv));
  }

  /** Runs the benchmark with command-line options and returns its JSON object. */
  public static String run(String[] argv) {
    return new DjlBenchmark(argv).run();
  }

  private String run() {
    int batch = arg("batch");
    int newTokens = arg("new-tokens");
    int promptLength = arg("prompt");
    DecoderConfig config = DecoderConfig.gpt2(arg("vocab"), promptLength + newTokens,
        arg("d-model"), arg("layers"), arg("heads"), 4 * arg("d-model"), 1e-5,
        arg("exact-gelu") == 1 ? "gelu" : "gelu_new", arg("vocab") - 1);
    DjlOptions options = new DjlOptions("cpu", arg("threads"));
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(1e-4).build();
    SplittableRandom random = new SplittableRandom(7);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      int[] ids = new int[promptLength];
      for (int t = 0; t < promptLength; t++) {
        ids[t] = random.nextInt(config.vocabularySize() - 1);
      }
      prompts.add(Prompt.of("p" + i, TokenSequence.of(ids)));
    }
    int steps = arg("steps");
    int warmup = arg("warmup");
    long[] sampledTokens = new long[1];
    RewardModel reward = sequences -> {
      double[] rewards = new double[sequences.size()];
      for (int i = 0; i < rewards.length; i++) {
        TokenSequence y = sequences.get(i).completion();
        sampledTokens[0] += y.length();
        for (int t = 0; t < y.length(); t++) {
          rewards[i] += y.get(t) == 0 ? 1 : 0;
        }
      }
      return rewards;
    };
    Map<String, double[]> times = new LinkedHashMap<>();
    for (String key : List.of(Metrics.TIME_STEP, Metrics.TIME_SAMPLE, Metrics.TIME_SCORE,
        Metrics.TIME_ESTIMATE, Metrics.TIME_UPDATE, Metrics.TIME_ANCHOR)) {
      times.put(key, new double[steps]);
    }
    double gemmBefore = gemmGflops(arg("gemm"));
    double[] samplingRate = new double[steps];
    double[] updateFlops = new double[steps];
    try (DjlPolicy policy = DjlPolicy.create(config, 1, optimizer, options);
        DjlSnapshot reference = policy.snapshot()) {
      Trainer trainer = Algorithms.jBond(policy, reference, reward, prompts, 0.5, 0.02, 0.0,
          TrainingSettings.builder().batchSize(batch).maxNewTokens(newTokens).seed(1).build());
      for (int step = -warmup; step < steps; step++) {
        sampledTokens[0] = 0;
        StepReport report = trainer.step();
        if (step >= 0) {
          for (Map.Entry<String, double[]> entry : times.entrySet()) {
            entry.getValue()[step] = report.require(entry.getKey());
          }
          samplingRate[step] = sampledTokens[0] / report.require(Metrics.TIME_SAMPLE);
          UpdateResult update = policy.lastUpdate().orElseThrow();
          updateFlops[step] = updateFlops(config, update, promptLength);
        }
      }
    }
    // The better of two measurements, before and after the steps: a busy machine slows a GEMM
    // down, and the larger rate gives the more conservative MFU.
    double gflops = Math.max(gemmBefore, gemmGflops(arg("gemm")));
    double updateTime = median(times.get(Metrics.TIME_UPDATE));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", "PyTorch " + Engine.getEngine("PyTorch").getVersion());
    out.putAll(args);
    out.put("parameters", config.parameterCount());
    out.put("prompts_per_s", batch / median(times.get(Metrics.TIME_STEP)));
    out.put("sample_tokens_per_s", median(samplingRate));
    out.put("time_step_s", median(times.get(Metrics.TIME_STEP)));
    out.put("time_sample_s", median(times.get(Metrics.TIME_SAMPLE)));
    out.put("time_score_s", median(times.get(Metrics.TIME_SCORE)));
    out.put("time_estimate_s", median(times.get(Metrics.TIME_ESTIMATE)));
    out.put("time_update_s", updateTime);
    out.put("time_anchor_s", median(times.get(Metrics.TIME_ANCHOR)));
    out.put("gemm_gflops", gflops);
    out.put("update_gflops", median(updateFlops) / updateTime / 1e9);
    out.put("update_mfu", median(updateFlops) / updateTime / 1e9 / gflops);
    return toJson(out);
  }

  /**
   * Forward plus backward model FLOPs of one update (see the class comment), from its token and
   * sequence counts: every sequence has the benchmark's prompt length, so its input positions are
   * the prompt, less one, plus its completion.
   */
  private static double updateFlops(DecoderConfig config, UpdateResult update, int promptLength) {
    double d = config.embeddingSize();
    double nonEmbedding = config.layers() * (4 * d * d + 2 * d * config.innerSize());
    double inputs = update.tokens() + update.sequences() * (promptLength - 1.0);
    double meanLength = inputs / update.sequences();
    return 6 * nonEmbedding * inputs + 6 * d * config.vocabularySize() * update.tokens()
        + 12.0 * config.layers() * d * meanLength * inputs;
  }

  private static double gemmGflops(int n) {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray a = manager.randomNormal(new Shape(n, n));
      NDArray b = manager.randomNormal(new Shape(n, n));
      JniUtils.setGradMode(false);
      double[] rates = new double[7];
      for (int r = 0; r < rates.length; r++) {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.toFloatArray();
        }
        rates[r] = 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9;
      }
      return median(Arrays.copyOfRange(rates, 2, rates.length));
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double median(long[] values) {
    return median(Arrays.stream(values).asDoubleStream().toArray());
  }

  private static String toJson(Map<String, Object> values) {
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      if (json.length() > 1) {
        json.append(", ");
      }
      json.append('"').append(entry.getKey()).append("\": ");
      Object value = entry.getValue();
      if (value instanceof Double d) {
        json.append(String.format(Locale.ROOT, "%.6g", d));
      } else if (value instanceof Number) {
        json.append(value);
      } else {
        json.append('"').append(value).append('"');
      }
    }
    return json.append('}').toString();
  }
}
