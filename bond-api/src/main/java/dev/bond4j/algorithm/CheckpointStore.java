package dev.bond4j.algorithm;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint folder of a run and its crash-safe protocol. Layout:
 *
 * <pre>
 * DIR/latest                  the name of the newest complete checkpoint ("step-120")
 * DIR/step-N/manifest.sha256  SHA-256 of every other file of the folder, written last
 * DIR/step-N/run.properties   the {@link RunIdentity} of the run
 * DIR/step-N/trainer.properties, policy/, anchor/   the state after step N
 * </pre>
 *
 * A write goes to {@code step-N.tmp}, is digested and synced, renamed to {@code step-N}, then
 * {@code latest} is switched atomically, and only then are old folders deleted, keeping the
 * newest {@code keep}. A kill at any moment therefore leaves at least one intact checkpoint once
 * one was written. Reading takes the newest folder that matches its manifest, and names the
 * damaged ones it skipped.
 */
public final class CheckpointStore {
  /** Checkpoints kept when no other number is given. */
  public static final int DEFAULT_KEEP = 3;
  /** The pointer file's name. */
  public static final String LATEST = "latest";
  /** The identity file's name. */
  public static final String RUN = "run.properties";

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final Pattern STEP = Pattern.compile("step-(\\d{1,18})");
  private static final String DAMAGED = "damaged-";

  private final Path directory;
  private final int keep;

  /** The checkpoints under {@code directory}, keeping the newest {@code keep} (>= 1). */
  public CheckpointStore(Path directory, int keep) {
    Problems.require(keep >= 1, "keepCheckpoints", keep, "a number of checkpoints >= 1");
    this.directory = directory;
    this.keep = keep;
  }

  /** The checkpoints under {@code directory}, keeping the newest {@link #DEFAULT_KEEP}. */
  public CheckpointStore(Path directory) {
    this(directory, DEFAULT_KEEP);
  }

  /** The folder holding the checkpoints. */
  public Path directory() {
    return directory;
  }

  /** What a checkpoint folder holds besides the manifest and identity; written by the caller. */
  @FunctionalInterface
  public interface Contents {
    /** Writes the files of the checkpoint into {@code folder}, which exists and is empty. */
    void writeTo(Path folder) throws IOException;
  }

  /**
   * An intact checkpoint found on reading.
   *
   * @param folder its folder
   * @param step the step it was written after
   * @param identity the run it belongs to
   * @param damaged newer folders skipped because they did not match their manifest, each with the
   *     reason
   */
  public record Found(Path folder, long step, RunIdentity identity, List<String> damaged) {}

  /**
   * Writes the checkpoint of step {@code step}, reporting each phase to {@code phases}. When an
   * intact {@code step-N} of the same run already exists (a final checkpoint on a step the
   * periodic one just wrote) it is kept as it is.
   *
   * @return the checkpoint's folder
   */
  public Path write(long step, RunIdentity identity, Contents contents,
      Consumer<CheckpointPhase> phases) {
    String name = "step-" + step;
    Path target = directory.resolve(name);
    try {
      Files.createDirectories(directory);
      if (!isIntactCopy(target, identity)) {
        Path temporary = directory.resolve(name + ".tmp");
        deleteTree(temporary);
        Files.createDirectories(temporary);
        contents.writeTo(temporary);
        identity.write(temporary.resolve(RUN));
        phases.accept(CheckpointPhase.WRITTEN);
        CheckpointManifest.write(temporary);
        syncTree(temporary);
        phases.accept(CheckpointPhase.SYNCED);
        deleteTree(target);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        syncFolder(directory);
        phases.accept(CheckpointPhase.RENAMED);
      }
      Path pointer = directory.resolve(LATEST + ".tmp");
      Files.writeString(pointer, name, StandardCharsets.UTF_8);
      syncFile(pointer);
      Files.move(pointer, directory.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      syncFolder(directory);
      phases.accept(CheckpointPhase.POINTED);
      prune(name);
      phases.accept(CheckpointPhase.PRUNED);
      return target;
    } catch (IOException e) {
      throw new BondException("Cannot write the checkpoint " + target + ": " + e, e);
    }
  }

  /** Whether any {@code step-N} folder exists, intact or not. */
  public boolean isEmpty() {
    return stepFolders().isEmpty();
  }

  /**
   * The newest checkpoint that matches its manifest; a warning names each newer damaged one,
   * which is renamed to {@code damaged-step-N} so that neither retention nor a later resume
   * counts it.
   */
  public Optional<Found> newestIntact() {
    List<String> damaged = new ArrayList<>();
    String pointed = pointer();
    if (pointed != null && !Files.isDirectory(directory.resolve(pointed))) {
      damaged.add(pointed + " (named by " + LATEST + " but missing)");
      LOG.warn("The checkpoint {} named by {} is missing; falling back to an older one.",
          directory.resolve(pointed), LATEST);
    }
    for (Path folder : stepFolders()) {
      String reason = damage(folder);
      if (reason == null) {
        try {
          return Optional.of(new Found(folder, stepOf(folder), RunIdentity.read(folder.resolve(RUN)),
              List.copyOf(damaged)));
        } catch (IOException e) {
          reason = "its " + RUN + " cannot be read: " + e.getMessage();
        }
      }
      damaged.add(folder.getFileName() + " (" + reason + ")");
      LOG.warn("The checkpoint {} is damaged ({}); falling back to an older one.", folder, reason);
      setAside(folder);
    }
    return Optional.empty();
  }

  /** The folder name {@code latest} holds, or null when there is no readable pointer. */
  private String pointer() {
    try {
      Path file = directory.resolve(LATEST);
      String name = Files.isRegularFile(file) ? Files.readString(file).strip() : null;
      return name != null && STEP.matcher(name).matches() ? name : null;
    } catch (IOException e) {
      return null;
    }
  }

  private boolean isIntactCopy(Path folder, RunIdentity identity) throws IOException {
    return Files.isDirectory(folder) && damage(folder) == null
        && RunIdentity.read(folder.resolve(RUN)).equals(identity);
  }

  private static String damage(Path folder) {
    try {
      return CheckpointManifest.damage(folder);
    } catch (IOException e) {
      return "it cannot be read: " + e.getMessage();
    }
  }

  private void setAside(Path folder) {
    try {
      Files.move(folder, folder.resolveSibling(DAMAGED + folder.getFileName()),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.warn("Cannot rename the damaged checkpoint {}: {}", folder, e.getMessage());
    }
  }

  /** The {@code step-N} folders, newest first. */
  private List<Path> stepFolders() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(directory)) {
      return list.filter(p -> Files.isDirectory(p) && STEP.matcher(p.getFileName().toString())
          .matches()).sorted(Comparator.comparingLong(CheckpointStore::stepOf).reversed())
          .toList();
    } catch (IOException e) {
      throw new BondException("Cannot list the checkpoints in " + directory + ": " + e, e);
    }
  }

  private static long stepOf(Path folder) {
    Matcher matcher = STEP.matcher(folder.getFileName().toString());
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }

  /** Deletes leftover temporary folders and all but the newest {@code keep} checkpoints. */
  private void prune(String latest) throws IOException {
    List<Path> folders = stepFolders();
    for (int i = 0; i < folders.size(); i++) {
      Path folder = folders.get(i);
      if (i >= keep && !folder.getFileName().toString().equals(latest)) {
        deleteTree(folder);
      }
    }
    try (Stream<Path> list = Files.list(directory)) {
      for (Path leftover : list.filter(p -> p.getFileName().toString().endsWith(".tmp"))
          .toList()) {
        deleteTree(leftover);
      }
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void syncTree(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(p)) {
          syncFolder(p);
        } else {
          syncFile(p);
        }
      }
    }
  }

  private static void syncFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Syncs a folder's entries; file systems that cannot open a folder (Windows) skip this. */
  private static void syncFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("Cannot sync the folder {}: {}", folder, e.getMessage());
    }
  }
}
