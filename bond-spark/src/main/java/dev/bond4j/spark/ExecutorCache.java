package dev.bond4j.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of one executor JVM, shared by its tasks: a pool per key (a {@link PolicySource}'s or
 * {@link RewardSource}'s content hash). A task {@linkplain #borrow borrows} an idle instance or,
 * when every instance is busy, loads a new one, and gives it back when it ends; so a JVM loads
 * each model once per task slot (once for an executor of one core), not once per task, and a
 * model whose content changes gets a new key. Engines are not thread-safe, which is why concurrent
 * tasks never share an instance. Every instance is closed when the JVM exits (a shutdown hook) or
 * when {@link #closeAll()} is called, as the embedded driver does at the end of a local run.
 */
public final class ExecutorCache {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);
  private static final Map<String, Deque<Lease<?>>> IDLE = new HashMap<>();
  private static final List<Object> ALL = new ArrayList<>();
  private static int loads;
  private static boolean hookInstalled;

  private ExecutorCache() {}

  /**
   * An instance for {@code key}: an idle one, or a fresh one from {@code loader}. Close the lease
   * to give it back.
   */
  public static <T> Lease<T> borrow(String key, Supplier<T> loader) {
    synchronized (ExecutorCache.class) {
      Deque<Lease<?>> idle = IDLE.get(key);
      if (idle != null && !idle.isEmpty()) {
        @SuppressWarnings("unchecked")
        Lease<T> lease = (Lease<T>) idle.pop();
        return lease;
      }
    }
    long start = System.nanoTime();
    T value = loader.get();
    synchronized (ExecutorCache.class) {
      loads++;
      ALL.add(value);
      if (!hookInstalled) {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorCache::closeAll,
            "bond4j-executor-cache-close"));
        hookInstalled = true;
      }
    }
    LOG.info("loaded {} in {} ms", key, (System.nanoTime() - start) / 1_000_000);
    return new Lease<>(key, value);
  }

  /** How many instances this JVM has loaded since it started (or since {@link #closeAll}). */
  public static synchronized int loads() {
    return loads;
  }

  /** Closes every instance this JVM loaded and empties the cache. */
  public static void closeAll() {
    List<Object> all;
    synchronized (ExecutorCache.class) {
      all = new ArrayList<>(ALL);
      ALL.clear();
      IDLE.clear();
      loads = 0;
    }
    for (Object value : all) {
      if (value instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.warn("closing a cached model failed: {}", e.toString());
        }
      }
    }
  }

  private static synchronized void giveBack(Lease<?> lease) {
    if (ALL.contains(lease.value)) {
      IDLE.computeIfAbsent(lease.key, k -> new ArrayDeque<>()).push(lease);
    }
  }

  /**
   * A borrowed instance, with a version tag the borrower may use to remember what it last put
   * into the instance (for example which weights it restored).
   *
   * @param <T> the instance's type
   */
  public static final class Lease<T> implements AutoCloseable {
    private final String key;
    private final T value;
    private String version = "";

    private Lease(String key, T value) {
      this.key = key;
      this.value = value;
    }

    /** The instance. */
    public T value() {
      return value;
    }

    /** The tag last {@linkplain #version(String) set}; empty at first. */
    public String version() {
      return version;
    }

    /** Sets the tag. */
    public void version(String tag) {
      this.version = tag;
    }

    /** Gives the instance back to the cache. */
    @Override
    public void close() {
      giveBack(this);
    }
  }
}
