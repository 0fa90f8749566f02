package dev.bond4j.examples;

import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.MetricsRecorder;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.dsl.Bond;
import dev.bond4j.dsl.BondRun;
import dev.bond4j.math.TieRule;
import dev.bond4j.testbed.ExactEvaluator;
import dev.bond4j.testbed.ExactMetrics;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularReward;
import dev.bond4j.value.OptimizerSettings;
import java.util.List;

/**
 * The Java quick start of the README: J-BOND through the fluent API on the exact testbed, where
 * the result can be checked exactly. Swap the tabular policy for any backend's policy (for
 * example {@code BackendRegistry.discover().require("djl").load(dir, options, optimizer)}).
 */
public final class JavaQuickStart {
  private JavaQuickStart() {}

  /** Trains and returns the exact metrics before and after. */
  public static ExactMetrics[] run() {
    SequenceSpace space = SequenceSpace.of(6, 0, 4);
    TabularPolicy policy = TabularPolicy.random(space, 2, 1.0, 7,
        OptimizerSettings.builder().learningRate(0.02).build());
    TabularReward reward = TabularReward.of(space, 2, (context, y) -> y.length() + 0.1 * y.get(0));
    ExactEvaluator evaluator = new ExactEvaluator(policy.snapshot(), reward, 16, TieRule.STRICT);
    ExactMetrics before = evaluator.evaluate(policy);

    BondRun run = Bond.jbond().policy(policy).reward(reward)
        .prompts(List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1)))
        .beta(0.5).eta(0.02).gamma(0.0)
        .batchSize(16).maxNewTokens(4).steps(300).seed(1).build();
    Trainer trainer = run.trainer();
    MetricsRecorder metrics = new MetricsRecorder();
    trainer.addListener(metrics);
    trainer.train(run.settings().steps());
    return new ExactMetrics[] {before, evaluator.evaluate(policy)};
  }

  /** Prints reward and KL before and after. */
  public static void main(String[] args) {
    ExactMetrics[] result = run();
    System.out.printf("reward %.3f -> %.3f, KL(pi || pi_ref) %.3f, effective N %.1f%n",
        result[0].expectedReward(), result[1].expectedReward(), result[1].klFromReference(),
        result[1].effectiveN());
    System.out.println("(metric keys such as " + Metrics.REWARD_MEAN + " are in the README)");
  }
}
