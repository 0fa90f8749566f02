package dev.bond4j.dsl;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.Problems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The algorithms a run can use, with the names configuration files give them and the settings of
 * {@link AlgorithmSettings} each one reads: a setting another algorithm reads is rejected, by the
 * fluent builder and in configuration files, instead of being silently ignored.
 */
public enum Algorithm {
  /** J-BOND (SPEC S7). */
  JBOND("jbond", "beta", "eta", "gamma", "anchorEvery", "n"),
  /** BOND with a fixed N against the reference (SPEC S5). */
  BOND("bond", "beta", "n", "quantileSamples"),
  /** Iterative BOND with a periodic anchor (SPEC S6). */
  ITERATIVE_BOND("iterative-bond", "beta", "gamma", "anchorEvery", "n", "quantileSamples"),
  /** vBoN: backward KL against Best-of-N of the reference (App. A.5). */
  VBON("vbon", "n"),
  /** Best-of-N SFT, forward KL only (RAFT). */
  BON_SFT("bon-sft", "n"),
  /** REINFORCE with leave-one-out baseline and KL penalty (standard RLHF). */
  REINFORCE("reinforce", "klCoefficient", "samplesPerPrompt");

  /** The settings of one algorithm or another: each reads some of them. */
  public static final Set<String> SPECIFIC = Set.of("beta", "eta", "gamma", "anchorEvery", "n",
      "quantileSamples", "klCoefficient", "samplesPerPrompt");

  private final String configName;
  private final Set<String> settings;

  Algorithm(String configName, String... settings) {
    this.configName = configName;
    this.settings = Set.copyOf(Arrays.asList(settings));
  }

  /**
   * One problem for each algorithm-specific setting in {@code given} that this algorithm does not
   * read, in order; empty when it reads them all.
   *
   * @param given the settings given explicitly, by name, with their values
   */
  public List<InvalidArgumentException.Problem> foreignSettings(Map<String, ?> given) {
    List<InvalidArgumentException.Problem> found = new ArrayList<>();
    given.forEach((name, value) -> {
      if (SPECIFIC.contains(name) && !settings.contains(name)) {
        found.add(new InvalidArgumentException.Problem(name, value, "no " + name + " for "
            + configName + ", which reads " + String.join(", ", new TreeSet<>(settings))));
      }
    });
    return found;
  }

  /** The name used in configuration files and on the command line. */
  public String configName() {
    return configName;
  }

  /** The algorithm named {@code name}; the error lists the valid names. */
  public static Algorithm named(String name) {
    for (Algorithm a : values()) {
      if (a.configName.equals(name)) {
        return a;
      }
    }
    throw Problems.invalid("algorithm", name, "one of " + Arrays.stream(values())
        .map(Algorithm::configName).collect(Collectors.joining(", ")));
  }
}
