package dev.bond4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.NativeEngineException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Collections;

/**
 * The PyTorch operations bond4j needs beyond DJL's Java API, as methods of a small TorchScript
 * module shipped in the jar ({@code torch_ops.pt}, written by {@code
 * src/main/torchscript/torch_ops.py}): the fused tanh GELU, a whole decoding step of a decoder (one
 * call where DJL's API needs about 38 per block), and bfloat16 matrix products with float32
 * results (DJL's dtype table has no bfloat16, so its arrays can hold one but not make one), on
 * float32 weights or on weights pre-packed once for oneDNN, float32 products on weights
 * pre-packed for MKL, and AdamW in PyTorch's fused kernel. Each call is one engine call; it
 * records autograd when grad mode is on, as DJL's own
 * operations do. DJL's public call runs module methods in inference mode (no gradient, and
 * results that may not be updated in place), so the method is invoked through the engine's
 * native entry point with its training flag set, which leaves grad mode as the caller set it. Results belong to the current {@code
 * NDScope} like any other array; a packed weight must only be handed back to these methods,
 * never read into Java.
 */
final class TorchOps {
  private static final String RESOURCE = "torch_ops.pt";
  private static TorchOps instance;

  private final PtSymbolBlock module;
  private final PtNDManager manager;
  private final MethodHandle runMethod;
  private final Object library;
  private final Constructor<IValue> ivalue;

  private TorchOps(PtNDManager manager) {
    this.manager = manager;
    try (InputStream in = TorchOps.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new NativeEngineException("backend-djl's resource " + RESOURCE + " is missing", null);
      }
      this.module = JniUtils.loadModule(manager, in, true, false);
      Class<?> type = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
      Field lib = type.getDeclaredField("LIB");
      lib.setAccessible(true);
      this.library = lib.get(null);
      var method = type.getDeclaredMethod("moduleRunMethod", long.class, String.class,
          long[].class, boolean.class, boolean.class);
      method.setAccessible(true);
      this.runMethod = MethodHandles.lookup().unreflect(method).asType(MethodType.methodType(
          long.class, Object.class, long.class, String.class, long[].class, boolean.class,
          boolean.class));
      this.ivalue = IValue.class.getDeclaredConstructor(long.class);
      this.ivalue.setAccessible(true);
    } catch (IOException | ReflectiveOperationException | RuntimeException e) {
      throw new NativeEngineException("Cannot load backend-djl's TorchScript operations ("
          + RESOURCE + "): " + e, e);
    }
  }

  /** The process's module, loaded on first use into a manager that lives as long as the JVM. */
  static synchronized TorchOps get() {
    if (instance == null) {
      JniUtils.setGraphExecutorOptimize(false);
      instance = new TorchOps((PtNDManager) DjlRuntime.engine().newBaseManager());
    }
    return instance;
  }

  /** {@code gelu(x, approximate="tanh")}: GPT-2's {@code gelu_new} as one fused operation. */
  NDArray geluTanh(NDArray x) {
    return call("gelu_tanh", x);
  }

  /**
   * {@code weight} {@code [in, out]} in bfloat16, laid out once for oneDNN's products with about
   * {@code rows} input rows (any row count works).
   */
  NDArray packBf16(NDArray weight, long rows) {
    return call("pack_bf16", weight, rows);
  }

  /** {@code x @ weight} on a {@link #packBf16 packed} weight, in float32, plus {@code bias}. */
  NDArray packedLinearBf16(NDArray x, NDArray packed, NDArray bias) {
    return call("packed_linear_bf16", x, packed, bias);
  }

  /** {@code x @ weight} on a {@link #packBf16 packed} weight, in float32. */
  NDArray packedMatmulBf16(NDArray x, NDArray packed) {
    return call("packed_matmul_bf16", x, packed);
  }

  /**
   * {@code weight} {@code [in, out]} laid out once for MKL's float32 products with exactly {@code
   * rows} input rows.
   */
  NDArray packFp32(NDArray weight, long rows) {
    return call("pack_fp32", weight, rows);
  }

  /**
   * {@code x @ weight} in float32 on {@code packed}, {@code weight}'s {@link #packFp32 packed} copy
   * for {@code rows} rows; {@code x} with another row count multiplies by {@code weight} itself.
   */
  NDArray packedMatmulFp32(NDArray x, NDArray packed, NDArray weight, long rows) {
    return call("packed_matmul_fp32", x, packed, weight, rows);
  }

  /** {@code x @ weight} in bfloat16, in float32. */
  NDArray matmulBf16(NDArray x, NDArray weight) {
    return call("matmul_bf16", x, weight);
  }

  /** {@code x @ weight} in bfloat16, in float32, plus the float32 {@code bias}. */
  NDArray linearBf16(NDArray x, NDArray weight, NDArray bias) {
    return call("linear_bf16", x, weight, bias);
  }

  /** The global L2 norm of {@code gradients} (the norm of their norms), a float32 scalar. */
  NDArray gradientNorm(NDArray[] gradients) {
    try (IValue list = tensors(gradients)) {
      return run(gradients[0].getManager(), "gradient_norm", list);
    }
  }

  /**
   * One AdamW step in PyTorch's fused kernel (one pass over every element, no temporaries), in
   * place on {@code parameters} and the two moments, which are matching lists of arrays. Each
   * gradient is first multiplied by {@code clip} (divided by its inverse); {@code step} is the
   * step number {@code t} of the bias corrections {@code 1 − β^t}. Grad mode must be off.
   */
  void adamwStep(NDArray[] parameters, NDArray[] gradients, NDArray[] first, NDArray[] second,
      long step, double clip, double learningRate, double beta1, double beta2,
      double weightDecay, double epsilon) {
    NDManager owner = parameters[0].getManager();
    try (NDArray stepNumber = owner.create(new float[] {step});
        NDArray scale = owner.create(new float[] {(float) (1 / clip)});
        IValue params = tensors(parameters);
        IValue grads = tensors(gradients);
        IValue firsts = tensors(first);
        IValue seconds = tensors(second);
        IValue steps = tensors(Collections.nCopies(parameters.length, stepNumber)
            .toArray(new NDArray[0]));
        IValue scales = IValue.from((PtNDArray) scale);
        IValue lr = IValue.from(learningRate);
        IValue b1 = IValue.from(beta1);
        IValue b2 = IValue.from(beta2);
        IValue decay = IValue.from(weightDecay);
        IValue eps = IValue.from(epsilon);
        NDArray result = run(owner, "adamw_step", params, grads, firsts, seconds, steps, scales,
            lr, b1, b2, decay, eps)) {
      // The scale comes back; the update happened in place.
    }
  }

  private static IValue tensors(NDArray[] arrays) {
    PtNDArray[] list = new PtNDArray[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      list[i] = (PtNDArray) arrays[i];
    }
    return IValue.listFrom(list);
  }

  /**
   * Probabilities {@code [rows, V]} of one decoding step of a GPT-2 or a Llama-family decoder,
   * with or without a LoRA adapter ({@link FusedDecodeStep} holds the inputs the method {@code
   * decode_step} describes in {@code torch_ops.py}), in {@code owner}'s scope. The {@code
   * IValue}s stay the caller's.
   */
  NDArray decodeStep(NDManager owner, IValue... inputs) {
    return run(owner, "decode_step", inputs);
  }

  /** Runs {@code method} on arrays and integers ({@code Long}); the first input is an array. */
  private NDArray call(String method, Object... inputs) {
    IValue[] values = new IValue[inputs.length];
    try {
      for (int i = 0; i < inputs.length; i++) {
        values[i] = inputs[i] instanceof Long number ? IValue.from(number)
            : IValue.from((PtNDArray) inputs[i]);
      }
      return run(((PtNDArray) inputs[0]).getManager(), method, values);
    } finally {
      for (IValue value : values) {
        if (value != null) {
          value.close();
        }
      }
    }
  }

  /** Runs {@code method} on {@code inputs}; the result belongs to {@code owner} and its scope. */
  private NDArray run(NDManager owner, String method, IValue... inputs) {
    long[] handles = new long[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      handles[i] = inputs[i].getHandle();
    }
    try {
      long result = (long) runMethod.invokeExact(library, module.getHandle().longValue(), method,
          handles, true, false);
      try (IValue out = ivalue.newInstance(result)) {
        PtNDArray array = out.toTensor(manager);
        // Re-home the result in the caller's manager and scope, like any DJL operation's output.
        array.attach(owner);
        return array;
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new NativeEngineException("TorchScript operation " + method + " failed: " + e, e);
    }
  }
}
