package dev.bond4j.sink;

import dev.bond4j.BondException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opening and writing the files metric sinks append to, with errors that name the file. */
final class SinkFiles {
  private SinkFiles() {}

  /** Creates {@code file} and its folder, truncating it unless {@code append}. */
  static BufferedWriter open(Path file, boolean append) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return append ? Files.newBufferedWriter(file, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND) : Files.newBufferedWriter(file);
    } catch (IOException e) {
      throw new BondException("Cannot open the metrics file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes one line and flushes it, so that a crash loses nothing already reported. */
  static void writeLine(BufferedWriter writer, Path file, String line) {
    try {
      writer.write(line);
      writer.newLine();
      writer.flush();
    } catch (IOException e) {
      throw new BondException("Cannot write to the metrics file " + file + ": " + e.getMessage(),
          e);
    }
  }
}
