package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.bond4j.NumericalException;
import dev.bond4j.value.OptimizerSettings;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused AdamW step against the update written out in double precision (clipping, warm-up,
 * bias corrections, decoupled weight decay), over several steps and tensors of different shapes.
 */
class AdamWTest {
  private static final long[][] SHAPES = {{3, 4}, {5}, {2, 3, 2}};
  private static final int SIZE = 12 + 5 + 12;

  @Test
  void matchesTheUpdateWrittenOutInDoublePrecision() {
    OptimizerSettings settings = OptimizerSettings.builder().learningRate(0.05).beta1(0.8)
        .beta2(0.95).epsilon(1e-6).weightDecay(0.1).maxGradNorm(1.0).warmupSteps(2).build();
    SplittableRandom random = new SplittableRandom(11);
    float[] start = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      start[i] = (float) random.nextGaussian();
    }
    double[] theta = toDouble(start);
    double[] m = new double[SIZE];
    double[] v = new double[SIZE];
    try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
      NDArray flat = manager.create(start);
      NDArray[] views = DjlParameters.views(flat, SHAPES.length, AdamWTest::offset,
          i -> SHAPES[i], true);
      AdamW optimizer = new AdamW(settings, manager, flat, views);
      for (int step = 1; step <= 4; step++) {
        // The gradient of Σ c·θ is c: large enough in the first steps that clipping acts.
        float[] c = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
          c[i] = (float) (random.nextGaussian() * (step < 3 ? 2 : 0.05));
        }
        optimizer.zeroGradients();
        try (GradientCollector collector = DjlRuntime.engine().newGradientCollector()) {
          NDArray loss = null;
          for (int t = 0; t < views.length; t++) {
            NDArray coefficients = manager.create(slice(c, t)).reshape(views[t].getShape());
            NDArray term = views[t].mul(coefficients).sum();
            loss = loss == null ? term : loss.add(term);
          }
          collector.backward(loss);
        }
        double norm = 0;
        for (float g : c) {
          norm += (double) g * g;
        }
        norm = Math.sqrt(norm);
        double clip = norm > settings.maxGradNorm() ? settings.maxGradNorm() / norm : 1;
        double lr = settings.learningRateAt(step);
        double c1 = 1 - Math.pow(settings.beta1(), step);
        double c2 = 1 - Math.pow(settings.beta2(), step);
        for (int i = 0; i < SIZE; i++) {
          double g = c[i] * clip;
          m[i] = settings.beta1() * m[i] + (1 - settings.beta1()) * g;
          v[i] = settings.beta2() * v[i] + (1 - settings.beta2()) * g * g;
          theta[i] -= lr * (m[i] / c1 / (Math.sqrt(v[i] / c2) + settings.epsilon())
              + settings.weightDecay() * theta[i]);
        }
        assertThat(optimizer.step()).as("norm at step " + step).isCloseTo(norm, within(1e-5));
        float[] actual = flat.toFloatArray();
        float[] first = optimizer.firstMoment();
        float[] second = optimizer.secondMoment();
        for (int i = 0; i < SIZE; i++) {
          assertThat((double) actual[i]).as("θ" + i + " at step " + step)
              .isCloseTo(theta[i], within(2e-6 * (1 + Math.abs(theta[i]))));
          assertThat((double) first[i]).isCloseTo(m[i], within(1e-6 * (1 + Math.abs(m[i]))));
          assertThat((double) second[i]).isCloseTo(v[i], within(1e-6 * (1 + Math.abs(v[i]))));
        }
      }
    }
  }

  @Test
  void leavesTheParametersUntouchedWhenTheGradientIsNotFinite() {
    try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
      float[] start = new float[SIZE];
      NDArray flat = manager.create(start);
      NDArray[] views = DjlParameters.views(flat, SHAPES.length, AdamWTest::offset,
          i -> SHAPES[i], true);
      AdamW optimizer = new AdamW(OptimizerSettings.defaults(), manager, flat, views);
      optimizer.zeroGradients();
      try (GradientCollector collector = DjlRuntime.engine().newGradientCollector()) {
        collector.backward(views[1].mul(Float.NaN).sum());
      }
      assertThatThrownBy(optimizer::step).isInstanceOf(NumericalException.class);
      assertThat(flat.toFloatArray()).containsExactly(start);
    }
  }

  private static long offset(int tensor) {
    long offset = 0;
    for (int t = 0; t < tensor; t++) {
      long size = 1;
      for (long dim : SHAPES[t]) {
        size *= dim;
      }
      offset += size;
    }
    return offset;
  }

  private static float[] slice(float[] values, int tensor) {
    int from = (int) offset(tensor);
    int to = (int) offset(tensor + 1);
    return java.util.Arrays.copyOfRange(values, from, to);
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
