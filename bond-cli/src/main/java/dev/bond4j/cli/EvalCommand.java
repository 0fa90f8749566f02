package dev.bond4j.cli;

import dev.bond4j.algorithm.Evaluation;
import dev.bond4j.algorithm.MonteCarloEvaluator;
import dev.bond4j.config.PromptFiles;
import dev.bond4j.demo.LexiconReward;
import dev.bond4j.demo.ReviewCorpus;
import dev.bond4j.demo.WordTokenizer;
import dev.bond4j.model.Policy;
import dev.bond4j.value.Prompt;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bond eval}: a policy against its reference on the demo's reward: reward, KL, the mean
 * log-quantile and effective N, and the win rate (SPEC S10).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate a policy against a reference with the demo's lexicon reward.")
public final class EvalCommand implements Callable<Integer> {
  @Option(names = "--policy", required = true, description = "The policy folder.")
  private Path policy;

  @Option(names = "--reference", required = true, description = "The reference policy folder.")
  private Path reference;

  @Option(names = "--prompts", description = "A JSONL or text file of prompts (default: the"
      + " demo's prompts).")
  private Path prompts;

  @Option(names = "--samples", defaultValue = "8",
      description = "Policy samples per prompt (default: ${DEFAULT-VALUE}).")
  private int samples;

  @Option(names = "--reference-samples", defaultValue = "16",
      description = "Reference samples per prompt for quantiles (default: ${DEFAULT-VALUE}).")
  private int referenceSamples;

  @Option(names = "--max-new-tokens", defaultValue = "12", description = "Length limit.")
  private int maxNewTokens;

  @Option(names = "--seed", defaultValue = "1", description = "Seed.")
  private long seed;

  @Mixin
  private PolicyOptions options;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    WordTokenizer tokenizer = ReviewCorpus.tokenizer();
    List<Prompt> list = prompts == null ? ReviewCorpus.prompts(tokenizer)
        : PromptFiles.read(prompts, tokenizer);
    Evaluation e;
    try (Policy ref = options.load(reference); Policy trained = options.load(policy)) {
      e = new MonteCarloEvaluator(ref, new LexiconReward(tokenizer), samples, referenceSamples,
          maxNewTokens).evaluate(trained, list, seed);
    }
    spec.commandLine().getOut().printf("reward %.3f%nkl/ref %.3f%nlog_quantile %.3f%n"
        + "n_eff %.2f%nwin_rate %.3f%nsamples %d%n", e.reward(), e.klFromReference(),
        e.meanLogQuantile(), e.effectiveN(), e.winRate(), e.samples());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
