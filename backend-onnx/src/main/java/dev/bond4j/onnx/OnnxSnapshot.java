package dev.bond4j.onnx;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderPolicy;

/**
 * A frozen copy of an {@link OnnxTrainablePolicy}: the reference or the anchor. It moves only
 * through {@link #moveToward}, the generated EMA graph run in ONNX Runtime, and saves and restores
 * in the shared checkpoint format. It holds native memory: {@link #close} it.
 */
public final class OnnxSnapshot extends DecoderPolicy<OnnxTrainableModel>
    implements PolicySnapshot {
  OnnxSnapshot(OnnxTrainableModel model) {
    super(model);
  }

  @Override
  public void moveToward(TrainablePolicy source, double eta) {
    Problems.require(eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]");
    if (!(source instanceof OnnxTrainablePolicy policy)) {
      throw new BondException("An ONNX snapshot can only follow an OnnxTrainablePolicy, not "
          + source.getClass().getName());
    }
    model.moveToward(policy.model(), eta);
  }
}
