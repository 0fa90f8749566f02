package dev.bond4j.onnx;

import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The register of the native ONNX Runtime objects this backend makes: every tensor it creates,
 * every output value of a session run, and every session. It says how many of them are not
 * closed yet, for {@link OnnxBackend#liveNativeObjects}.
 *
 * <p>The register is engine-wide, like the single ONNX Runtime environment every session of the
 * process runs in ({@link OnnxSessions#environment}), so it counts the objects of every policy,
 * snapshot and reward model of the process. It holds weak references only: registering never keeps
 * an object alive. A tensor or output the collector reclaimed before it was closed is no longer
 * counted, although ONNX Runtime's Java API has no cleaner that would free its native memory; the
 * count is exact for objects still reachable. Sessions have no {@code isClosed}, so a session
 * counts until it is closed through {@link #close(OrtSession)}.
 */
final class OrtObjects {
  private static final List<WeakReference<OnnxValue>> VALUES = new ArrayList<>();
  private static final Set<OrtSession> SESSIONS =
      Collections.newSetFromMap(new WeakHashMap<>());
  private static int pruneAt = 1024;

  private OrtObjects() {}

  /** Registers {@code value}, a tensor or output the backend must close, and returns it. */
  static synchronized <T extends OnnxValue> T value(T value) {
    VALUES.add(new WeakReference<>(value));
    if (VALUES.size() >= pruneAt) {
      prune();
      pruneAt = Math.max(1024, 2 * VALUES.size());
    }
    return value;
  }

  /** Registers every output value of {@code result} and returns it. */
  static OrtSession.Result result(OrtSession.Result result) {
    result.forEach(entry -> value(entry.getValue()));
    return result;
  }

  /** Registers {@code session}, to be closed through {@link #close(OrtSession)}, and returns it. */
  static synchronized OrtSession session(OrtSession session) {
    SESSIONS.add(session);
    return session;
  }

  /**
   * Closes {@code session} and takes it off the register; does nothing when it was closed here
   * already, so that the owners' {@code close} may be called twice (ONNX Runtime throws then).
   */
  static void close(OrtSession session) throws OrtException {
    boolean open;
    synchronized (OrtObjects.class) {
      open = SESSIONS.remove(session);
    }
    if (open) {
      session.close();
    }
  }

  /** Registered values and sessions not closed yet (and not reclaimed by the collector). */
  static synchronized long open() {
    prune();
    return VALUES.size() + (long) SESSIONS.size();
  }

  private static void prune() {
    VALUES.removeIf(reference -> {
      OnnxValue value = reference.get();
      return value == null || value.isClosed();
    });
  }
}
