package dev.bond4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.testbed.ExactMetrics;
import org.junit.jupiter.api.Test;

/** The README's quick starts run and do what they say. */
class QuickStartTest {

  @Test
  void javaQuickStartRaisesTheExactReward() {
    ExactMetrics[] result = JavaQuickStart.run();
    assertThat(result[1].expectedReward()).isGreaterThan(result[0].expectedReward() + 0.5);
    assertThat(result[1].klFromReference()).isPositive();
  }

  @Test
  void kotlinQuickStartRaisesTheExactReward() {
    kotlin.Pair<Double, Double> result = KotlinQuickStart.run();
    assertThat(result.getSecond()).isGreaterThan(result.getFirst() + 0.5);
  }
}
