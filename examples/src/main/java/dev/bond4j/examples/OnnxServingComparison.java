package dev.bond4j.examples;

import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.math.TieRule;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.onnx.OnnxOptions;
import dev.bond4j.onnx.OnnxPolicy;
import dev.bond4j.onnx.OnnxRewardModel;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.export.MeanEmbeddingRewardExport;
import dev.bond4j.onnx.serving.ServingComparison;
import dev.bond4j.onnx.serving.ServingRow;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.spi.BackendOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The point of BOND, end to end: distil Best-of-N into a policy with J-BOND on DJL, export the
 * reference and the distilled policy to ONNX, and serve both with ONNX Runtime. Best-of-N of the
 * reference at N = 1, 2, 4, 8, 16 is compared with one sample of the distilled policy: mean
 * reward, tokens generated, reward-model calls and wall time per prompt.
 *
 * <p>The reward is an ONNX model too (a lexicon: the mean of per-token scores, written by {@link
 * MeanEmbeddingRewardExport}) and is used both for training and for choosing the best of N. The
 * policy is a small random GPT-2 (16 token ids, EOS 15). Options: {@code --steps} J-BOND steps
 * (default 300), {@code --seed} (1), {@code --prompts} evaluation prompts (64) and {@code --out}
 * (bond-runs/serving), which receives the ONNX models and {@code serving.md}.
 */
public final class OnnxServingComparison {
  private static final DecoderConfig CONFIG = DecoderConfig.gpt2(16, 32, 32, 2, 4);
  private static final int NEW_TOKENS = 8;

  private OnnxServingComparison() {}

  /** Trains, exports, serves and returns the comparison. */
  public static List<ServingRow> run(int steps, long seed, int evaluationPrompts, Path out)
      throws IOException {
    Files.createDirectories(out);
    SplittableRandom random = new SplittableRandom(seed);
    float[][] scores = new float[CONFIG.vocabularySize()][1];
    for (int token = 0; token < CONFIG.eosToken(); token++) {
      scores[token][0] = (float) (2 * random.nextDouble() - 1);
    }
    Path rewardFile = out.resolve("reward.onnx");
    MeanEmbeddingRewardExport.write(rewardFile, scores, new float[][] {{1f}}, new float[1]);
    List<Prompt> training = prompts(random, 16, "train");
    List<Prompt> evaluation = prompts(random, evaluationPrompts, "eval");
    Path referenceDir = out.resolve("reference");
    Path distilledDir = out.resolve("distilled");
    OnnxOptions onnx = OnnxOptions.cpu();
    try (OnnxRewardModel reward = OnnxRewardModel.builder(rewardFile)
        .vocabularySize(CONFIG.vocabularySize()).maxLength(CONFIG.maxPositions()).options(onnx)
        .build()) {
      try (DjlPolicy policy = DjlPolicy.create(CONFIG, seed,
          OptimizerSettings.builder().learningRate(3e-3).build(), BackendOptions.defaults());
          DjlSnapshot reference = policy.snapshot()) {
        Trainer trainer = Algorithms.jBond(policy, reference, reward, training, 0.5, 0.02, 0.0,
            TrainingSettings.builder().batchSize(16).maxNewTokens(NEW_TOKENS).seed(seed).build());
        trainer.train(steps);
        DecoderOnnxExport.export(CONFIG, reference.parameters(), referenceDir,
            DecoderOnnxExport.Weights.BAKED);
        DecoderOnnxExport.export(CONFIG, policy.parameters(), distilledDir,
            DecoderOnnxExport.Weights.BAKED);
      }
      try (OnnxPolicy reference = OnnxPolicy.load(referenceDir, onnx);
          OnnxPolicy distilled = OnnxPolicy.load(distilledDir, onnx)) {
        SamplingSettings settings = SamplingSettings.training(NEW_TOKENS);
        // One untimed round first, so that class loading and ONNX Runtime's first runs do not
        // count against Best-of-1.
        ServingComparison.run(reference, distilled, reward, evaluation, settings,
            new int[] {1}, TieRule.STRICT, seed);
        return ServingComparison.run(reference, distilled, reward, evaluation, settings,
            new int[] {1, 2, 4, 8, 16}, TieRule.STRICT, seed + 1);
      }
    }
  }

  private static List<Prompt> prompts(SplittableRandom random, int count, String prefix) {
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      prompts.add(Prompt.of(prefix + i, TokenSequence.of(random.nextInt(CONFIG.eosToken()),
          random.nextInt(CONFIG.eosToken()))));
    }
    return prompts;
  }

  /** Runs with the options above and prints the table (also written to {@code serving.md}). */
  public static void main(String[] args) throws IOException {
    int steps = 300;
    long seed = 1;
    int prompts = 64;
    Path out = Path.of("bond-runs", "serving");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--steps" -> steps = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--prompts" -> prompts = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("Unknown option " + args[i]
            + "; options: --steps, --seed, --prompts, --out");
      }
    }
    String table = ServingComparison.toMarkdown(run(steps, seed, prompts, out));
    Files.writeString(out.resolve("serving.md"), table);
    System.out.print(table);
  }
}
