package dev.bond4j.study;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.MetricsRecorder;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.model.RewardModel;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.bench.BenchmarkPrompts;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.Precision;
import dev.bond4j.value.OptimizerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * fp32 against bf16 on DJL: J-BOND runs ({@code β = 0.5}, {@code η = 0.02}) of a randomly
 * initialised GPT-2 (V 256, d 128, 2 layers, 4 heads, the benchmark's shape) on 16 random prompts
 * of 16 tokens, 16 new tokens, with the benchmark's programmatic reward (the count of token 0 in
 * the completion), for several seeds in each precision. Writes one CSV row per step: precision,
 * seed, step, {@code reward/mean}, {@code kl/ref}.
 *
 * <pre>
 * java -cp examples/target/bond.jar dev.bond4j.examples.PrecisionStudy OUT.csv [STEPS] [SEEDS]
 * </pre>
 */
public final class PrecisionStudy {
  private PrecisionStudy() {}

  /** Runs the study; arguments: the CSV path, steps (default 100), seeds (default 4). */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: PrecisionStudy OUT.csv [STEPS] [SEEDS]");
      System.exit(2);
    }
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    DecoderConfig config = DecoderConfig.gpt2(256, 32, 128, 2, 4, 512, 1e-5, "gelu_new", 255);
    RewardModel zeros = sequences -> sequences.stream().mapToDouble(s -> {
      int count = 0;
      for (int t = 0; t < s.completion().length(); t++) {
        count += s.completion().get(t) == 0 ? 1 : 0;
      }
      return count;
    }).toArray();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[0])))) {
      out.println("precision,seed,step,reward_mean,kl_ref");
      for (int seed = 1; seed <= seeds; seed++) {
        for (String precision : new String[] {"fp32", "bf16"}) {
          MetricsRecorder metrics = new MetricsRecorder();
          try (DjlPolicy policy = DjlPolicy.create(config, seed,
                  OptimizerSettings.builder().learningRate(1e-3).build(),
                  BackendOptions.builder().precision(Precision.parse(precision)).build());
              DjlSnapshot reference = policy.snapshot()) {
            Trainer trainer = Algorithms.jBond(policy, reference, zeros,
                BenchmarkPrompts.random(16, 16, 256), 0.5, 0.02, 0.0,
                TrainingSettings.builder().batchSize(16).maxNewTokens(16).seed(seed).build());
            trainer.addListener(metrics);
            trainer.train(steps);
          }
          double[] reward = metrics.series(Metrics.REWARD_MEAN);
          double[] kl = metrics.series(Metrics.KL_REF);
          for (int step = 0; step < steps; step++) {
            out.printf(Locale.ROOT, "%s,%d,%d,%.6g,%.6g%n", precision, seed, step + 1,
                reward[step], kl[step]);
          }
          out.flush();
        }
      }
    }
  }
}
