package dev.bond4j.study;

import dev.bond4j.algorithm.MonteCarloEvaluator;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingListener;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.DecoderLayout.Global;
import dev.bond4j.decoder.DecoderLayout.Slot;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.demo.LexiconReward;
import dev.bond4j.demo.ReviewCorpus;
import dev.bond4j.demo.WordTokenizer;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * Where the demo's J-BOND gain flows: full fine-tuning from the demo's reference with the settings
 * of {@link LoraJBondComparison}, once per variant with only some tensors trainable, per seed. A
 * frozen tensor is put back to its reference value after every step (its AdamW moments still
 * accumulate, unused; the gradient clipping still counts its gradient, which AdamW's per-weight
 * scaling makes nearly irrelevant). Variants: {@code all}, {@code embedding} (only the tied token
 * embedding and head), {@code no-embedding} (all else), {@code projections} (the blocks' linear
 * weights, what LoRA adapts) and {@code projections+embedding}.
 *
 * <p>Options: {@code --reference DIR} (default bond-runs/demo/reference), {@code --seeds} (3),
 * {@code --steps} (200), {@code --lr} (3e-4), {@code --variants} (comma-separated, default all
 * five), {@code --backend} (djl), {@code --out} (bond-runs/frozen-weights: {@code study.md}).
 */
public final class FrozenWeightsStudy {
  private static final List<String> VARIANTS = List.of("all", "embedding", "no-embedding",
      "projections", "projections+embedding");

  private FrozenWeightsStudy() {}

  /** Which tensors of {@code layout} train in {@code variant}. */
  static IntPredicate trainable(String variant, DecoderLayout layout) {
    int embedding = layout.index(Global.EMBED);
    IntPredicate projection = i -> {
      for (int layer = 0; layer < layout.config().layers(); layer++) {
        for (Slot slot : new Slot[] {Slot.QKV_W, Slot.O_W, Slot.UP_W, Slot.DOWN_W}) {
          if (layout.index(layer, slot) == i) {
            return true;
          }
        }
      }
      return false;
    };
    return switch (variant) {
      case "all" -> i -> true;
      case "embedding" -> i -> i == embedding;
      case "no-embedding" -> i -> i != embedding;
      case "projections" -> projection;
      case "projections+embedding" -> projection.or(i -> i == embedding);
      default -> throw new IllegalArgumentException("Unknown variant " + variant + "; one of "
          + VARIANTS);
    };
  }

  /** Puts the frozen tensors of a policy back to their starting values after every step. */
  private static final class Freezer implements TrainingListener {
    private final DecoderPolicy<?> policy;
    private final DecoderLayout layout;
    private final IntPredicate trainable;
    private final float[] start;
    private final Path scratch;

    Freezer(DecoderPolicy<?> policy, IntPredicate trainable, Path scratch) {
      this.policy = policy;
      this.layout = new DecoderLayout(policy.config());
      this.trainable = trainable;
      this.start = policy.parameters();
      this.scratch = scratch;
    }

    @Override
    public void onStep(StepReport report) {
      float[] now = policy.parameters();
      for (int i = 0; i < layout.size(); i++) {
        if (!trainable.test(i)) {
          int from = (int) layout.offset(i);
          System.arraycopy(start, from, now, from, (int) layout.offset(i + 1) - from);
        }
      }
      new DecoderCheckpoint(policy.config(), now, null, null, 0).write(scratch);
      policy.restore(scratch);
    }
  }

  /** Runs the study and returns a Markdown report. */
  static String run(Backend backend, Path reference, int seeds, int steps, double lr,
      List<String> variants, Path out) throws IOException {
    Files.createDirectories(out);
    WordTokenizer tokenizer = ReviewCorpus.tokenizer();
    LexiconReward reward = new LexiconReward(tokenizer);
    List<Prompt> prompts = ReviewCorpus.prompts(tokenizer);
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(lr).maxGradNorm(1.0)
        .build();
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "J-BOND on the demo, %d steps, AdamW %.0e, only some tensors trainable: reward after"
            + " (gain / gain of `all`)%n%n| variant |", steps, lr));
    for (long seed = 1; seed <= seeds; seed++) {
      text.append(" seed ").append(seed).append(" |");
    }
    text.append("\n|---|").append("---:|".repeat(seeds)).append('\n');
    try (TrainablePolicy loaded = backend.load(reference, BackendOptions.defaults(), optimizer);
        PolicySnapshot frozen = loaded.snapshot()) {
      MonteCarloEvaluator evaluator = new MonteCarloEvaluator(frozen, reward, 8, 16, 12);
      double[] before = new double[seeds];
      double[] allGain = new double[seeds];
      for (String variant : variants) {
        text.append("| ").append(variant).append(" |");
        for (int s = 0; s < seeds; s++) {
          long seed = s + 1;
          before[s] = evaluator.evaluate(frozen, prompts, seed + 1).reward();
          try (TrainablePolicy policy = backend.load(reference, BackendOptions.defaults(),
              optimizer)) {
            DecoderPolicy<?> decoder = (DecoderPolicy<?>) policy;
            Trainer trainer = LoraJBondComparison.jbond(policy, frozen, reward, prompts, steps,
                seed);
            trainer.addListener(new Freezer(decoder,
                trainable(variant, new DecoderLayout(decoder.config())), out.resolve("scratch")));
            trainer.train(steps);
            double after = evaluator.evaluate(policy, prompts, seed + 1).reward();
            if (variant.equals("all")) {
              allGain[s] = after - before[s];
            }
            text.append(String.format(Locale.ROOT, " %.3f", after));
            text.append(allGain[s] == 0 ? " |" : String.format(Locale.ROOT, " (%.2f) |",
                (after - before[s]) / allGain[s]));
          }
        }
        text.append('\n');
      }
    }
    return text.toString();
  }

  /** Runs the study with the options of the class comment. */
  public static void main(String[] args) throws IOException {
    Path reference = Path.of("bond-runs", "demo", "reference");
    int seeds = 3;
    int steps = 200;
    double lr = 3e-4;
    List<String> variants = VARIANTS;
    String backend = "djl";
    Path out = Path.of("bond-runs", "frozen-weights");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--reference" -> reference = Path.of(args[i + 1]);
        case "--seeds" -> seeds = Integer.parseInt(args[i + 1]);
        case "--steps" -> steps = Integer.parseInt(args[i + 1]);
        case "--lr" -> lr = Double.parseDouble(args[i + 1]);
        case "--variants" -> variants = List.of(args[i + 1].split(","));
        case "--backend" -> backend = args[i + 1];
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; options:"
            + " --reference, --seeds, --steps, --lr, --variants, --backend, --out");
      }
    }
    String report = run(BackendRegistry.discover().require(backend), reference, seeds, steps, lr,
        variants, out);
    Files.writeString(out.resolve("study.md"), report);
    System.out.print(report);
  }
}
