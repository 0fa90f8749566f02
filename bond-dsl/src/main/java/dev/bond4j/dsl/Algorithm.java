package dev.bond4j.dsl;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.Problems;
import dev.bond4j.value.ValueSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The algorithms a run can use, with the names configuration files give them and the type of
 * their knobs: a knob is a configuration key of exactly the algorithms whose settings type has it.
 */
public enum Algorithm {
  /** J-BOND (SPEC S7). */
  JBOND("jbond", JBondSettings.class),
  /** BOND with a fixed N against the reference (SPEC S5). */
  BOND("bond", BondSettings.class),
  /** Iterative BOND with a periodic anchor (SPEC S6). */
  ITERATIVE_BOND("iterative-bond", IterativeBondSettings.class),
  /** vBoN: backward KL against Best-of-N of the reference (App. A.5). */
  VBON("vbon", VBoNSettings.class),
  /** Best-of-N SFT, forward KL only (RAFT). */
  BON_SFT("bon-sft", BestOfNSftSettings.class),
  /** REINFORCE with leave-one-out baseline and KL penalty (standard RLHF). */
  REINFORCE("reinforce", ReinforceSettings.class);

  private final String configName;
  private final Class<? extends AlgorithmSettings> settingsType;

  Algorithm(String configName, Class<? extends AlgorithmSettings> settingsType) {
    this.configName = configName;
    this.settingsType = settingsType;
  }

  /** The schema of this algorithm's knobs: their names, types and defaults. */
  public ValueSchema<? extends AlgorithmSettings> settings() {
    return ValueSchema.of(settingsType);
  }

  /** The knobs of one algorithm or another, by name. */
  public static Set<String> knobs() {
    Set<String> all = new TreeSet<>();
    for (Algorithm a : values()) {
      all.addAll(a.settings().settings().keySet());
    }
    return all;
  }

  /**
   * One problem for each knob in {@code given} that another algorithm reads and this one does
   * not, in order; empty when there is none.
   *
   * @param given settings by name, with their values
   */
  public List<InvalidArgumentException.Problem> foreignSettings(Map<String, ?> given) {
    Set<String> own = settings().settings().keySet();
    Set<String> all = knobs();
    List<InvalidArgumentException.Problem> found = new ArrayList<>();
    given.forEach((name, value) -> {
      if (all.contains(name) && !own.contains(name)) {
        found.add(new InvalidArgumentException.Problem(name, value, "no " + name + " for "
            + configName + ", which reads " + String.join(", ", own)));
      }
    });
    return found;
  }

  /** The name used in configuration files and on the command line. */
  public String configName() {
    return configName;
  }

  /** The algorithm named {@code name}; the error lists the valid names. */
  public static Algorithm parse(String name) {
    for (Algorithm a : values()) {
      if (a.configName.equals(name)) {
        return a;
      }
    }
    throw Problems.invalid("algorithm", name, "one of " + Arrays.stream(values())
        .map(Algorithm::configName).collect(Collectors.joining(", ")));
  }
}
