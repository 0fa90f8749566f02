package dev.bond4j.algorithm;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.value.Prompt;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What makes a training run the run it is: the algorithm and its knobs (β, η, γ, N, ...), batch
 * size, completion length, seed, a SHA-256 of the prompts, the policy's shape and whatever the
 * caller adds (the reward's spec, the model's {@code config.json}). Each checkpoint records it in
 * {@code run.properties}; a resume compares it with the resuming run's and refuses any difference,
 * since the continued run would otherwise not be the one checkpointed.
 */
public final class RunIdentity {
  private final SortedMap<String, String> entries = new TreeMap<>();

  /** Records {@code key = value}, replacing an earlier value of the key. */
  public RunIdentity put(String key, Object value) {
    entries.put(key, String.valueOf(value));
    return this;
  }

  /** The entries, sorted by key. */
  public Map<String, String> entries() {
    return Collections.unmodifiableSortedMap(entries);
  }

  /**
   * Records the SHA-256 of {@code file} under {@code key}, or {@code (absent)} when there is no
   * such file.
   */
  public RunIdentity putFileDigest(String key, Path file) {
    try {
      return put(key, Files.isRegularFile(file) ? Sha256.ofFile(file) : "(absent)");
    } catch (IOException e) {
      throw new BondException("Cannot read " + file + ": " + e, e);
    }
  }

  /** A SHA-256 over the prompts' ids and tokens, in order. */
  public static String promptsDigest(List<Prompt> prompts) {
    StringBuilder text = new StringBuilder();
    for (Prompt prompt : prompts) {
      text.append(prompt.id()).append('\t');
      for (int t = 0; t < prompt.tokens().length(); t++) {
        text.append(prompt.tokens().get(t)).append(' ');
      }
      text.append('\n');
    }
    return Sha256.ofText(text.toString());
  }

  /**
   * The differences of this (the resuming run's) identity from {@code recorded} (the
   * checkpoint's), one problem per differing key, naming both values; empty when they agree.
   */
  public List<InvalidArgumentException.Problem> differencesFrom(RunIdentity recorded) {
    List<InvalidArgumentException.Problem> found = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(entries.keySet());
    keys.addAll(recorded.entries.keySet());
    for (String key : keys) {
      String now = entries.get(key);
      String then = recorded.entries.get(key);
      if (!Objects.equals(now, then)) {
        found.add(new InvalidArgumentException.Problem(key, now == null ? "(absent)" : now,
            "the checkpoint's " + (then == null ? "(absent)" : then)));
      }
    }
    return found;
  }

  /** The text {@link #write} writes: one {@code key=value} line per entry, sorted, no date. */
  String text() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      Properties one = new Properties();
      one.setProperty(entry.getKey(), entry.getValue());
      StringWriter line = new StringWriter();
      try {
        one.store(line, null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      line.toString().lines().filter(l -> !l.startsWith("#"))
          .forEach(l -> out.append(l).append('\n'));
    }
    return out.toString();
  }

  /** Writes the identity to {@code file}, byte for byte the same for the same entries. */
  void write(Path file) throws IOException {
    Files.writeString(file, text(), StandardCharsets.ISO_8859_1);
  }

  /** Reads what {@link #write} wrote. */
  static RunIdentity read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader in = new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1))) {
      properties.load(in);
    }
    RunIdentity identity = new RunIdentity();
    properties.stringPropertyNames().forEach(k -> identity.put(k, properties.getProperty(k)));
    return identity;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RunIdentity that && entries.equals(that.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
