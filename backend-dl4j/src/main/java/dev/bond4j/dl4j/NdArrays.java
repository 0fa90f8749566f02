package dev.bond4j.dl4j;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Small helpers for ND4J arrays: their values as a Java array, and releasing their native memory
 * at once instead of when Java's collector gets to them.
 */
final class NdArrays {
  private NdArrays() {}

  /** All values of {@code array}, row-major, whatever its rank. */
  static float[] values(INDArray array) {
    return array.reshape('c', new long[] {array.length()}).toFloatVector();
  }

  /** Closes every array of {@code arrays} that ND4J lets close (views and workspace arrays not). */
  static void closeAll(Map<String, INDArray> arrays) {
    for (INDArray array : arrays.values()) {
      if (array != null && array.closeable()) {
        array.close();
      }
    }
  }
}
