package dev.bond4j.spark;

import dev.bond4j.demo.ReviewCorpus;
import dev.bond4j.demo.WordTokenizer;
import dev.bond4j.math.TieRule;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.WeightFiles;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Tiny random policies over the demo's words, prompt files and local Spark sessions for tests. */
final class SparkFixture {
  static final WordTokenizer TOKENIZER = ReviewCorpus.tokenizer();

  private SparkFixture() {}

  /** A randomly initialised GPT-2-family policy over the demo's words (a few thousand weights). */
  static Path tinyPolicy(Path folder, long seed) {
    DecoderConfig config = DecoderConfig.gpt2(TOKENIZER.vocabularySize(), 32, 16, 1, 2, 32, 1e-5,
        "gelu_new", WordTokenizer.EOS);
    DecoderLayout layout = new DecoderLayout(config);
    config.write(folder);
    WeightFiles.write(folder, layout.tensorsOf(layout.initialValues(seed)), "F32", 1L << 30);
    return folder;
  }

  /** The first {@code count} of the demo's prompts (cycled), as a JSONL file. */
  static Path promptFile(Path file, int count) {
    List<String> lines = new ArrayList<>();
    for (Prompt prompt : prompts(count)) {
      lines.add("{\"id\": \"" + prompt.id() + "\", \"text\": \"" + prompt.text() + "\"}");
    }
    try {
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** {@code count} of the demo's prompts, cycled, with unique ids. */
  static List<Prompt> prompts(int count) {
    List<Prompt> demo = ReviewCorpus.prompts(TOKENIZER);
    List<Prompt> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Prompt p = demo.get(i % demo.size());
      out.add(Prompt.builder().from(p).id("p" + i).build());
    }
    return out;
  }

  /** A generator of Best-of-{@code n} of the policy in {@code folder} under the lexicon. */
  static BestOfNGenerator generator(Path folder, int n, TieRule rule, long seed) {
    TokenizerSource tokenizer = TokenizerSource.of("demo");
    return new BestOfNGenerator(new PolicySource(ShippedFolder.of(folder, "--policy"), "djl", 1),
        RewardSource.lexicon(tokenizer), tokenizer, n, rule,
        SamplingSpec.of(SamplingSettings.training(8)), seed);
  }

  /** A local session with {@code cores} task slots and {@code retries} attempts per task. */
  static SparkSession local(int cores, int attempts) {
    return SparkSessions.start("local[" + cores + "," + attempts + "]", "bond-spark test",
        java.util.Map.of("spark.sql.shuffle.partitions", "2"));
  }
}
