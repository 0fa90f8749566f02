package dev.bond4j.decoder.bench;

import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The prompts a training benchmark runs on: random tokens, the same on every run. */
public final class BenchmarkPrompts {
  private BenchmarkPrompts() {}

  /**
   * {@code count} prompts {@code p0, p1, ...} of {@code length} tokens drawn uniformly below
   * {@code vocabularySize − 1} (the EOS token of the benchmarks' models), with seed 7.
   */
  public static List<Prompt> random(int count, int length, int vocabularySize) {
    SplittableRandom random = new SplittableRandom(7);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] ids = new int[length];
      for (int t = 0; t < length; t++) {
        ids[t] = random.nextInt(vocabularySize - 1);
      }
      prompts.add(Prompt.of("p" + i, TokenSequence.of(ids)));
    }
    return prompts;
  }
}
