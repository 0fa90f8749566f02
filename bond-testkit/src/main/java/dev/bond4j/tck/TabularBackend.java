package dev.bond4j.tck;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.testbed.TabularSnapshot;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import java.util.List;

/**
 * The exact testbed as a {@link PolicyBackend}: the reference that passes the conformance suite
 * by construction. Tabular policies over three token ids (EOS 2), completions of at most three
 * tokens, two contexts, logits of standard deviation 1.5. A backend that wraps the testbed can
 * extend it and wrap what {@link #tabular} returns.
 */
public class TabularBackend implements PolicyBackend {
  private static final SequenceSpace SPACE = SequenceSpace.of(3, 2, 3);

  @Override
  public TrainablePolicy create(long seed, OptimizerSettings settings) {
    return tabular(seed, settings);
  }

  /** The tabular policy of {@code seed}, for a subclass that wraps it. */
  protected TabularPolicy tabular(long seed, OptimizerSettings settings) {
    return TabularPolicy.random(SPACE, 2, 1.5, seed, settings);
  }

  @Override
  public List<Prompt> prompts() {
    return List.of(TabularPolicy.prompt(0), TabularPolicy.prompt(1));
  }

  @Override
  public SequenceSpace space() {
    return SPACE;
  }

  @Override
  public double[] parameters(Policy policy) {
    return policy instanceof TabularPolicy trainable ? trainable.parameters()
        : ((TabularSnapshot) policy).parameters();
  }

  /** Exact arithmetic up to double rounding. */
  @Override
  public double tolerance() {
    return 1e-9;
  }
}
