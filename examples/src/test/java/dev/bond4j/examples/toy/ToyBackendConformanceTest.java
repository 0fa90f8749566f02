package dev.bond4j.examples.toy;

import dev.bond4j.model.Policy;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.tck.PolicyBackend;
import dev.bond4j.tck.PolicyContract;
import dev.bond4j.tck.TabularBackend;
import dev.bond4j.value.OptimizerSettings;

/**
 * The published conformance suite against the user-written {@link ToyPolicy}: one factory, and
 * every contract test (sampling, scoring, updates, snapshots, EMA, checkpoints) runs. The factory
 * wraps the testbed's reference factory; a backend on its own engine implements {@link
 * PolicyBackend} from scratch (prompts, space, parameters and tolerance as well).
 */
class ToyBackendConformanceTest extends PolicyContract {
  @Override
  protected PolicyBackend backend() {
    return new TabularBackend() {
      @Override
      public TrainablePolicy create(long seed, OptimizerSettings settings) {
        return new ToyPolicy(tabular(seed, settings));
      }

      @Override
      public double[] parameters(Policy policy) {
        return policy instanceof ToyPolicy toy ? toy.parameters()
            : ((ToySnapshot) policy).parameters();
      }
    };
  }
}
