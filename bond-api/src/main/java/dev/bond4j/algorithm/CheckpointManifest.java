package dev.bond4j.algorithm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@code manifest.sha256} of a checkpoint folder: one line {@code DIGEST  PATH} per file, in
 * the format of {@code sha256sum}, so that {@code sha256sum -c manifest.sha256} run in the folder
 * checks it too. Written last, it also marks the folder as complete.
 */
final class CheckpointManifest {
  /** The manifest's file name. */
  static final String FILE = "manifest.sha256";

  private CheckpointManifest() {}

  /** Digests every file under {@code folder} (but the manifest) and writes the manifest. */
  static void write(Path folder) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Path file : files(folder)) {
      text.append(Sha256.ofFile(file)).append("  ")
          .append(folder.relativize(file).toString().replace('\\', '/')).append('\n');
    }
    Files.writeString(folder.resolve(FILE), text.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Checks {@code folder} against its manifest.
   *
   * @return null when every listed file is present with its digest and no file is unlisted,
   *     otherwise what is wrong
   */
  static String damage(Path folder) throws IOException {
    Path manifest = folder.resolve(FILE);
    if (!Files.isRegularFile(manifest)) {
      return "it has no " + FILE;
    }
    Map<String, String> listed = new TreeMap<>();
    for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
      int gap = line.indexOf("  ");
      if (gap != 64) {
        return FILE + " has a malformed line: " + line;
      }
      listed.put(line.substring(gap + 2), line.substring(0, gap));
    }
    for (Path file : files(folder)) {
      String name = folder.relativize(file).toString().replace('\\', '/');
      String expected = listed.remove(name);
      if (expected == null) {
        return name + " is not in " + FILE;
      }
      if (!expected.equals(Sha256.ofFile(file))) {
        return name + " does not match its SHA-256 in " + FILE;
      }
    }
    return listed.isEmpty() ? null : listed.keySet().iterator().next() + " is missing";
  }

  /** Every regular file under {@code folder} but the manifest, in a fixed order. */
  static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).filter(p -> !p.equals(folder.resolve(FILE)))
          .sorted().toList();
    }
  }
}
