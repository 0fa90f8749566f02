package dev.bond4j.algorithm;

import dev.bond4j.Problems;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.Prompt;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The order in which prompts are visited: epoch by epoch, each epoch a seeded permutation of the
 * data set. A step's batch depends only on the seed and the step number, so a resumed run sees the
 * same prompts it would have seen.
 */
public final class PromptOrder {
  private final List<Prompt> prompts;
  private final int batchSize;
  private final Seeds seeds;
  private long cachedEpoch = -1;
  private int[] cachedPermutation;

  /** Batches of {@code batchSize} prompts drawn from {@code prompts}. */
  public PromptOrder(List<Prompt> prompts, int batchSize, Seeds seeds) {
    Problems.of("PromptOrder").check(!prompts.isEmpty(), "prompts", prompts.size(),
        "at least one prompt").atLeast("batchSize", batchSize, 1).throwIfAny();
    this.prompts = List.copyOf(prompts);
    this.batchSize = batchSize;
    this.seeds = seeds;
  }

  /** The prompts of step {@code step} (1-based). */
  public List<Prompt> batch(long step) {
    List<Prompt> batch = new ArrayList<>(batchSize);
    long start = (step - 1) * batchSize;
    for (long position = start; position < start + batchSize; position++) {
      long epoch = position / prompts.size();
      batch.add(prompts.get(permutation(epoch)[(int) (position % prompts.size())]));
    }
    return batch;
  }

  private int[] permutation(long epoch) {
    if (epoch != cachedEpoch) {
      SplittableRandom random = seeds.random(Seeds.PROMPT_ORDER, epoch);
      int[] order = new int[prompts.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      cachedEpoch = epoch;
      cachedPermutation = order;
    }
    return cachedPermutation;
  }
}
