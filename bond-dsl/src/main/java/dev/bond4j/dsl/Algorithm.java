package dev.bond4j.dsl;

import dev.bond4j.Problems;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The algorithms a run can use, with the names configuration files give them. */
public enum Algorithm {
  /** J-BOND (SPEC S7). */
  JBOND("jbond"),
  /** BOND with a fixed N against the reference (SPEC S5). */
  BOND("bond"),
  /** Iterative BOND with a periodic anchor (SPEC S6). */
  ITERATIVE_BOND("iterative-bond"),
  /** vBoN: backward KL against Best-of-N of the reference (App. A.5). */
  VBON("vbon"),
  /** Best-of-N SFT, forward KL only (RAFT). */
  BON_SFT("bon-sft"),
  /** REINFORCE with leave-one-out baseline and KL penalty (standard RLHF). */
  REINFORCE("reinforce");

  private final String configName;

  Algorithm(String configName) {
    this.configName = configName;
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
