package dev.bond4j.onnx.serving;

import dev.bond4j.Problems;
import dev.bond4j.algorithm.BestOfNSampler;
import dev.bond4j.math.TieRule;
import dev.bond4j.model.Policy;
import dev.bond4j.model.RewardModel;
import dev.bond4j.value.Completion;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.Rollout;
import dev.bond4j.value.SamplingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What BOND buys at serving time: Best-of-N sampling of a reference policy for several N (each
 * prompt costs N samples and N reward-model calls) against one sample of a distilled policy (one
 * sample, no reward call). For each method it measures the mean reward, the tokens generated, the
 * reward-model calls and the wall time, all per prompt. The distilled policy's samples are scored
 * too, to report their reward, but that evaluation is not part of its serving cost.
 */
public final class ServingComparison {
  private ServingComparison() {}

  /**
   * Runs every method once over {@code prompts}.
   *
   * @param ns the values of N for Best-of-N, each {@code >= 1}
   * @param seed the seed of every method's sampling
   */
  public static List<ServingRow> run(Policy reference, Policy distilled, RewardModel reward,
      List<Prompt> prompts, SamplingSettings settings, int[] ns, TieRule rule, long seed) {
    Problems problems = Problems.of("serving comparison")
        .check(!prompts.isEmpty(), "prompts", prompts.size(), "at least one prompt");
    for (int n : ns) {
      problems.atLeast("ns[]", n, 1);
    }
    problems.throwIfAny();
    int count = prompts.size();
    List<ServingRow> rows = new ArrayList<>();
    for (int n : ns) {
      long[] calls = new long[1];
      long[] tokens = new long[1];
      RewardModel counted = sequences -> {
        calls[0] += sequences.size();
        for (PromptedSequence s : sequences) {
          tokens[0] += s.completion().length();
        }
        return reward.score(sequences);
      };
      BestOfNSampler sampler = new BestOfNSampler(reference, counted, n, rule, settings);
      long start = System.nanoTime();
      List<Rollout> best = sampler.sample(prompts, seed);
      double millis = (System.nanoTime() - start) / 1e6;
      double mean = best.stream().mapToDouble(Rollout::reward).average().orElseThrow();
      rows.add(new ServingRow("Best-of-" + n + " (reference)", n, mean, (double) tokens[0] / count,
          (double) calls[0] / count, millis / count));
    }
    long start = System.nanoTime();
    List<Completion> single = distilled.sample(prompts, settings, seed);
    double millis = (System.nanoTime() - start) / 1e6;
    double mean = 0;
    for (double r : reward.score(single)) {
      mean += r / count;
    }
    double tokens = single.stream().mapToInt(c -> c.completion().length()).sum();
    rows.add(new ServingRow("distilled, 1 sample", 1, mean, tokens / count, 0, millis / count));
    return rows;
  }

  /** The rows as a Markdown table. */
  public static String toMarkdown(List<ServingRow> rows) {
    StringBuilder out = new StringBuilder(
        "| method | N | mean reward | tokens / prompt | reward calls / prompt | ms / prompt |\n"
            + "|---|---:|---:|---:|---:|---:|\n");
    for (ServingRow row : rows) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.1f | %.0f | %.2f |%n",
          row.method(), row.n(), row.meanReward(), row.tokens(), row.rewardCalls(), row.millis()));
    }
    return out.toString();
  }
}
