package dev.bond4j.testbed;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.UpdateResult;
import dev.bond4j.value.WeightedSequence;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The exact reference backend: a tabular autoregressive policy over a {@link SequenceSpace},
 * optionally conditioned on a handful of contexts (prompts), trained by AdamW on exact gradients.
 * Every engine backend is held against it by the conformance suite, and the paper's claims are
 * reproduced on it without sampling noise in the evaluation.
 *
 * <p>Prompts are single-token sequences holding a context id; {@link #prompt(int)} makes them.
 */
public final class TabularPolicy extends TabularBase implements TrainablePolicy {
  private static final String FILE = "tabular-policy.bin";
  private static final long MAGIC = 0x424F4E4454414231L; // "BONDTAB1"

  private final OptimizerSettings optimizer;
  private final double[] firstMoment;
  private final double[] secondMoment;
  private long steps;
  private long revision;

  private TabularPolicy(TabularModel model, OptimizerSettings optimizer) {
    super(model);
    this.optimizer = optimizer;
    this.firstMoment = new double[model.parameterCount()];
    this.secondMoment = new double[model.parameterCount()];
  }

  /**
   * A policy with logits drawn i.i.d. from {@code N(0, scale²)}.
   *
   * @param space the sequence space
   * @param contexts number of prompts it distinguishes, {@code >= 1}
   * @param scale standard deviation of the initial logits; 0 gives uniform next-token choices
   * @param seed seed of the initial logits
   */
  public static TabularPolicy random(SequenceSpace space, int contexts, double scale, long seed,
      OptimizerSettings optimizer) {
    Problems.of("TabularPolicy").atLeast("contexts", contexts, 1)
        .check(scale >= 0 && Double.isFinite(scale), "scale", scale, "a finite number >= 0")
        .throwIfAny();
    SplittableRandom random = new SplittableRandom(seed);
    double[] logits = new double[contexts * space.stateCount() * space.vocabularySize()];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = scale * gaussian(random);
    }
    return new TabularPolicy(new TabularModel(space, contexts, logits), optimizer);
  }

  /** A policy with the given logits, laid out {@code [context][state][token]}. */
  public static TabularPolicy withLogits(SequenceSpace space, int contexts, double[] logits,
      OptimizerSettings optimizer) {
    return new TabularPolicy(new TabularModel(space, contexts, logits.clone()), optimizer);
  }

  /** A fresh trainable copy of any tabular policy or snapshot (new optimizer state). */
  public static TabularPolicy copyOf(TabularSnapshot snapshot, OptimizerSettings optimizer) {
    return new TabularPolicy(snapshot.model().copy(), optimizer);
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** The prompt that selects context {@code context}. */
  public static Prompt prompt(int context) {
    return Prompt.of("context-" + context, TokenSequence.of(context));
  }

  /**
   * The exact gradient of {@code L(θ) = −Σ w_i log π(y_i|x_i)}: for each visited (state, token)
   * pair, {@code ∂L/∂θ[s][u] = −w · (1{u = y_t} − π(u|s))}.
   */
  public double[] gradient(List<WeightedSequence> batch) {
    double[] gradient = new double[model.parameterCount()];
    accumulate(batch, gradient);
    return gradient;
  }

  private double accumulate(List<WeightedSequence> batch, double[] gradient) {
    int v = model.space.vocabularySize();
    double loss = 0;
    for (WeightedSequence sequence : batch) {
      int context = model.contextOf(sequence.prompt());
      TokenSequence y = sequence.completion();
      int[] path = model.space.walk(y);
      double w = sequence.weight();
      for (int t = 0; t < path.length; t++) {
        double[] logProbs = model.logSoftmax(context, path[t]);
        int off = model.offset(context, path[t]);
        int token = y.get(t);
        loss -= w * logProbs[token];
        for (int u = 0; u < v; u++) {
          gradient[off + u] += w * Math.exp(logProbs[u]);
        }
        gradient[off + token] -= w;
      }
    }
    return loss;
  }

  @Override
  public UpdateResult update(List<WeightedSequence> batch) {
    Problems.require(!batch.isEmpty(), "batch", batch.size(), "at least one weighted sequence");
    double[] gradient = new double[model.parameterCount()];
    int micro = optimizer.microBatchSize() == 0 ? batch.size() : optimizer.microBatchSize();
    double loss = 0;
    long tokens = 0;
    for (int from = 0; from < batch.size(); from += micro) {
      List<WeightedSequence> part = batch.subList(from, Math.min(batch.size(), from + micro));
      loss += accumulate(part, gradient);
    }
    for (WeightedSequence s : batch) {
      tokens += s.completion().length();
    }
    double norm = 0;
    for (double g : gradient) {
      norm += g * g;
    }
    norm = Math.sqrt(norm);
    double clip = optimizer.maxGradNorm() > 0 && norm > optimizer.maxGradNorm()
        ? optimizer.maxGradNorm() / norm : 1.0;
    steps++;
    revision++;
    double lr = optimizer.learningRateAt(steps);
    double b1 = optimizer.beta1();
    double b2 = optimizer.beta2();
    double correction1 = 1 - Math.pow(b1, steps);
    double correction2 = 1 - Math.pow(b2, steps);
    double[] theta = model.logits;
    for (int i = 0; i < theta.length; i++) {
      double g = gradient[i] * clip;
      firstMoment[i] = b1 * firstMoment[i] + (1 - b1) * g;
      secondMoment[i] = b2 * secondMoment[i] + (1 - b2) * g * g;
      double mHat = firstMoment[i] / correction1;
      double vHat = secondMoment[i] / correction2;
      theta[i] -= lr * (mHat / (Math.sqrt(vHat) + optimizer.epsilon())
          + optimizer.weightDecay() * theta[i]);
    }
    return UpdateResult.builder().loss(loss).gradientNorm(norm).learningRate(lr)
        .sequences(batch.size()).tokens(tokens).build();
  }

  @Override
  public OptimizerSettings optimizerSettings() {
    return optimizer;
  }

  @Override
  public long steps() {
    return steps;
  }

  @Override
  public long revision() {
    return revision;
  }

  @Override
  public TabularSnapshot snapshot() {
    return new TabularSnapshot(model.copy());
  }

  /** Sets {@code θ_target ← (1−η) θ_target + η θ_this}; used by {@link TabularSnapshot}. */
  void blendInto(TabularModel target, double eta) {
    Problems.require(target.logits.length == model.logits.length && target.space == model.space,
        "source", "a tabular policy of another shape", "a policy over the same space and contexts");
    double[] theta = model.logits;
    for (int i = 0; i < theta.length; i++) {
      target.logits[i] = eta == 1.0 ? theta[i] : (1 - eta) * target.logits[i] + eta * theta[i];
    }
  }

  @Override
  public void save(Path directory) {
    try {
      Files.createDirectories(directory);
      Path target = directory.resolve(FILE);
      Path temporary = Files.createTempFile(directory, FILE, ".tmp");
      try (OutputStream raw = Files.newOutputStream(temporary);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw))) {
        out.writeLong(MAGIC);
        out.writeInt(model.space.vocabularySize());
        out.writeInt(model.space.eosToken());
        out.writeInt(model.space.maxLength());
        out.writeInt(model.contexts);
        out.writeLong(steps);
        writeArray(out, model.logits);
        writeArray(out, firstMoment);
        writeArray(out, secondMoment);
      }
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BondException("Cannot save the tabular policy to " + directory + ": " + e, e);
    }
  }

  @Override
  public void load(Path directory) {
    Path source = directory.resolve(FILE);
    try (InputStream raw = Files.newInputStream(source);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
      Problems.require(in.readLong() == MAGIC, "file", source, "a bond4j tabular checkpoint");
      int vocabulary = in.readInt();
      int eos = in.readInt();
      int maxLength = in.readInt();
      int contexts = in.readInt();
      Problems.of("tabular checkpoint " + source)
          .check(vocabulary == model.space.vocabularySize(), "vocabularySize", vocabulary,
              String.valueOf(model.space.vocabularySize()))
          .check(eos == model.space.eosToken(), "eosToken", eos,
              String.valueOf(model.space.eosToken()))
          .check(maxLength == model.space.maxLength(), "maxLength", maxLength,
              String.valueOf(model.space.maxLength()))
          .check(contexts == model.contexts, "contexts", contexts, String.valueOf(model.contexts))
          .throwIfAny();
      long savedSteps = in.readLong();
      double[] logits = readArray(in, model.logits.length);
      double[] m = readArray(in, firstMoment.length);
      double[] v = readArray(in, secondMoment.length);
      System.arraycopy(logits, 0, model.logits, 0, logits.length);
      System.arraycopy(m, 0, firstMoment, 0, m.length);
      System.arraycopy(v, 0, secondMoment, 0, v.length);
      steps = savedSteps;
      revision++;
    } catch (IOException e) {
      throw new BondException("Cannot load the tabular policy from " + source + ": " + e, e);
    }
  }

  private static void writeArray(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    for (double value : values) {
      out.writeDouble(value);
    }
  }

  private static double[] readArray(DataInputStream in, int expectedLength) throws IOException {
    int length = in.readInt();
    Problems.require(length == expectedLength, "array length", length,
        String.valueOf(expectedLength));
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = in.readDouble();
    }
    return values;
  }
}
