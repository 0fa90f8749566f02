package dev.bond4j.random;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

  @Test
  void streamsAreReproducibleAndDistinct() {
    Seeds seeds = new Seeds(42);
    assertThat(seeds.seed(Seeds.POLICY_SAMPLING, 7)).isEqualTo(new Seeds(42)
        .seed(Seeds.POLICY_SAMPLING, 7));
    Set<Long> distinct = new HashSet<>();
    for (String stream : new String[] {Seeds.POLICY_SAMPLING, Seeds.ANCHOR_SAMPLING,
        Seeds.PROMPT_ORDER, Seeds.QUANTILE_SAMPLES, Seeds.SELECTION}) {
      for (long step = 0; step < 100; step++) {
        distinct.add(seeds.seed(stream, step));
      }
    }
    distinct.add(new Seeds(43).seed(Seeds.POLICY_SAMPLING, 7));
    assertThat(distinct).hasSize(501);
  }
}
