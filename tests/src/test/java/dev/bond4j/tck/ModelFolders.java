package dev.bond4j.tck;

import dev.bond4j.BondException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Model folders the suites write, load and delete at once, so that a test run leaves no {@code
 * bond4j-tck-*} folder in the temporary directory.
 */
final class ModelFolders {
  private ModelFolders() {}

  /** What writes a model folder. */
  @FunctionalInterface
  interface Writer {
    /** Writes the model into {@code directory}, which exists and is empty. */
    void write(Path directory) throws IOException;
  }

  /**
   * Writes a model into a fresh temporary folder named {@code bond4j-tck-NAME*}, loads it, and
   * deletes the folder, whether loading succeeded or not.
   */
  static <T> T loaded(String name, Writer writer, Function<Path, T> loader) {
    Path directory;
    try {
      directory = Files.createTempDirectory("bond4j-tck-" + name);
    } catch (IOException e) {
      throw new BondException("Cannot create a test folder: " + e, e);
    }
    try {
      writer.write(directory);
      return loader.apply(directory);
    } catch (IOException e) {
      throw new BondException("Cannot prepare the test model: " + e, e);
    } finally {
      delete(directory);
    }
  }

  private static void delete(Path directory) {
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new BondException("Cannot delete the test folder " + directory + ": " + e, e);
    }
  }
}
