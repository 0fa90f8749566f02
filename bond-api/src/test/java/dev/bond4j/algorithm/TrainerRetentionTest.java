package dev.bond4j.algorithm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A long {@link Trainer#train} keeps no report of its earlier steps: a run of 40,000 steps once
 * held all of them (about 2 KB each) until it ended, which showed as resident memory growing by
 * that much per step. At the last step of a run, after collections, the reports of the earlier
 * steps must be unreachable.
 */
class TrainerRetentionTest {
  private static final int STEPS = 60;

  @Test
  void trainKeepsNoReportOfEarlierSteps() {
    SequenceSpace space = SequenceSpace.of(4, 0, 3);
    TabularPolicy policy = TabularPolicy.random(space, 2, 1.0, 1, OptimizerSettings.defaults());
    List<Prompt> prompts = List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));
    Trainer trainer = Algorithms.jBond(policy, policy.snapshot(),
        TabularReward.randomLevels(space, 2, 7, 3), prompts, 0.5, 0.1, 0,
        TrainingSettings.builder().batchSize(4).maxNewTokens(3).seed(3).build());
    List<WeakReference<StepReport>> seen = new ArrayList<>();
    long[] stillReachable = {-1};
    trainer.addListener(new TrainingListener() {
      @Override
      public void onStep(StepReport report) {
        if (report.step() < STEPS) {
          seen.add(new WeakReference<>(report));
          return;
        }
        for (int attempt = 0; attempt < 10 && reachable(seen) > 0; attempt++) {
          System.gc();
        }
        stillReachable[0] = reachable(seen);
      }
    });
    trainer.train(STEPS);
    assertThat(seen).hasSize(STEPS - 1);
    assertThat(stillReachable[0]).as("reports of earlier steps still reachable at the last step")
        .isZero();
  }

  private static long reachable(List<WeakReference<StepReport>> references) {
    return references.stream().filter(reference -> reference.get() != null).count();
  }
}
