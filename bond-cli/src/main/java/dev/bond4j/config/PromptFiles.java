package dev.bond4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.value.Prompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads prompts from a file: JSONL ({@code .jsonl}: one {@code {"id": ..., "text": ...}} object
 * per line, {@code id} optional) or plain text (one prompt per non-blank line).
 */
public final class PromptFiles {
  private PromptFiles() {}

  /** The prompts of {@code file}, tokenised with {@code tokenizer}. */
  public static List<Prompt> read(Path file, Tokenizer tokenizer) {
    Problems.require(Files.isRegularFile(file), "prompts", file.toString(), "an existing file");
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new BondException("Cannot read the prompts " + file + ": " + e.getMessage(), e);
    }
    boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
    ObjectMapper json = new ObjectMapper();
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String id = "line-" + (i + 1);
      String text = line;
      if (jsonl) {
        try {
          JsonNode node = json.readTree(line);
          Problems.require(node.isObject() && node.path("text").isTextual(),
              file.getFileName() + ":" + (i + 1), line, "an object with a \"text\" string");
          text = node.get("text").asText();
          id = node.path("id").asText(id);
        } catch (IOException e) {
          throw new BondException("Cannot parse " + file + " line " + (i + 1) + ": "
              + e.getMessage(), e);
        }
      }
      prompts.add(Prompt.builder().id(id).tokens(tokenizer.encode(text)).text(text).build());
    }
    Problems.require(!prompts.isEmpty(), "prompts", file.toString(), "at least one prompt");
    return prompts;
  }
}
