package dev.bond4j.cli;

import dev.bond4j.MemoryBudget;
import dev.bond4j.Problems;
import dev.bond4j.config.BuiltInTokenizer;
import dev.bond4j.config.PromptFiles;
import dev.bond4j.demo.LexiconReward;
import dev.bond4j.model.Policy;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bond sample}: completions of a policy for some prompts, with log-probs and rewards. */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Sample completions from a policy folder (config.json, model.safetensors).")
public final class SampleCommand implements Callable<Integer> {
  @Option(names = "--policy", required = true, description = "The policy folder.")
  private Path policy;

  @Option(names = "--prompt", description = "A prompt text; repeatable.")
  private List<String> prompts = new ArrayList<>();

  @Option(names = "--prompts", description = "A JSONL or text file of prompts.")
  private Path promptFile;

  @Option(names = {"-n", "--samples"}, defaultValue = "1",
      description = "Completions per prompt (default: ${DEFAULT-VALUE}).")
  private int samples;

  @Mixin
  private SamplingOptions sampling;

  @Option(names = "--seed", defaultValue = "1", description = "Seed.")
  private long seed;

  @Mixin
  private PolicyOptions options;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Problems.require(samples >= 1, "--samples", samples, "a number of completions >= 1");
    SamplingSettings settings = sampling.settings();
    Tokenizer tokenizer = options.tokenizer();
    List<Prompt> all = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      all.add(Prompt.builder().id("prompt-" + (i + 1)).tokens(tokenizer.encode(prompts.get(i)))
          .text(prompts.get(i)).build());
    }
    if (promptFile != null) {
      all.addAll(PromptFiles.read(promptFile, tokenizer));
    }
    Problems.require(!all.isEmpty(), "prompts", 0, "--prompt TEXT or --prompts FILE");
    try (Policy loaded = options.load(policy)) {
      print(loaded, tokenizer, all, settings);
    }
    return 0;
  }

  /** Samples {@code --samples} completions of every prompt and prints them. */
  private void print(Policy loaded, Tokenizer tokenizer, List<Prompt> all,
      SamplingSettings settings) {
    MemoryBudget.requireSequences(loaded, all, samples, sampling.maxNewTokens(), "--max-new-tokens",
        "--samples", samples);
    List<Prompt> repeated = new ArrayList<>();
    for (Prompt p : all) {
      for (int k = 0; k < samples; k++) {
        repeated.add(p);
      }
    }
    List<Completion> completions = loaded.sample(repeated, settings, seed);
    boolean demo = BuiltInTokenizer.named(options.model.tokenizer())
        .equals(Optional.of(BuiltInTokenizer.DEMO));
    double[] rewards = demo
        ? new LexiconReward(tokenizer).score(completions) : null;
    PrintWriter out = spec.commandLine().getOut();
    for (int i = 0; i < completions.size(); i++) {
      Completion c = completions.get(i);
      out.printf("%s | %s | log-prob %.3f%s%n", c.prompt().text(), tokenizer.decode(c.completion()),
          c.logProb(), rewards == null ? "" : String.format(" | reward %.1f", rewards[i]));
    }
    out.flush();
  }
}
