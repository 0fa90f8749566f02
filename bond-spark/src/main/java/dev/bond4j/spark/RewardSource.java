package dev.bond4j.spark;

import dev.bond4j.config.RewardKind;
import dev.bond4j.model.RewardModel;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.RewardSpec;
import java.io.Serializable;
import java.util.Optional;

/**
 * A reward model as executors open it: {@code lexicon} (the demo's sentiment lexicon) or the name
 * of a reward provider ({@code onnx}) with its model file shipped as bytes, its output and label,
 * as a run configuration's {@code reward} and {@code rewardSpec} name them.
 *
 * @param kind {@code lexicon} or a provider's name
 * @param model the model file (a folder of one file), or null for the lexicon
 * @param output the output holding the scores
 * @param label which label's score is the reward; -1 for a scalar head
 * @param maxLength the longest prompt plus completion the model scores
 * @param tokenizer the reward model's tokenizer
 */
public record RewardSource(String kind, ShippedFolder model, String output, int label,
    int maxLength, TokenizerSource tokenizer) implements Serializable {
  /** The demo's lexicon over {@code tokenizer}. */
  public static RewardSource lexicon(TokenizerSource tokenizer) {
    return new RewardSource(RewardKind.LEXICON, null, "logits", -1, 128, tokenizer);
  }

  /** Opens the reward model (on an executor: from the shipped bytes). */
  public RewardModel open() {
    Optional<RewardSpec> spec = Optional.ofNullable(model).map(folder -> RewardSpec.builder()
        .model(folder.materialize().resolve(folder.names().iterator().next())).output(output)
        .label(label).maxLength(maxLength).options(BackendOptions.builder().threads(1).build())
        .build());
    return RewardKind.parse(kind).open(spec, tokenizer.open());
  }

  /** The cache key: everything that changes the model. */
  String key() {
    return "reward:" + kind + ":" + (model == null ? "-" : model.hash()) + ":" + output + ":"
        + label + ":" + maxLength + ":" + tokenizer.key();
  }
}
