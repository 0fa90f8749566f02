package dev.bond4j.testbed;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.TrainablePolicy;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A frozen tabular policy: the reference {@code π_ref} or an anchor of the exact testbed. It moves
 * only through {@link #moveToward}.
 */
public final class TabularSnapshot extends TabularBase implements PolicySnapshot {
  private static final String FILE = "tabular-snapshot.bin";

  private long revision;

  TabularSnapshot(TabularModel model) {
    super(model);
  }

  TabularModel model() {
    return model;
  }

  @Override
  public long revision() {
    return revision;
  }

  @Override
  public void moveToward(TrainablePolicy source, double eta) {
    Problems.require(eta >= 0 && eta <= 1, "eta", eta, "a number in [0, 1]");
    Problems.require(source instanceof TabularPolicy, "source", source.getClass().getName(),
        "a TabularPolicy (a snapshot follows a policy of its own backend)");
    ((TabularPolicy) source).blendInto(model, eta);
    revision++;
  }

  /** Writes the logits to {@code directory/tabular-snapshot.bin}, atomically. */
  @Override
  public void save(Path directory) {
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, FILE, ".tmp");
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          Files.newOutputStream(temporary)))) {
        out.writeInt(model.logits.length);
        for (double logit : model.logits) {
          out.writeDouble(logit);
        }
      }
      Files.move(temporary, directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BondException("Cannot save the tabular snapshot to " + directory + ": " + e, e);
    }
  }

  @Override
  public void restore(Path directory) {
    Path source = directory.resolve(FILE);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        Files.newInputStream(source)))) {
      int length = in.readInt();
      Problems.require(length == model.logits.length, "parameters in " + source, length,
          String.valueOf(model.logits.length));
      double[] logits = new double[length];
      for (int i = 0; i < length; i++) {
        logits[i] = in.readDouble();
      }
      System.arraycopy(logits, 0, model.logits, 0, length);
      revision++;
    } catch (IOException e) {
      throw new BondException("Cannot restore the tabular snapshot from " + source + ": " + e, e);
    }
  }
}
