package dev.bond4j.dl4j;

import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a training process's native memory flat. The backend closes every array it creates, but
 * ND4J and SameDiff also create small arrays inside their operations (views, shape arguments,
 * scalars) whose native buffers are freed only when Java's collector finalises them, about
 * 0.5 MiB per training step of a small model; and the C allocator keeps freed memory, fragmented,
 * instead of returning it. So after an update a policy whose options ask for it ({@link
 * dev.bond4j.spi.BackendOptions#trimNativeMemory}) calls {@link #release}: at most every
 * {@value #COLLECT_EVERY_SECONDS} seconds it asks for a garbage collection, so that ND4J's
 * deallocator frees those buffers, and then JavaCPP's {@code trimMemory} ({@code malloc_trim(0)}
 * on Linux) gives the freed memory back to the operating system. JavaCPP keeps that method
 * private: where it cannot be reached, trimming is skipped (logged at debug).
 */
final class NativeHeap {
  private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);
  static final long COLLECT_EVERY_SECONDS = 10;
  private static final Method TRIM = find();
  private static long lastCollection = System.nanoTime();

  private NativeHeap() {}

  private static Method find() {
    try {
      Method method = Pointer.class.getDeclaredMethod("trimMemory");
      method.setAccessible(true);
      return method;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("JavaCPP's trimMemory is not available; freed native memory stays with the C "
          + "allocator", e);
      return null;
    }
  }

  /** Frees ND4J's unreachable native buffers now and then, and returns freed memory to the OS. */
  static synchronized void release() {
    long now = System.nanoTime();
    if (now - lastCollection >= TimeUnit.SECONDS.toNanos(COLLECT_EVERY_SECONDS)) {
      lastCollection = now;
      System.gc();
    }
    if (TRIM == null) {
      return;
    }
    try {
      TRIM.invoke(null);
    } catch (ReflectiveOperationException e) {
      LOG.debug("JavaCPP's trimMemory failed", e);
    }
  }
}
