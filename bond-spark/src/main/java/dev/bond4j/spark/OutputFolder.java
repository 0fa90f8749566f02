package dev.bond4j.spark;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes an output folder all at once: the job writes into a temporary sibling
 * ({@code .NAME.tmp-UUID}), which is renamed to the target only when the job succeeded, so a failed
 * or killed run leaves no half-written output under the target's name. An existing target is
 * refused unless overwriting was asked for; it is then replaced after the new folder is complete.
 */
public final class OutputFolder {
  private final Path target;

  /**
   * An output folder at {@code target}.
   *
   * @param overwrite whether an existing {@code target} may be replaced
   * @throws dev.bond4j.InvalidArgumentException when {@code target} exists and may not be
   */
  public OutputFolder(Path target, boolean overwrite) {
    Problems.require(overwrite || !Files.exists(target), "--out", target,
        "a folder that does not exist yet (or --overwrite)");
    this.target = target.toAbsolutePath().normalize();
  }

  /** The final folder. */
  public Path target() {
    return target;
  }

  /**
   * Runs {@code writer} on a temporary folder that does not exist yet, then renames it to the
   * target; on failure the temporary folder is deleted and the target is left as it was.
   */
  public void write(Consumer<Path> writer) {
    Path parent = target.getParent();
    Path temporary = parent.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(parent);
      writer.accept(temporary);
      Problems.require(Files.isDirectory(temporary), "output", temporary,
          "a folder the job wrote");
      if (Files.exists(target)) {
        Path old = parent.resolve("." + target.getFileName() + ".old-" + UUID.randomUUID());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(old);
      } else {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new BondException("Cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      deleteRecursively(temporary);
    }
  }

  /** Deletes {@code path} and everything under it, if it exists; errors are ignored. */
  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover temporary folder is named as such and never read.
    }
  }
}
