package dev.bond4j.spark;

import dev.bond4j.Problems;
import java.util.Locale;

/** How a dataset is written: Apache Parquet or JSON lines, as a folder of part files. */
public enum DatasetFormat {
  /** Apache Parquet. */
  PARQUET,
  /** JSON lines, one object per row. */
  JSONL;

  /** The format called {@code name} ({@code parquet} or {@code jsonl}). */
  public static DatasetFormat of(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    Problems.require(lower.equals("parquet") || lower.equals("jsonl"), "--format", name,
        "parquet or jsonl");
    return valueOf(lower.toUpperCase(Locale.ROOT));
  }
}
