package dev.bond4j.examples.toy;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.tck.PolicyBackend;
import dev.bond4j.tck.PolicyContract;
import dev.bond4j.testbed.SequenceSpace;
import dev.bond4j.testbed.TabularPolicy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import java.util.List;

/**
 * The published conformance suite against the user-written {@link ToyPolicy}: one factory, and
 * every contract test (sampling, scoring, updates, snapshots, EMA, checkpoints) runs.
 */
class ToyBackendConformanceTest extends PolicyContract {
  private static final SequenceSpace SPACE = SequenceSpace.of(4, 3, 3);

  @Override
  protected PolicyBackend backend() {
    return new PolicyBackend() {
      @Override
      public TrainablePolicy create(long seed, OptimizerSettings settings) {
        return new ToyPolicy(TabularPolicy.random(SPACE, 2, 2.0, seed, settings));
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
        return policy instanceof ToyPolicy toy ? toy.parameters()
            : ((ToySnapshot) policy).parameters();
      }

      @Override
      public double tolerance() {
        return 1e-9;
      }
    };
  }
}
