package dev.bond4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.decoder.SharedStore;
import dev.bond4j.spi.BackendOptions;
import java.nio.file.Path;

/**
 * A frozen decoder policy on DJL: the reference {@code π_ref} or an anchor. It moves only through
 * {@link #moveToward}, an in-place blend of its flat parameter buffer toward a {@link DjlPolicy}'s
 * (for a LoRA policy's anchor, of its adapter's factors: the EMA of the factors, over the shared
 * frozen base).
 * It holds native memory: {@link #close} it.
 */
public final class DjlSnapshot extends DecoderPolicy<DjlModel> implements PolicySnapshot {
  DjlSnapshot(DjlModel model) {
    super(model);
  }

  /**
   * A frozen policy from a HuggingFace model folder (config.json and single or sharded weights),
   * or from a PEFT adapter folder over the base model folder it names.
   */
  public static DjlSnapshot load(Path directory, BackendOptions options) {
    Device device = DjlRuntime.prepare(options);
    if (!LoraCheckpoint.isAdapter(directory)) {
      return new DjlSnapshot(new DjlModel(DjlParameters.load(directory, device, false),
          options.bf16()));
    }
    Path baseDirectory = LoraCheckpoint.baseModel(directory);
    DjlParameters base = DjlParameters.load(baseDirectory, device, false);
    try {
      LoraCheckpoint adapter = LoraCheckpoint.read(directory, base.config, false);
      return new DjlSnapshot(new DjlModel(base, SharedStore.of(base), DjlAdapter.of(
          new LoraLayout(base.config, adapter.settings()), adapter.weights(), device, false),
          baseDirectory.toAbsolutePath().normalize().toString(), options.bf16()));
    } catch (RuntimeException e) {
      base.close();
      throw e;
    }
  }

  @Override
  public void moveToward(TrainablePolicy source, double eta) {
    Problems.require(eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]");
    if (!(source instanceof DjlPolicy policy)) {
      throw new BondException("A DJL snapshot can only follow a DjlPolicy, not "
          + source.getClass().getName());
    }
    DjlParameters from = policy.parametersInternal();
    Problems.require(from.config.sameShape(model.config), "source.config", from.config,
        "the snapshot's config " + model.config);
    DjlAdapter adapter = policy.adapterInternal();
    LoraLayout.checkFollows(model.adapter == null ? null : model.adapter.layout,
        adapter == null ? null : adapter.layout);
    NDArray target = adapter == null ? model.parameters.flat : model.adapter.flat;
    try (NDScope scope = new NDScope()) {
      NDArray incoming = (adapter == null ? from.flat : adapter.flat)
          .toDevice(target.getDevice(), false);
      if (eta == 1.0) {
        target.muli(0f).addi(incoming);
      } else {
        target.muli((float) (1 - eta)).addi(incoming.mul((float) eta));
      }
    }
  }
}
