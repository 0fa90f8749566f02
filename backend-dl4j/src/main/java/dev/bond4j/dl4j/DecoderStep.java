package dev.bond4j.dl4j;

import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout.Global;
import dev.bond4j.decoder.DecoderLayout.Slot;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One decoding step for a whole sampling batch against a {@link KvCache}, for both families: the
 * new token's position runs through every block with plain ND4J operations (a SameDiff session
 * costs more per operation than this step computes), attending to the cached keys and values of
 * all earlier slots. The same arithmetic as {@link DecoderGraph}: query head {@code h} reads
 * key-value head {@code h / group}, so the queries {@code [B, kvHeads, group, headSize]} meet the
 * cache {@code [B, kvHeads, slots, headSize]} in one batched product. Every temporary lives in a
 * workspace that is reset each step, so decoding allocates no native memory after the first steps.
 */
final class DecoderStep {
  private static final String WORKSPACE = "bond4j-dl4j-decode";
  private static final WorkspaceConfiguration WORKSPACE_CONFIG = WorkspaceConfiguration.builder()
      .initialSize(0).policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2)
      .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT)
      .policySpill(SpillPolicy.REALLOCATE).build();
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private final Dl4jParameters parameters;
  /** The LoRA adapter, or null. */
  private final Dl4jAdapter adapter;
  private final DecoderConfig config;

  DecoderStep(Dl4jParameters parameters, Dl4jAdapter adapter) {
    this.parameters = parameters;
    this.adapter = adapter;
    this.config = parameters.config;
  }

  /**
   * Next-token logits {@code [B · V]} after feeding one token per row at {@code slot}.
   *
   * @param tokens the token of each row
   * @param positions the position id of each row's token
   * @param keyMask additive mask {@code [B, 1, 1, slots]}: 0 where a row may attend
   */
  @SuppressWarnings("try") // the workspace is only opened and reset, never read
  float[] step(int[] tokens, int[] positions, INDArray keyMask, KvCache cache, int slot) {
    try (MemoryWorkspace workspace = Nd4j.getWorkspaceManager()
        .getAndActivateWorkspace(WORKSPACE_CONFIG, WORKSPACE)) {
      int batch = tokens.length;
      int kv = config.kvHeads();
      int group = config.queriesPerKvHead();
      int size = config.headSize();
      long queries = config.attentionSize();
      long keys = (long) kv * size;
      INDArray x = embedding().getRows(tokens);
      INDArray learned = parameters.tensor(Global.POSITIONS);
      if (learned != null) {
        x.addi(learned.getRows(positions));
      }
      INDArray[] rotation = parameters.ropeCos == null ? null : new INDArray[] {
        parameters.ropeCos.getRows(positions).reshape('c', batch, 1, size / 2),
        parameters.ropeSin.getRows(positions).reshape('c', batch, 1, size / 2)};
      for (int layer = 0; layer < config.layers(); layer++) {
        INDArray h = norm(x, tensor(layer, Slot.NORM1_W), tensor(layer, Slot.NORM1_B));
        INDArray qkv = linear(h, layer, Slot.QKV_W, Slot.QKV_B);
        INDArray query = rotate(columns(qkv, 0, queries).reshape('c', batch, kv * group, size),
            rotation).reshape('c', batch, kv, group, size).muli(1 / Math.sqrt(size));
        cache.write(layer, slot,
            rotate(columns(qkv, queries, queries + keys).reshape('c', batch, kv, size), rotation)
                .reshape('c', batch, kv, 1, size),
            columns(qkv, queries + keys, queries + 2 * keys).reshape('c', batch, kv, 1, size));
        INDArray scores = Nd4j.matmul(query, cache.keys[layer], false, true, false)
            .addi(keyMask);
        long slots = scores.size(3);
        INDArray probabilities = Transforms.softmax(
            scores.reshape('c', (long) batch * kv * group, slots), false);
        INDArray attended = Nd4j.matmul(
            probabilities.reshape('c', batch, kv, group, slots), cache.values[layer])
            .reshape('c', batch, queries);
        x = x.addi(linear(attended, layer, Slot.O_W, Slot.O_B));
        INDArray h2 = norm(x, tensor(layer, Slot.NORM2_W), tensor(layer, Slot.NORM2_B));
        INDArray inner = mlp(linear(h2, layer, Slot.UP_W, Slot.UP_B));
        x = x.addi(linear(inner, layer, Slot.DOWN_W, Slot.DOWN_B));
      }
      INDArray hidden = norm(x, parameters.tensor(Global.FINAL_NORM_W),
          parameters.tensor(Global.FINAL_NORM_B));
      return NdArrays.values(hidden.mmul(head().transpose()));
    }
  }

  /**
   * The token embedding: the LoRA adapter's trainable copy when it saves the embedding ({@code
   * modules_to_save}), else the base's.
   */
  private INDArray embedding() {
    int saved = adapter == null ? -1 : adapter.layout.savedIndex(Global.EMBED);
    return saved < 0 ? parameters.tensor(Global.EMBED) : adapter.tensors[saved];
  }

  /** The head: the embedding when tied, else the adapter's copy when it saves it, else the base's. */
  private INDArray head() {
    if (config.tiedEmbeddings()) {
      return embedding();
    }
    int saved = adapter == null ? -1 : adapter.layout.savedIndex(Global.HEAD);
    return saved < 0 ? parameters.head() : adapter.tensors[saved];
  }

  private INDArray tensor(int layer, Slot kind) {
    return parameters.tensor(layer, kind);
  }

  /** Columns {@code [from, to)} of {@code [B, n]}, as a contiguous copy. */
  private static INDArray columns(INDArray x, long from, long to) {
    return x.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)).dup('c');
  }

  /**
   * As {@link DecoderGraph}: {@code [x1·c − x2·s, x2·c + x1·s]} over the halves of each head of
   * {@code [B, n, headSize]}, with {@code cos, sin} {@code [B, 1, headSize / 2]}; {@code x} itself
   * without rotation.
   */
  private static INDArray rotate(INDArray x, INDArray[] rotation) {
    if (rotation == null) {
      return x;
    }
    long half = x.size(2) / 2;
    INDArray first = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, half));
    INDArray second = x.get(NDArrayIndex.all(), NDArrayIndex.all(),
        NDArrayIndex.interval(half, 2 * half));
    INDArray cos = rotation[0];
    INDArray sin = rotation[1];
    return Nd4j.concat(2, first.mul(cos).subi(second.mul(sin)),
        second.mul(cos).addi(first.mul(sin)));
  }

  /**
   * A block's linear layer {@code x @ W + b} (no bias when the family has none), plus the
   * adapter's {@code x A (B ∘ M)} when it adapts the layer.
   */
  private INDArray linear(INDArray x, int layer, Slot weight, Slot bias) {
    INDArray product = x.mmul(tensor(layer, weight));
    INDArray out = tensor(layer, bias) == null ? product
        : product.addiRowVector(tensor(layer, bias));
    return adapter == null ? out : adapter.addTo(out, x, layer, weight);
  }

  /** As {@link DecoderGraph}: LayerNorm, or RMSNorm when there is no bias. */
  private INDArray norm(INDArray x, INDArray gain, INDArray bias) {
    if (bias == null) {
      INDArray meanSquare = x.mul(x).mean(1).reshape(-1, 1).addi(config.normEpsilon());
      return x.divColumnVector(Transforms.sqrt(meanSquare, false)).muliRowVector(gain);
    }
    INDArray centred = x.subColumnVector(x.mean(1).reshape(-1, 1));
    INDArray variance = centred.mul(centred).mean(1).reshape(-1, 1)
        .addi(config.normEpsilon());
    return centred.diviColumnVector(Transforms.sqrt(variance, false)).muliRowVector(gain)
        .addiRowVector(bias);
  }

  /** The MLP's inner activation: GELU for GPT-2, SwiGLU {@code silu(gate) · up} else. */
  private INDArray mlp(INDArray up) {
    if (config.isGpt2()) {
      return gelu(up);
    }
    long inner = up.size(1) / 2;
    INDArray gate = columns(up, 0, inner);
    return Transforms.sigmoid(gate, true).muli(gate).muli(columns(up, inner, 2 * inner));
  }

  /** As {@link DecoderGraph}: tanh GELU as {@code x · sigmoid(2c (x + 0.044715 x³))}, else erf. */
  private INDArray gelu(INDArray x) {
    if (!DecoderConfig.TANH_GELU.contains(config.activation())) {
      INDArray erf = x.mul(Math.sqrt(0.5));
      Nd4j.getExecutioner().exec(new Erf(erf, erf));
      return erf.addi(1.0).muli(x).muli(0.5);
    }
    INDArray inner = x.mul(x).muli(2 * SQRT_2_OVER_PI * 0.044715).addi(2 * SQRT_2_OVER_PI)
        .muli(x);
    return Transforms.sigmoid(inner, false).muli(x);
  }
}
