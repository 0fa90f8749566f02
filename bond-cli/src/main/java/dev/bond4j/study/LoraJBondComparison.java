package dev.bond4j.study;

import dev.bond4j.algorithm.Evaluation;
import dev.bond4j.algorithm.MonteCarloEvaluator;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingListener;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.demo.LexiconReward;
import dev.bond4j.demo.ReviewCorpus;
import dev.bond4j.demo.WordTokenizer;
import dev.bond4j.dsl.Bond;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.LoraSettings;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.StepReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * LoRA J-BOND against full fine-tuning on the demo: from the demo's reference (a folder {@code bond
 * demo} caches), per seed, J-BOND with the demo's settings ({@code β = 0.5}, {@code η = 0.05},
 * batch 16, 12 new tokens) once on all weights (AdamW {@code --full-lr}) and once on a LoRA adapter
 * (every projection, {@code --rank}, {@code --alpha}, AdamW {@code --lora-lr}), each for {@code
 * --steps}; the reward gain over the reference of each (Monte-Carlo evaluation, 8 samples per
 * prompt) and their ratio.
 *
 * <p>During the LoRA run it also keeps, beside J-BOND's anchor (the base plus the EMA of the
 * adapter's factors {@code A}, {@code B}), the EMA of the merged weights {@code W + s A B} with
 * the same {@code η}, and reports how far the two anchors' log-probabilities lie apart on samples
 * of the first (mean and largest absolute difference per sequence, and the mean difference, a
 * Monte-Carlo estimate of their KL), beside how far the first lies from the base.
 *
 * <p>Options: {@code --reference DIR} (default bond-runs/demo/reference), {@code --first-seed}
 * (1), {@code --seeds} (3, the seeds from the first on), {@code --steps} (200), {@code --rank}
 * (8), {@code --alpha} (16), {@code --dropout} (PEFT's {@code lora_dropout}, 0), {@code
 * --lora-lr} (3e-3), {@code --full-lr} (full fine-tuning's, 3e-4, the demo's),
 * {@code --modules-to-save} (PEFT's {@code modules_to_save}, comma-separated, e.g. {@code
 * lm_head}; default none), {@code --backend} (djl), {@code --out} (bond-runs/lora-comparison:
 * {@code comparison.md}).
 */
public final class LoraJBondComparison {
  private static final int BATCH = 16;
  private static final int NEW_TOKENS = 12;
  private static final double ETA = 0.05;
  private static final List<String> MODULES = List.of("c_attn", "c_proj", "c_fc");

  private LoraJBondComparison() {}

  /** One seed's outcome. */
  record Row(long seed, double before, double full, double lora, double meanGap, double maxGap,
      double kl, double fromBase) {
    double ratio() {
      return (lora - before) / (full - before);
    }
  }

  /** Runs the comparison and returns a Markdown report. */
  static String run(Backend backend, Path reference, long firstSeed, int seeds, int steps,
      LoraSettings lora, double fullLearningRate, double loraLearningRate, Path out)
      throws IOException {
    Files.createDirectories(out);
    WordTokenizer tokenizer = ReviewCorpus.tokenizer();
    LexiconReward reward = new LexiconReward(tokenizer);
    List<Prompt> prompts = ReviewCorpus.prompts(tokenizer);
    OptimizerSettings full = OptimizerSettings.builder().learningRate(fullLearningRate)
        .maxGradNorm(1.0).build();
    OptimizerSettings adapter = OptimizerSettings.builder().learningRate(loraLearningRate)
        .maxGradNorm(1.0).build();
    List<Row> rows = new ArrayList<>();
    PolicySnapshot frozen = backend.load(reference, BackendOptions.defaults(), full).snapshot();
    MonteCarloEvaluator evaluator = new MonteCarloEvaluator(frozen, reward, 8, 16, NEW_TOKENS);
    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
      double before = evaluator.evaluate(frozen, prompts, seed + 1).reward();
      TrainablePolicy fullPolicy = backend.load(reference, BackendOptions.defaults(), full);
      jbond(fullPolicy, frozen, reward, prompts, steps, seed).train(steps);
      Evaluation fullAfter = evaluator.evaluate(fullPolicy, prompts, seed + 1);
      TrainablePolicy loraPolicy = backend.load(reference,
          BackendOptions.builder().lora(lora).build(), adapter);
      EmaShadows shadows = new EmaShadows(loraPolicy);
      Trainer trainer = jbond(loraPolicy, loraPolicy.referenceSnapshot(), reward, prompts, steps,
          seed);
      trainer.addListener(shadows);
      trainer.train(steps);
      Evaluation loraAfter = evaluator.evaluate(loraPolicy, prompts, seed + 1);
      double[] gap = shadows.gap(prompts, seed, backend, out.resolve("merged-ema-" + seed));
      rows.add(new Row(seed, before, fullAfter.reward(), loraAfter.reward(), gap[0], gap[1],
          gap[2], gap[3]));
    }
    return report(rows, steps, lora, fullLearningRate, loraLearningRate);
  }

  /** J-BOND with the demo's settings ({@code β = 0.5}, {@code η = 0.05}, batch 16). */
  static Trainer jbond(TrainablePolicy policy, dev.bond4j.model.Policy reference,
      LexiconReward reward, List<Prompt> prompts, int steps, long seed) {
    return Bond.jbond().policy(policy).reference(reference).reward(reward).prompts(prompts)
        .batchSize(BATCH).maxNewTokens(NEW_TOKENS).steps(steps).seed(seed).beta(0.5)
        .eta(ETA).build().trainer();
  }

  /**
   * Two EMA anchors of a LoRA policy moved after every step: J-BOND's (the EMA of the factors,
   * a snapshot of the policy) and the EMA of the merged weights (a float array).
   */
  private static final class EmaShadows implements TrainingListener {
    private final TrainablePolicy policy;
    private final PolicySnapshot factors;
    private final float[] merged;

    EmaShadows(TrainablePolicy policy) {
      this.policy = policy;
      this.factors = policy.snapshot();
      this.merged = ((DecoderPolicy<?>) policy).parameters();
    }

    @Override
    public void onStep(StepReport report) {
      factors.moveToward(policy, ETA);
      float[] now = ((DecoderPolicy<?>) policy).parameters();
      for (int i = 0; i < merged.length; i++) {
        merged[i] = (float) ((1 - ETA) * merged[i] + ETA * now[i]);
      }
    }

    /**
     * Mean and largest absolute difference of the two anchors' sequence log-probabilities, their
     * mean difference, and for scale the mean absolute difference between the factors' anchor and
     * the base, on 8 samples per prompt of the factors' anchor.
     */
    double[] gap(List<Prompt> prompts, long seed, Backend backend, Path folder) {
      new DecoderCheckpoint(((DecoderPolicy<?>) policy).config(), merged, null, null, 0)
          .write(folder);
      PolicySnapshot mergedAnchor = backend.load(folder, BackendOptions.defaults(),
          OptimizerSettings.defaults()).snapshot();
      List<Prompt> repeated = new ArrayList<>();
      for (int r = 0; r < 8; r++) {
        repeated.addAll(prompts);
      }
      List<Completion> samples = factors.sample(repeated,
          SamplingSettings.training(NEW_TOKENS), seed * 31);
      double[] a = factors.logProbs(samples);
      double[] b = mergedAnchor.logProbs(samples);
      double[] base = policy.referenceSnapshot().logProbs(samples);
      double fromBase = 0;
      double sum = 0;
      double max = 0;
      double signed = 0;
      for (int i = 0; i < a.length; i++) {
        sum += Math.abs(a[i] - b[i]);
        max = Math.max(max, Math.abs(a[i] - b[i]));
        signed += a[i] - b[i];
        fromBase += Math.abs(a[i] - base[i]);
      }
      return new double[] {sum / a.length, max, signed / a.length, fromBase / a.length};
    }
  }

  private static String report(List<Row> rows, int steps, LoraSettings lora, double fullLr,
      double lr) {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "J-BOND on the demo, %d steps: full fine-tuning (AdamW %.0e) against LoRA rank %d, alpha"
            + " %.0f, dropout %s, every projection, modules_to_save %s (AdamW %.0e)%n%n"
            + "| seed | reference reward | full FT |"
            + " LoRA | LoRA gain / full gain | anchor gap: mean abs | max abs | mean (KL) |"
            + " anchor vs base: mean abs |%n|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n", steps,
        fullLr, lora.rank(), lora.alpha(), lora.dropout(), lora.modulesToSave(), lr));
    double ratios = 0;
    for (Row row : rows) {
      ratios += row.ratio();
      text.append(String.format(Locale.ROOT,
          "| %d | %.3f | %.3f | %.3f | %.3f | %.5f | %.5f | %.6f | %.4f |%n", row.seed(),
          row.before(), row.full(), row.lora(), row.ratio(), row.meanGap(), row.maxGap(),
          row.kl(), row.fromBase()));
    }
    text.append(String.format(Locale.ROOT, "%nMean ratio of gains: %.3f%n",
        ratios / rows.size()));
    return text.toString();
  }

  /** Runs the comparison with the options of the class comment. */
  public static void main(String[] args) throws IOException {
    Path reference = Path.of("bond-runs", "demo", "reference");
    long firstSeed = 1;
    int seeds = 3;
    int steps = 200;
    double dropout = 0;
    int rank = 8;
    double alpha = 16;
    double lr = 3e-3;
    double fullLr = 3e-4;
    String backend = "djl";
    List<String> saved = List.of();
    Path out = Path.of("bond-runs", "lora-comparison");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--reference" -> reference = Path.of(args[i + 1]);
        case "--first-seed" -> firstSeed = Long.parseLong(args[i + 1]);
        case "--seeds" -> seeds = Integer.parseInt(args[i + 1]);
        case "--dropout" -> dropout = Double.parseDouble(args[i + 1]);
        case "--steps" -> steps = Integer.parseInt(args[i + 1]);
        case "--rank" -> rank = Integer.parseInt(args[i + 1]);
        case "--alpha" -> alpha = Double.parseDouble(args[i + 1]);
        case "--lora-lr" -> lr = Double.parseDouble(args[i + 1]);
        case "--full-lr" -> fullLr = Double.parseDouble(args[i + 1]);
        case "--modules-to-save" -> saved = List.of(args[i + 1].split(","));
        case "--backend" -> backend = args[i + 1];
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; options:"
            + " --reference, --first-seed, --seeds, --steps, --rank, --alpha, --dropout, --lora-lr,"
            + " --full-lr,"
            + " --modules-to-save,"
            + " --backend, --out");
      }
    }
    String report = run(BackendRegistry.discover().require(backend), reference, firstSeed, seeds,
        steps, new LoraSettings(rank, alpha, dropout, MODULES, saved), fullLr, lr, out);
    Files.writeString(out.resolve("comparison.md"), report);
    System.out.print(report);
  }
}
