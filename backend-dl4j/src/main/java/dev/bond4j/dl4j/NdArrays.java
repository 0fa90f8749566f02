package dev.bond4j.dl4j;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Small helpers for ND4J arrays: their values as a Java array, releasing their native memory at
 * once instead of when Java's collector gets to them, and a register of the arrays the backend
 * owns (parameters, optimizer moments, graph constants, KV caches) that says how many of them are
 * still open, for {@link Dl4jBackend#liveNativeObjects}.
 */
final class NdArrays {
  private static final List<WeakReference<INDArray>> OWNED = new ArrayList<>();
  private static int pruneAt = 1024;

  private NdArrays() {}

  /** Registers {@code array}, which the backend closes, and returns it. */
  static synchronized INDArray owned(INDArray array) {
    OWNED.add(new WeakReference<>(array));
    if (OWNED.size() >= pruneAt) {
      prune();
      pruneAt = Math.max(1024, 2 * OWNED.size());
    }
    return array;
  }

  /**
   * Registered arrays not closed yet. An array the collector reclaimed unclosed is not counted:
   * ND4J's deallocator frees it.
   */
  static synchronized long openOwned() {
    prune();
    return OWNED.size();
  }

  private static void prune() {
    OWNED.removeIf(reference -> {
      INDArray array = reference.get();
      return array == null || array.wasClosed();
    });
  }

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
