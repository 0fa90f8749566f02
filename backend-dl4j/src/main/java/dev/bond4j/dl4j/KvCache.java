package dev.bond4j.dl4j;

import dev.bond4j.decoder.DecoderConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keys and values of every layer for a sampling batch, {@code [B, kvHeads, slots, headSize]}
 * each, allocated once outside any workspace and closed at the end of the call; slot {@code s}
 * holds the keys and values of the token at slot {@code s} of the left-padded batch.
 */
final class KvCache implements AutoCloseable {
  final INDArray[] keys;
  final INDArray[] values;

  KvCache(DecoderConfig config, int batch, int slots) {
    keys = new INDArray[config.layers()];
    values = new INDArray[config.layers()];
    for (int layer = 0; layer < keys.length; layer++) {
      keys[layer] = NdArrays.owned(Nd4j.zeros(DataType.FLOAT, batch, config.kvHeads(), slots,
          config.headSize()));
      values[layer] = NdArrays.owned(Nd4j.zeros(DataType.FLOAT, batch, config.kvHeads(), slots,
          config.headSize()));
    }
  }

  /**
   * Copies {@code [B, kvHeads, n, headSize]} keys and values into slots {@code [from, from + n)}.
   */
  void write(int layer, int from, INDArray newKeys, INDArray newValues) {
    INDArrayIndex[] at = {NDArrayIndex.all(), NDArrayIndex.all(),
        NDArrayIndex.interval(from, from + newKeys.size(2)), NDArrayIndex.all()};
    keys[layer].get(at).assign(newKeys);
    values[layer].get(at).assign(newValues);
  }

  @Override
  public void close() {
    Dl4jParameters.close(keys);
    Dl4jParameters.close(values);
  }
}
