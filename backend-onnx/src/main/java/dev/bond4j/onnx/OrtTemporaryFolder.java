package dev.bond4j.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code onnxruntime-java*} folder ONNX Runtime extracts its native libraries into, under
 * {@code java.io.tmpdir}. ONNX Runtime marks the folder for deletion at exit before the libraries
 * in it, so the JVM tries to delete it while it still holds them and leaves it behind, empty, at
 * every run. A shutdown hook, which runs before those deletions, removes the folder of this
 * process, found among the libraries the process has mapped (Linux; elsewhere nothing is done).
 */
final class OrtTemporaryFolder {
  private static final Logger LOG = LoggerFactory.getLogger(OrtTemporaryFolder.class);
  private static final Path MAPS = Path.of("/proc/self/maps");

  private OrtTemporaryFolder() {}

  /** The folder this process loaded ONNX Runtime from, if it is a temporary one. */
  static Optional<Path> ofThisProcess() {
    if (!Files.isReadable(MAPS)) {
      return Optional.empty();
    }
    Path temporary = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    try (Stream<String> lines = Files.lines(MAPS)) {
      return lines.map(line -> line.indexOf('/') < 0 ? null
              : Path.of(line.substring(line.indexOf('/')).strip()))
          .filter(p -> p != null && p.getParent() != null
              && p.getParent().getFileName().toString().startsWith("onnxruntime-java")
              && temporary.equals(p.getParent().getParent()))
          .map(Path::getParent).findFirst();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot read {}: {}", MAPS, e.toString());
      return Optional.empty();
    }
  }

  /** Deletes this process's folder when the JVM exits. */
  static void deleteAtExit() {
    ofThisProcess().ifPresent(folder -> Runtime.getRuntime().addShutdownHook(
        new Thread(() -> delete(folder), "bond4j-ort-cleanup")));
  }

  private static void delete(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.debug("Cannot delete {}: {}", folder, e.toString());
    }
  }
}
