package dev.bond4j.onnx.export;

import dev.bond4j.BondException;
import dev.bond4j.onnx.export.OnnxGraph.Attribute;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a small sequence-classification model: the mean of the token embeddings over the
 * unmasked positions, then a linear head, {@code logits = mean(E[ids]) · W + b}. Inputs {@code
 * input_ids} and {@code attention_mask} (int64 {@code [batch, sequence]}), output {@code logits}
 * {@code [batch, labels]}. A one-dimensional embedding with head {@code [[1]]} is a lexicon: the
 * reward is the mean per-token score. Used for tests, the serving comparison and benchmarks, and
 * as a template for small learned rewards.
 */
public final class MeanEmbeddingRewardExport {
  private MeanEmbeddingRewardExport() {}

  /**
   * Writes the model.
   *
   * @param embedding {@code [vocabulary][d]}
   * @param head {@code [d][labels]}
   * @param bias {@code [labels]}
   */
  public static void write(Path file, float[][] embedding, float[][] head, float[] bias) {
    int vocabulary = embedding.length;
    int d = head.length;
    int labels = bias.length;
    if (vocabulary == 0 || d == 0 || labels == 0 || embedding[0].length != d
        || head[0].length != labels) {
      throw new BondException("Expected embedding [V][d], head [d][labels] and bias [labels];"
          + " got V = " + vocabulary + ", d = " + d + ", labels = " + labels);
    }
    OnnxGraph g = new OnnxGraph("mean_embedding_reward");
    String ids = g.input("input_ids", ElementType.INT64, "batch", "sequence");
    String mask = g.input("attention_mask", ElementType.INT64, "batch", "sequence");
    String table = g.constant("embedding", new long[] {vocabulary, d}, flatten(embedding, d));
    String weights = g.constant("head.weight", new long[] {d, labels}, flatten(head, labels));
    String offsets = g.constant("head.bias", new long[] {labels}, bias.clone());
    String mean = maskedMean(g, g.node("Gather", List.of(table, ids)), mask);
    g.output("logits", g.node("Add", List.of(g.node("MatMul", List.of(mean, weights)), offsets)),
        ElementType.FLOAT, "batch", (long) labels);
    g.write(file);
  }

  /** The mean of {@code vectors} {@code [batch, sequence, d]} over positions where the mask is 1. */
  static String maskedMean(OnnxGraph g, String vectors, String mask) {
    String kept = g.node("Cast", List.of(mask), Attribute.of("to", ElementType.FLOAT.code));
    String masked = g.node("Mul", List.of(vectors, g.node("Unsqueeze", List.of(kept,
        g.longs(2)))));
    String sum = g.node("ReduceSum", List.of(masked, g.longs(1)), Attribute.of("keepdims", 0));
    String count = g.node("Max", List.of(g.node("ReduceSum", List.of(kept, g.longs(1)),
        Attribute.of("keepdims", 1)), g.scalar(1f)));
    return g.node("Div", List.of(sum, count));
  }

  static float[] flatten(float[][] rows, int width) {
    float[] out = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new BondException("Row " + i + " has " + rows[i].length + " values, expected "
            + width);
      }
      System.arraycopy(rows[i], 0, out, i * width, width);
    }
    return out;
  }
}
