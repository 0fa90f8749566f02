package dev.bond4j.spark;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.config.PromptFiles;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.value.Prompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a prompt set on the driver: JSON lines or plain text as the {@code bond} command reads
 * them ({@link PromptFiles}), or Parquet (a {@code .parquet} file or a folder of them) with a
 * string column {@code text} and an optional {@code id}. A prompt's index is its position: lines
 * in order, Parquet files in name order and rows in file order.
 */
public final class PromptInput {
  private PromptInput() {}

  /**
   * The prompts of {@code file}, tokenised with {@code tokenizer}; {@code spark} is started only
   * to read Parquet.
   */
  public static List<Prompt> read(Path file, Tokenizer tokenizer, Supplier<SparkSession> spark) {
    Problems.require(Files.exists(file), "--prompts", file, "an existing JSONL, text or Parquet"
        + " file");
    if (!isParquet(file)) {
      return PromptFiles.read(file, tokenizer);
    }
    List<Prompt> prompts = new ArrayList<>();
    for (Path part : parquetFiles(file)) {
      List<Row> rows;
      try {
        rows = spark.get().read().parquet(part.toString()).collectAsList();
      } catch (RuntimeException e) {
        throw new BondException("Cannot read the prompts " + part + ": " + firstLine(e), e);
      }
      for (Row row : rows) {
        String[] fields = row.schema().fieldNames();
        Problems.require(Arrays.asList(fields).contains("text"), "--prompts", part,
            "Parquet with a string column \"text\" (columns: " + String.join(", ", fields) + ")");
        String text = row.getAs("text");
        Problems.require(text != null, "--prompts", part + " row " + prompts.size(),
            "a non-null text");
        String id = Arrays.asList(fields).contains("id") && row.getAs("id") != null
            ? row.getAs("id").toString() : "row-" + (prompts.size() + 1);
        prompts.add(Prompt.builder().id(id).text(text).tokens(tokenizer.encode(text)).build());
      }
    }
    Problems.require(!prompts.isEmpty(), "--prompts", file, "at least one prompt");
    return prompts;
  }

  private static boolean isParquet(Path file) {
    return Files.isDirectory(file) || file.getFileName().toString().endsWith(".parquet");
  }

  private static List<Path> parquetFiles(Path file) {
    if (!Files.isDirectory(file)) {
      return List.of(file);
    }
    try (Stream<Path> entries = Files.list(file)) {
      List<Path> parts = entries.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .sorted().toList();
      Problems.require(!parts.isEmpty(), "--prompts", file, "a folder holding .parquet files");
      return parts;
    } catch (IOException e) {
      throw new BondException("Cannot list the prompts folder " + file + ": " + e.getMessage(), e);
    }
  }

  static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
