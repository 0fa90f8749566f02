package dev.bond4j.dl4j;

import dev.bond4j.models.DecoderLayout.Slot;
import dev.bond4j.models.DecoderConfig;
import dev.bond4j.models.DecoderLayout;
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
 * One decoding step of GPT-2 for a whole sampling batch against a {@link KvCache}: the new
 * token's position runs through every block with plain ND4J operations (a SameDiff session costs
 * more per operation than this step computes), attending to the cached keys and values of all
 * earlier slots. The same arithmetic as {@link DecoderGraph}. Every temporary lives in a workspace
 * that is reset each step, so decoding allocates no native memory after the first steps.
 */
final class DecoderStep {
  private static final String WORKSPACE = "bond4j-dl4j-decode";
  private static final WorkspaceConfiguration WORKSPACE_CONFIG = WorkspaceConfiguration.builder()
      .initialSize(0).policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2)
      .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT)
      .policySpill(SpillPolicy.REALLOCATE).build();
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private final Dl4jParameters parameters;
  private final DecoderConfig config;

  DecoderStep(Dl4jParameters parameters) {
    this.parameters = parameters;
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
      int d = config.embeddingSize();
      int heads = config.heads();
      int size = config.headSize();
      INDArray x = parameters.tensors[0].getRows(tokens)
          .addi(parameters.tensors[1].getRows(positions));
      for (int layer = 0; layer < config.layers(); layer++) {
        INDArray h = layerNorm(x, tensor(layer, Slot.NORM1_W), tensor(layer, Slot.NORM1_B));
        INDArray qkv = linear(h, tensor(layer, Slot.QKV_W),
            tensor(layer, Slot.QKV_B));
        INDArray query = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).dup('c')
            .reshape('c', batch, heads, 1, size).muli(1 / Math.sqrt(size));
        cache.write(layer, slot,
            qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d)).dup('c')
                .reshape('c', batch, heads, 1, size),
            qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * d, 3 * d)).dup('c')
                .reshape('c', batch, heads, 1, size));
        INDArray scores = Nd4j.matmul(query, cache.keys[layer], false, true, false)
            .addi(keyMask);
        INDArray probabilities = Transforms.softmax(
            scores.reshape('c', (long) batch * heads, scores.size(3)), false);
        INDArray attended = Nd4j.matmul(
            probabilities.reshape('c', batch, heads, 1, scores.size(3)), cache.values[layer])
            .reshape('c', batch, d);
        x = x.addi(linear(attended, tensor(layer, Slot.O_W),
            tensor(layer, Slot.O_B)));
        INDArray h2 = layerNorm(x, tensor(layer, Slot.NORM2_W),
            tensor(layer, Slot.NORM2_B));
        INDArray inner = gelu(linear(h2, tensor(layer, Slot.UP_W),
            tensor(layer, Slot.UP_B)));
        x = x.addi(linear(inner, tensor(layer, Slot.DOWN_W),
            tensor(layer, Slot.DOWN_B)));
      }
      int last = parameters.tensors.length;
      INDArray hidden = layerNorm(x, parameters.tensors[last - 2], parameters.tensors[last - 1]);
      return NdArrays.values(hidden.mmul(parameters.tensors[0].transpose()));
    }
  }

  private INDArray tensor(int layer, Slot kind) {
    return parameters.tensors[parameters.layout.index(layer, kind)];
  }

  private static INDArray linear(INDArray x, INDArray weight, INDArray bias) {
    return x.mmul(weight).addiRowVector(bias);
  }

  private INDArray layerNorm(INDArray x, INDArray gain, INDArray bias) {
    INDArray centred = x.subColumnVector(x.mean(1).reshape(-1, 1));
    INDArray variance = centred.mul(centred).mean(1).reshape(-1, 1)
        .addi(config.normEpsilon());
    return centred.diviColumnVector(Transforms.sqrt(variance, false)).muliRowVector(gain)
        .addiRowVector(bias);
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
