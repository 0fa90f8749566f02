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
  @Mixin
  private EvaluationOptions evaluation;

  @Option(names = "--prompts", description = "A JSONL or text file of prompts (default: the"
      + " demo's prompts).")
  private Path prompts;

  @Option(names = "--samples", defaultValue = "8",
      description = "Policy samples per prompt (default: ${DEFAULT-VALUE}).")
  private int samples;

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
    try (Policy ref = options.load(evaluation.reference());
        Policy trained = options.load(evaluation.policy())) {
      e = new MonteCarloEvaluator(ref, new LexiconReward(tokenizer), samples,
          evaluation.referenceSamples(), evaluation.maxNewTokens()).evaluate(trained, list, seed);
    }
    EvaluationOptions.print(e, spec.commandLine().getOut());
    return 0;
  }
}
