package dev.bond4j.onnx;

import dev.bond4j.model.RewardModel;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.spi.RewardProvider;
import dev.bond4j.spi.RewardSpec;

/** ONNX reward models as a service named {@code onnx}: {@code reward: onnx} in a run config. */
public final class OnnxRewardProvider implements RewardProvider {
  @Override
  public String name() {
    return "onnx";
  }

  @Override
  public RewardModel open(RewardSpec spec, Tokenizer tokenizer) {
    return OnnxRewardModel.builder(spec.model()).outputName(spec.output())
        .labelIndex(spec.label()).vocabularySize(tokenizer.vocabularySize())
        .maxLength(spec.maxLength()).tokenizer(tokenizer)
        .options(OnnxOptions.cpu().withDevice(spec.options().device())
            .withThreads(spec.options().threads()))
        .build();
  }
}
