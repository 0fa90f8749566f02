package dev.bond4j.dl4j;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff session memory manager that frees each intermediate array as soon as the session
 * releases it. SameDiff's default ({@code ArrayCacheMemoryMgr}) keeps released arrays for reuse
 * up to a fraction of the machine's memory, which a library embedded in someone else's process
 * should not hold on to.
 */
final class ClosingMemoryMgr extends AbstractMemoryMgr {
  /** Makes the calling thread's session of {@code sameDiff} use a closing manager. */
  static void install(SameDiff sameDiff) {
    InferenceSession session = sameDiff.getSessions().computeIfAbsent(
        Thread.currentThread().getId(), id -> new InferenceSession(sameDiff));
    if (!(session.getMmgr() instanceof ClosingMemoryMgr)) {
      session.getMmgr().close();
      session.setMmgr(new ClosingMemoryMgr());
    }
  }

  @Override
  public INDArray allocate(boolean detached, DataType dataType, long... shape) {
    return Nd4j.createUninitialized(dataType, shape);
  }

  @Override
  public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
    return Nd4j.createUninitialized(descriptor.dataType(), descriptor.getShape(),
        descriptor.getOrder());
  }

  @Override
  public void release(INDArray array) {
    if (array.closeable()) {
      array.close();
    }
  }

  @Override
  public void close() {
    // Nothing is kept.
  }
}
