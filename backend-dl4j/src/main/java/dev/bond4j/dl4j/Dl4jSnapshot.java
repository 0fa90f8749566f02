package dev.bond4j.dl4j;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.decoder.SharedStore;
import dev.bond4j.spi.BackendOptions;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A frozen decoder policy on ND4J: the reference {@code π_ref} or an anchor. It moves only through
 * {@link #moveToward}, an in-place blend of its parameter arrays toward a {@link Dl4jPolicy}'s
 * (for a LoRA policy's anchor, of its adapter's factors, over the shared frozen base).
 * It holds native memory: {@link #close} it.
 */
public final class Dl4jSnapshot extends DecoderPolicy<Dl4jModel> implements PolicySnapshot {

  Dl4jSnapshot(Dl4jModel model) {
    super(model);
  }

  /**
   * A frozen policy from a HuggingFace model folder ({@code config.json}, {@code
   * model.safetensors}), or from a PEFT adapter folder over the base model folder it names.
   *
   * @throws BondException when a file is missing or malformed, or the device is not available
   */
  public static Dl4jSnapshot load(Path directory, BackendOptions options) {
    Dl4jRuntime.prepare(options);
    if (LoraCheckpoint.isAdapter(directory)) {
      Path baseDirectory = LoraCheckpoint.baseModel(directory);
      DecoderCheckpoint base = DecoderCheckpoint.read(baseDirectory, false);
      LoraCheckpoint adapter = LoraCheckpoint.read(directory, base.config(), false);
      Dl4jParameters parameters = Dl4jParameters.of(base.config(), base.weights());
      return new Dl4jSnapshot(new Dl4jModel(parameters, SharedStore.of(parameters),
          Dl4jAdapter.of(new LoraLayout(base.config(), adapter.settings()), adapter.weights()),
          baseDirectory.toAbsolutePath().normalize().toString()));
    }
    DecoderCheckpoint checkpoint = DecoderCheckpoint.read(directory, false);
    return new Dl4jSnapshot(new Dl4jModel(Dl4jParameters.of(checkpoint.config(),
        checkpoint.weights())));
  }

  @Override
  public void moveToward(TrainablePolicy source, double eta) {
    Problems.require(eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]");
    if (!(source instanceof Dl4jPolicy policy)) {
      throw new BondException("A dl4j snapshot can only follow a Dl4jPolicy, not "
          + source.getClass().getName());
    }
    Dl4jParameters from = policy.parametersInternal();
    Problems.require(from.config.sameShape(model.config), "source.config", from.config,
        "the snapshot's config " + model.config);
    Dl4jAdapter adapter = policy.adapterInternal();
    LoraLayout.checkFollows(model.adapter == null ? null : model.adapter.layout,
        adapter == null ? null : adapter.layout);
    INDArray[] targets = adapter == null ? model.parameters.tensors : model.adapter.tensors;
    INDArray[] sources = adapter == null ? from.tensors : adapter.tensors;
    for (int i = 0; i < targets.length; i++) {
      if (eta == 1.0) {
        targets[i].assign(sources[i]);
      } else if (eta > 0) {
        targets[i].muli(1 - eta);
        Nd4j.getBlasWrapper().level1().axpy(targets[i].length(), eta, sources[i],
            targets[i]);
      }
    }
  }
}
