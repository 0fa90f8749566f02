package dev.bond4j.paper;

import dev.bond4j.math.TieRule;
import dev.bond4j.testbed.ExactEvaluator;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The exact testbed on which the paper's claims are reproduced: a vocabulary of five words plus
 * EOS, completions of up to five tokens (3,906 sequences), four prompts, a random reference policy
 * and a reward with distinct values, so that Best-of-N is continuous-like and every quantity can
 * be enumerated.
 *
 * @param space the sequence space
 * @param contexts number of prompts
 * @param reference the frozen reference {@code π_ref}
 * @param reward the tabulated reward
 * @param optimizer the optimizer every run uses
 */
public record PaperTestbed(SequenceSpace space, int contexts, TabularSnapshot reference,
    TabularReward reward, OptimizerSettings optimizer) {
  /** Five words and EOS. */
  static final int VOCABULARY = 6;
  /** Completions of up to five tokens. */
  static final int MAX_LENGTH = 5;

  /** The standard testbed of the claims report, from {@code seed}. */
  public static PaperTestbed standard(long seed, double learningRate) {
    SequenceSpace space = SequenceSpace.of(VOCABULARY, 0, MAX_LENGTH);
    int contexts = 4;
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(learningRate).build();
    TabularSnapshot reference = TabularPolicy.random(space, contexts, 1.0, seed, optimizer)
        .snapshot();
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    double[][] tokenValue = new double[contexts][VOCABULARY];
    for (int c = 0; c < contexts; c++) {
      for (int v = 1; v < VOCABULARY; v++) {
        tokenValue[c][v] = random.nextDouble(-1, 1);
      }
    }
    TabularReward reward = TabularReward.of(space, contexts,
        (context, y) -> value(y, tokenValue[context]) + 1e-3 * random.nextDouble());
    return new PaperTestbed(space, contexts, reference, reward, optimizer);
  }

  /** The summed value of the words; each prompt values the words differently. */
  private static double value(TokenSequence y, double[] tokenValue) {
    double sum = 0;
    for (int t = 0; t < y.length(); t++) {
      sum += tokenValue[y.get(t)];
    }
    return sum;
  }

  /** The prompts, one per context. */
  public List<Prompt> prompts() {
    List<Prompt> prompts = new ArrayList<>(contexts);
    for (int c = 0; c < contexts; c++) {
      prompts.add(TabularPolicy.prompt(c));
    }
    return prompts;
  }

  /** A fresh trainable policy starting at the reference. */
  public TabularPolicy freshPolicy() {
    return TabularPolicy.copyOf(reference, optimizer);
  }

  /** An exact evaluator against Best-of-{@code n} of the reference. */
  public ExactEvaluator evaluator(int n) {
    return new ExactEvaluator(reference, reward, n, TieRule.STRICT);
  }
}
