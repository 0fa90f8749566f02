package dev.bond4j.decoder.bench;

import static dev.bond4j.decoder.bench.BenchmarkOption.atLeast;
import static dev.bond4j.decoder.bench.BenchmarkOption.positive;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.RewardModel;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.TrainableDecoderPolicy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times J-BOND steps of an engine on a randomly initialised GPT-2 and returns one JSON object. A
 * step is the library's own J-BOND trainer ({@code Algorithms.jBond}, SPEC S7, {@code β = 0.5},
 * {@code η = 0.02}) with a programmatic reward (the count of token 0 in the completion): one
 * policy and two anchor samples per prompt, the anchor's and the reference's log-probabilities of
 * the policy samples, the policy's of the Best-of-2 samples, one update on the Best-of-2 and
 * policy samples, and the EMA anchor move. Phase times are the trainer's own ({@code time/...}
 * metrics); medians over the measured steps are reported. {@code gemm_gflops} is the engine's
 * square float32 matrix product measured in the same process with the benchmark's thread count (see
 * {@link JBondBackend#gemmBeforeSteps}), and {@code update_mfu} the model FLOPs of the update phase
 * ({@code 6 N} per token for the non-embedding parameters, {@code 6 d V} per predicted token for
 * the head and {@code 12 L d T} per token for attention) over that rate.
 *
 * <p>Options: the integers {@code --d-model --layers --heads --vocab --batch --prompt
 * --new-tokens --threads --steps --warmup --gemm} (the GEMM side), {@code --reference-every}
 * (steps between the reference's scoring passes for {@code kl/ref}, see {@link
 * TrainingSettings#referenceEvery}; the phase medians then mix both kinds of step), {@code
 * --exact-gelu 1} (the exact erf GELU instead of GPT-2's tanh form), and {@code --precision
 * fp32|bf16}. The JSON
 * keys are {@code engine}, every option, {@code parameters}, {@code prompts_per_s}, {@code
 * sample_tokens_per_s}, {@code time_step_s}, {@code time_sample_s}, {@code time_score_s}, {@code
 * time_estimate_s}, {@code time_update_s}, {@code time_anchor_s}, {@code gemm_gflops}, {@code
 * update_gflops}, {@code update_mfu}, {@code peak_rss_bytes} (the process's resident-set peak,
 * see {@link ProcessMemory}) and {@code analytic_min_bytes} (see {@link AnalyticMemory}, for one
 * micro-batch of the whole update).
 */
public final class JBondBenchmark {
  /** The options, their defaults and valid ranges. */
  public static final List<BenchmarkOption> OPTIONS = List.of(
      positive("d-model", 128), positive("layers", 2), positive("heads", 4),
      atLeast("vocab", 256, 2),
      positive("batch", 16), positive("prompt", 16), positive("new-tokens", 48),
      positive("threads", 1), positive("steps", 20), atLeast("warmup", 3, 0),
      positive("gemm", 1024), new BenchmarkOption("exact-gelu", 0, 0, 1),
      positive("reference-every", 1),
      BenchmarkOption.choice("precision", "fp32", "bf16"));

  private static final List<String> PHASES = List.of(Metrics.TIME_STEP, Metrics.TIME_SAMPLE,
      Metrics.TIME_SCORE, Metrics.TIME_ESTIMATE, Metrics.TIME_UPDATE, Metrics.TIME_ANCHOR);

  private JBondBenchmark() {}

  /**
   * Parses {@code argv} (see the class comment), runs the benchmark on {@code backend} and
   * returns its JSON object.
   *
   * @throws IllegalArgumentException in one line for a bad option
   */
  public static <P extends TrainableDecoderPolicy<?>> String run(JBondBackend<P> backend,
      String[] argv) throws Exception {
    BenchmarkOptions args = BenchmarkOptions.parse(OPTIONS, argv);
    int batch = args.get("batch");
    int newTokens = args.get("new-tokens");
    int promptLength = args.get("prompt");
    DecoderConfig config = DecoderConfig.gpt2(args.get("vocab"), promptLength + newTokens,
        args.get("d-model"), args.get("layers"), args.get("heads"), 4 * args.get("d-model"), 1e-5,
        args.get("exact-gelu") == 1 ? "gelu" : "gelu_new", args.get("vocab") - 1);
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(1e-4).build();
    List<Prompt> prompts = BenchmarkPrompts.random(batch, promptLength, config.vocabularySize());
    int steps = args.get("steps");
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
    for (String key : PHASES) {
      times.put(key, new double[steps]);
    }
    double[] samplingRate = new double[steps];
    double[] updateFlops = new double[steps];
    long updateSequences = 0;
    long updateTokens = 0;
    double gemmBefore = 0;
    try (P policy = backend.create(config, optimizer, args.get("threads"),
        args.word("precision"))) {
      // Measured once the policy exists: its engine then runs the benchmark's thread count.
      if (backend.gemmBeforeSteps()) {
        gemmBefore = backend.gemmGflops(args.get("gemm"));
      }
      PolicySnapshot reference = policy.snapshot();
      try (Trainer trainer = Algorithms.jBond(policy, reference, reward, prompts, 0.5, 0.02, 0.0,
          TrainingSettings.builder().batchSize(batch).maxNewTokens(newTokens).seed(1)
              .referenceEvery(args.get("reference-every")).build())) {
        for (int step = -args.get("warmup"); step < steps; step++) {
          sampledTokens[0] = 0;
          StepReport report = trainer.step();
          if (step >= 0) {
            for (Map.Entry<String, double[]> entry : times.entrySet()) {
              entry.getValue()[step] = report.require(entry.getKey());
            }
            samplingRate[step] = sampledTokens[0] / report.require(Metrics.TIME_SAMPLE);
            UpdateResult update = policy.lastUpdate().orElseThrow();
            updateFlops[step] = updateFlops(config, update, promptLength);
            updateSequences = update.sequences();
            updateTokens = update.tokens();
          }
        }
      } finally {
        reference.close();
      }
    }
    double gflops = Math.max(gemmBefore, backend.gemmGflops(args.get("gemm")));
    double updateTime = Medians.of(times.get(Metrics.TIME_UPDATE));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", backend.engine());
    out.putAll(args.forJson());
    out.put("parameters", config.parameterCount());
    out.put("prompts_per_s", batch / Medians.of(times.get(Metrics.TIME_STEP)));
    out.put("sample_tokens_per_s", Medians.of(samplingRate));
    out.put("time_step_s", Medians.of(times.get(Metrics.TIME_STEP)));
    out.put("time_sample_s", Medians.of(times.get(Metrics.TIME_SAMPLE)));
    out.put("time_score_s", Medians.of(times.get(Metrics.TIME_SCORE)));
    out.put("time_estimate_s", Medians.of(times.get(Metrics.TIME_ESTIMATE)));
    out.put("time_update_s", updateTime);
    out.put("time_anchor_s", Medians.of(times.get(Metrics.TIME_ANCHOR)));
    out.put("gemm_gflops", gflops);
    out.put("update_gflops", Medians.of(updateFlops) / updateTime / 1e9);
    out.put("update_mfu", Medians.of(updateFlops) / updateTime / 1e9 / gflops);
    out.put("peak_rss_bytes", ProcessMemory.peakRssBytes());
    out.put("analytic_min_bytes", AnalyticMemory.jBondMinimumBytes(config, updateSequences,
        promptLength + newTokens - 1, updateTokens));
    return BenchmarkJson.write(out, "%.6g");
  }

  /**
   * Forward plus backward model FLOPs of one update (see the class comment), from its token and
   * sequence counts: every sequence has the benchmark's prompt length, so its input positions are
   * the prompt, less one, plus its completion.
   */
  static double updateFlops(DecoderConfig config, UpdateResult update, int promptLength) {
    double d = config.embeddingSize();
    double nonEmbedding = config.layers() * (4 * d * d + 2 * d * config.innerSize());
    double inputs = update.tokens() + update.sequences() * (promptLength - 1.0);
    double meanLength = inputs / update.sequences();
    return 6 * nonEmbedding * inputs + 6 * d * config.vocabularySize() * update.tokens()
        + 12.0 * config.layers() * d * meanLength * inputs;
  }
}
