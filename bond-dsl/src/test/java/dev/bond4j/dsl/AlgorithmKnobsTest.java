package dev.bond4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compile-time guarantee, checked on the types: each algorithm's builder offers exactly the
 * knobs of its settings type, so {@code Bond.reinforce().beta(0.5)} does not compile, and the
 * settings family is closed.
 */
class AlgorithmKnobsTest {
  /** The knobs each builder adds to {@link RunBuilder}, without the deprecated aliases. */
  private static Set<String> knobsOf(Class<?> builder) {
    return Arrays.stream(builder.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .filter(m -> !m.isAnnotationPresent(Deprecated.class))
        .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void theReinforceBuilderHasNoBetaAndNoOtherForeignKnob() {
    Set<String> methods = Arrays.stream(ReinforceBuilder.class.getMethods()).map(Method::getName)
        .collect(Collectors.toSet());
    assertThat(methods).contains("klCoefficient", "samplesPerPrompt", "batchSize", "steps")
        .doesNotContain("beta", "eta", "gamma", "n", "anchorEvery", "quantileSamples");
    assertThat(Arrays.stream(JBondBuilder.class.getMethods()).map(Method::getName))
        .doesNotContain("n", "klCoefficient", "samplesPerPrompt", "quantileSamples");
  }

  @Test
  void eachBuilderOffersExactlyTheKnobsOfItsSettingsType() {
    Map<Class<?>, Algorithm> builders = Map.of(JBondBuilder.class, Algorithm.JBOND,
        BondBuilder.class, Algorithm.BOND, IterativeBondBuilder.class, Algorithm.ITERATIVE_BOND,
        BestOfNBuilder.class, Algorithm.VBON, ReinforceBuilder.class, Algorithm.REINFORCE);
    builders.forEach((builder, algorithm) -> assertThat(knobsOf(builder)).as(builder.getName())
        .isEqualTo(algorithm.settings().settings().keySet()));
    assertThat(Algorithm.BON_SFT.settings().settings()).isEqualTo(
        Algorithm.VBON.settings().settings());
  }

  @Test
  void theSettingsFamilyIsSealedWithOneTypePerAlgorithm() {
    assertThat(AlgorithmSettings.class.isSealed()).isTrue();
    assertThat(AlgorithmSettings.class.getPermittedSubclasses()).containsExactlyInAnyOrder(
        Arrays.stream(Algorithm.values()).map(a -> a.settings().type()).toArray(Class<?>[]::new));
    for (Algorithm algorithm : Algorithm.values()) {
      var draft = algorithm.settings().draft();
      if (algorithm == Algorithm.ITERATIVE_BOND) {
        draft.set("anchorEvery", 5);
      }
      assertThat(draft.build().algorithm()).isEqualTo(algorithm);
    }
  }
}
