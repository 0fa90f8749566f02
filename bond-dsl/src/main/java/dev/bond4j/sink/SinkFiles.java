package dev.bond4j.sink;

import dev.bond4j.BondException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** Opening and writing the files metric sinks append to, with errors that name the file. */
final class SinkFiles {
  private SinkFiles() {}

  /**
   * Opens {@code file} (and its folder) for appending, after cutting it back to the lines that
   * {@code kept} accepts: a resumed run drops the rows of the steps it replays, and a line cut
   * short by a crash. With {@code kept} accepting nothing, the file starts empty.
   */
  static BufferedWriter openAfter(Path file, Predicate<String> kept) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      List<String> lines = Files.exists(file)
          ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(kept).toList()
          : List.of();
      return replaceAndAppend(file, lines);
    } catch (IOException e) {
      throw new BondException("Cannot open the metrics file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Closes {@code writer}, puts {@code header} at the head of {@code file} in place of the lines
   * {@code isHeader} accepts (an earlier run's header, which a resume keeps until then; its rows
   * follow unchanged) and opens the file again for appending.
   */
  static BufferedWriter withHeader(BufferedWriter writer, Path file, String header,
      Predicate<String> isHeader) {
    try {
      writer.close();
      List<String> lines = new ArrayList<>();
      lines.add(header);
      Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(isHeader.negate())
          .forEach(lines::add);
      return replaceAndAppend(file, lines);
    } catch (IOException e) {
      throw new BondException("Cannot write the provenance to the metrics file " + file + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Closes {@code writer}, replaces every line of {@code file} by {@code rewrite}'s image of it
   * and opens the file again for appending.
   */
  static BufferedWriter rewrite(BufferedWriter writer, Path file,
      UnaryOperator<String> rewrite) {
    try {
      writer.close();
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(rewrite).toList();
      return replaceAndAppend(file, lines);
    } catch (IOException e) {
      throw new BondException("Cannot rewrite the metrics file " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** Replaces the content of {@code file} by {@code lines} atomically and opens it to append. */
  private static BufferedWriter replaceAndAppend(Path file, List<String> lines)
      throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temporary, lines, StandardCharsets.UTF_8);
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /** The step a metrics line starts with ({@code 12,...} or {@code {"step":12,...}}), or -1. */
  static long stepOf(String line, String prefix) {
    if (!line.startsWith(prefix)) {
      return -1;
    }
    int end = prefix.length();
    while (end < line.length() && Character.isDigit(line.charAt(end))) {
      end++;
    }
    boolean complete = end > prefix.length() && end < line.length() && end - prefix.length() < 19;
    return complete ? Long.parseLong(line.substring(prefix.length(), end)) : -1;
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
