package dev.bond4j.tck;

import dev.bond4j.Problems;
import dev.bond4j.model.Policy;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.SamplingSettings;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference backend with one clause of the contract broken on purpose, by a proxy that
 * forwards every call to a tabular policy except the broken one. It counts its open policies and
 * snapshots as if each held a native object, so that the native-memory clauses run too.
 */
final class BrokenTabularBackend extends TabularBackend {
  /** The clause broken. */
  enum Clause {
    /** {@code snapshot()} returns a live view of the policy instead of a frozen copy. */
    SNAPSHOT_MOVES_WITH_THE_POLICY,
    /** {@code sample} draws at temperature 1 whatever the settings say. */
    SAMPLING_IGNORES_TEMPERATURE,
    /** A snapshot's {@code close()} keeps its (counted) native object. */
    SNAPSHOT_CLOSE_KEEPS_MEMORY
  }

  private final Clause broken;
  /** Shared by every instance: a suite asks {@code backend()} for a new one at each call. */
  private static final AtomicLong LIVE = new AtomicLong();

  BrokenTabularBackend(Clause broken) {
    this.broken = broken;
  }

  @Override
  public TrainablePolicy create(long seed, OptimizerSettings settings) {
    return proxy(TrainablePolicy.class, new Forwarding(tabular(seed, settings), broken, LIVE));
  }

  @Override
  public OptionalLong liveNativeObjects() {
    return OptionalLong.of(LIVE.get());
  }

  @Override
  public double[] parameters(Policy policy) {
    return super.parameters((Policy) unwrapped(policy));
  }

  /** The tabular policy behind one of this backend's proxies; anything else unchanged. */
  private static Object unwrapped(Object value) {
    return value != null && Proxy.isProxyClass(value.getClass())
        && Proxy.getInvocationHandler(value) instanceof Forwarding forwarding
        ? forwarding.target : value;
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        handler));
  }

  /**
   * Forwards to {@code target} (a tabular policy or snapshot), with this backend's proxies
   * unwrapped and snapshots wrapped, but for the broken clause; counts itself in {@code live}
   * while open.
   */
  private record Forwarding(Object target, Clause broken, AtomicLong live, AtomicBoolean open)
      implements InvocationHandler {
    Forwarding(Object target, Clause broken, AtomicLong live) {
      this(target, broken, live, new AtomicBoolean(true));
      live.incrementAndGet();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("close")) {
        boolean keeps = broken == Clause.SNAPSHOT_CLOSE_KEEPS_MEMORY
            && target instanceof PolicySnapshot;
        if (open.getAndSet(false) && !keeps) {
          live.decrementAndGet();
        }
        return null;
      }
      if (broken == Clause.SNAPSHOT_MOVES_WITH_THE_POLICY) {
        if (method.getName().equals("snapshot")) {
          return proxy(PolicySnapshot.class, new Forwarding(target, broken, live));
        }
        if (method.getName().equals("moveToward")) {
          double eta = (double) args[1];
          Problems.require(eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]");
          return null;
        }
      }
      if (broken == Clause.SAMPLING_IGNORES_TEMPERATURE && method.getName().equals("sample")) {
        SamplingSettings settings = (SamplingSettings) args[1];
        args[1] = SamplingSettings.builder().from(settings).temperature(1.0).build();
      }
      for (int i = 0; args != null && i < args.length; i++) {
        args[i] = unwrapped(args[i]);
      }
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      return method.getName().equals("snapshot")
          ? proxy(PolicySnapshot.class, new Forwarding(result, broken, live)) : result;
    }
  }
}
