package dev.bond4j.testbed;

import dev.bond4j.Problems;
import dev.bond4j.model.RewardModel;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.TokenSequence;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;

/**
 * A reward given as a table over (context, sequence of the space): the exact testbed's reward
 * model, so that quantiles and Best-of-N laws can be enumerated.
 */
public final class TabularReward implements RewardModel {
  private final SequenceSpace space;
  private final double[][] table;

  private TabularReward(SequenceSpace space, double[][] table) {
    this.space = space;
    this.table = table;
  }

  /** The reward {@code function(context, completion)} tabulated over the space. */
  public static TabularReward of(SequenceSpace space, int contexts,
      ToDoubleBiFunction<Integer, TokenSequence> function) {
    Problems.require(contexts >= 1, "contexts", contexts, "an integer >= 1");
    double[][] table = new double[contexts][space.size()];
    for (int c = 0; c < contexts; c++) {
      for (int i = 0; i < space.size(); i++) {
        double r = function.applyAsDouble(c, space.sequence(i));
        Problems.require(!Double.isNaN(r), "reward(" + c + ", " + space.sequence(i) + ")", r,
            "a number, not NaN");
        table[c][i] = r;
      }
    }
    return new TabularReward(space, table);
  }

  /**
   * A random reward with ties: each sequence's reward is one of {@code levels} values drawn
   * uniformly, so tie classes are common (useful for testing tie rules).
   */
  public static TabularReward randomLevels(SequenceSpace space, int contexts, int levels,
      long seed) {
    Problems.require(levels >= 1, "levels", levels, "an integer >= 1");
    SplittableRandom random = new SplittableRandom(seed);
    return of(space, contexts, (c, y) -> random.nextInt(levels));
  }

  /** The rewards of every sequence for {@code context}, in index order. */
  public double[] rewards(int context) {
    return table[context].clone();
  }

  @Override
  public double[] score(List<? extends PromptedSequence> sequences) {
    double[] out = new double[sequences.size()];
    for (int i = 0; i < out.length; i++) {
      PromptedSequence s = sequences.get(i);
      TokenSequence prompt = s.prompt().tokens();
      Problems.require(prompt.length() == 1 && prompt.get(0) < table.length, "prompt.tokens",
          prompt, "a single context id in [0, " + table.length + ")");
      int index = space.indexOf(s.completion());
      Problems.require(index >= 0, "completion", s.completion(), "a sequence of the space");
      out[i] = table[prompt.get(0)][index];
    }
    return out;
  }
}
