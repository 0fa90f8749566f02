package dev.bond4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import dev.bond4j.onnx.export.MeanEmbeddingRewardExport;
import dev.bond4j.onnx.export.OnnxGraph;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxPolicyTest {
  private static final DecoderConfig CONFIG = DecoderConfig.gpt2(12, 16, 16, 2, 2, 32, 1e-5, "gelu_new",
      11);
  private static float[] values;
  private static Path baked;
  private static OnnxPolicy policy;
  private static final List<Prompt> PROMPTS = List.of(Prompt.of("a", TokenSequence.of(1)),
      Prompt.of("b", TokenSequence.of(4, 2, 7)), Prompt.of("c", TokenSequence.of(0, 9)));

  @TempDir
  Path temporary;

  @BeforeAll
  static void open() {
    values = TinyModels.sharpened(CONFIG, 5, 8f);
    baked = TinyModels.decoder(CONFIG, values, Weights.BAKED);
    policy = OnnxPolicy.load(baked, OnnxOptions.cpu());
  }

  @AfterAll
  static void close() {
    policy.close();
  }

  private static List<Completion> samples(OnnxPolicy p, int repeats, long seed) {
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      prompts.addAll(PROMPTS);
    }
    return p.sample(prompts, SamplingSettings.training(8), seed);
  }

  @Test
  void describesTheModelFromItsConfig() {
    assertThat(policy.vocabularySize()).isEqualTo(12);
    assertThat(policy.eosToken()).isEqualTo(11);
    assertThat(policy.maxSequenceLength()).isEqualTo(16);
  }

  @Test
  void splittingABatchKeepsEveryLogProb() {
    List<Completion> all = samples(policy, 4, 3);
    try (OnnxPolicy small = OnnxPolicy.load(baked, OnnxOptions.cpu().withMaxBatch(2))) {
      assertThat(small.logProbs(all)).containsExactly(policy.logProbs(all), within(1e-5));
      for (Completion c : small.sample(List.copyOf(PROMPTS), SamplingSettings.training(8), 9)) {
        assertThat(policy.logProbs(List.of(c))[0]).isCloseTo(c.logProb(), within(1e-5));
      }
    }
  }

  @Test
  void weightsAsInputsFollowTheSourceOnEveryCall() {
    Path inputs = TinyModels.decoder(CONFIG, null, Weights.INPUTS);
    float[] live = values.clone();
    List<Completion> sequences = samples(policy, 2, 4);
    try (OnnxPolicy following = OnnxPolicy.following(inputs,
        WeightSource.canonical(CONFIG, () -> live), OnnxOptions.cpu())) {
      assertThat(following.logProbs(sequences)).containsExactly(policy.logProbs(sequences),
          within(1e-5));
      float[] changed = TinyModels.sharpened(CONFIG, 6, 8f);
      System.arraycopy(changed, 0, live, 0, live.length);
      try (OnnxPolicy other = OnnxPolicy.load(TinyModels.decoder(CONFIG, changed, Weights.BAKED),
          OnnxOptions.cpu())) {
        double[] expected = other.logProbs(sequences);
        assertThat(expected).isNotEqualTo(policy.logProbs(sequences));
        assertThat(following.logProbs(sequences)).containsExactly(expected, within(1e-5));
        Completion c = following.sample(List.of(PROMPTS.get(1)), SamplingSettings.training(8), 1)
            .get(0);
        assertThat(other.logProbs(List.of(c))[0]).isCloseTo(c.logProb(), within(1e-5));
      }
    }
  }

  @Test
  void aWeightSourceThatLeavesABufferShortFails() {
    Path inputs = TinyModels.decoder(CONFIG, null, Weights.INPUTS);
    try (OnnxPolicy following = OnnxPolicy.following(inputs, targets -> { }, OnnxOptions.cpu())) {
      assertThatThrownBy(() -> following.logProbs(samples(policy, 1, 1)))
          .isInstanceOf(BondException.class).hasMessageContaining("wte.weight");
    }
  }

  @Test
  void theWeightModeMustMatchTheModel() {
    Path inputs = TinyModels.decoder(CONFIG, null, Weights.INPUTS);
    assertThatThrownBy(() -> OnnxPolicy.load(inputs, OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("OnnxPolicy.following");
    assertThatThrownBy(() -> OnnxPolicy.following(baked,
        WeightSource.canonical(CONFIG, () -> values), OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("OnnxPolicy.load");
  }

  @Test
  void badTokensAreRejectedInJavaAndTheSessionStaysUsable() {
    Prompt outside = Prompt.of("x", TokenSequence.of(3, 12));
    assertThatThrownBy(() -> policy.sample(List.of(outside), SamplingSettings.training(4), 1))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("prompts[0].prompt")
        .hasMessageContaining("[0, 12)");
    Prompt empty = Prompt.of("e", TokenSequence.empty());
    assertThatThrownBy(() -> policy.sample(List.of(empty), SamplingSettings.training(4), 1))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least one token");
    Prompt full = Prompt.of("f", TokenSequence.of(new int[16]));
    assertThatThrownBy(() -> policy.sample(List.of(full), SamplingSettings.training(4), 1))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("context");
    WeightedSequence badCompletion = WeightedSequence.of(PROMPTS.get(0),
        TokenSequence.of(1, Integer.MAX_VALUE), 1);
    assertThatThrownBy(() -> policy.logProbs(List.of(badCompletion)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("completion");
    WeightedSequence tooLong = WeightedSequence.of(PROMPTS.get(0), TokenSequence.of(new int[16]),
        1);
    assertThatThrownBy(() -> policy.logProbs(List.of(tooLong)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("context of 16");
    assertThatThrownBy(() -> policy.logits(List.of(TokenSequence.of(1, 2), TokenSequence.of(1))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("length of sequences[0]");
    List<Completion> after = samples(policy, 1, 2);
    assertThat(policy.logProbs(after)[0]).isCloseTo(after.get(0).logProb(), within(1e-5));
  }

  @Test
  void samplingStopsAtTheContext() {
    Prompt nearlyFull = Prompt.of("n", TokenSequence.of(new int[14]));
    Completion c = policy.sample(List.of(nearlyFull, PROMPTS.get(0)),
        SamplingSettings.training(8), 3).get(0);
    assertThat(c.completion().length()).isLessThanOrEqualTo(2);
  }

  @Test
  void missingCorruptAndForeignFilesFailClearly() throws IOException {
    assertThatThrownBy(() -> OnnxPolicy.load(temporary, OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("config");
    CONFIG.write(temporary);
    assertThatThrownBy(() -> OnnxPolicy.load(temporary, OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("does not exist");
    Files.write(temporary.resolve("model.onnx"), new byte[] {8, 1, 18, 99, 1, 2, 3});
    assertThatThrownBy(() -> OnnxPolicy.load(temporary, OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("expected a valid ONNX model");
    MeanEmbeddingRewardExport.write(temporary.resolve("model.onnx"), new float[12][2],
        new float[2][3], new float[3]);
    assertThatThrownBy(() -> OnnxPolicy.load(temporary, OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("HuggingFace-optimum")
        .hasMessageContaining("logits is FLOAT of rank 2, expected FLOAT of rank 3");
  }

  @Test
  void aModelThatBreaksTheConventionIsRejectedWithEveryProblem() throws IOException {
    OnnxGraph g = new OnnxGraph("broken");
    String ids = g.input("input_ids", ElementType.INT64, "batch", "sequence");
    g.input("past_key_values.0.key", ElementType.FLOAT, "batch", 2L, "past", 4L);
    g.input("extra", ElementType.INT64, "batch");
    String logits = g.node("Unsqueeze", List.of(g.node("Cast", List.of(ids),
        OnnxGraph.Attribute.of("to", ElementType.FLOAT.code())), g.longs(2)));
    g.output("logits", logits, ElementType.FLOAT, "batch", "sequence", 1L);
    g.write(temporary.resolve("model.onnx"));
    CONFIG.write(temporary);
    assertThatThrownBy(() -> OnnxPolicy.load(temporary, OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("HuggingFace-optimum")
        .hasMessageContaining("input extra is neither")
        .hasMessageContaining("past_key_values.0.key and .value are expected")
        .hasMessageContaining("output present.0.key is missing")
        .hasMessageContaining("input attention_mask is missing");
  }

  /**
   * A stand-in for optimum's merged decoder: its logits favour token 2 when {@code
   * use_cache_branch} is false and token 1 when it is true, so greedy sampling shows the flag fed.
   */
  @Test
  void aMergedDecoderIsToldWhetherItHasAPast() throws IOException {
    OnnxGraph g = new OnnxGraph("merged");
    String ids = g.input("input_ids", ElementType.INT64, "batch", "sequence");
    g.input("attention_mask", ElementType.INT64, "batch", "total_sequence");
    g.input("position_ids", ElementType.INT64, "batch", "sequence");
    String[] past = {g.input("past_key_values.0.key", ElementType.FLOAT, "batch", 1L, "past", 1L),
        g.input("past_key_values.0.value", ElementType.FLOAT, "batch", 1L, "past", 1L)};
    String branch = g.input("use_cache_branch", ElementType.BOOL, 1L);
    String fresh = g.node("Unsqueeze", List.of(g.node("Cast", List.of(ids),
        OnnxGraph.Attribute.of("to", ElementType.FLOAT.code())), g.longs(1, 3)));
    String[] kinds = {"key", "value"};
    for (int i = 0; i < 2; i++) {
      g.output("present.0." + kinds[i], g.node("Concat", List.of(past[i], fresh),
          OnnxGraph.Attribute.of("axis", 2)), ElementType.FLOAT, "batch", 1L, "total", 1L);
    }
    String row = g.node("Where", List.of(branch,
        g.constant("cached", new long[] {4}, new float[] {0, 5, 0, 0}),
        g.constant("first", new long[] {4}, new float[] {0, 0, 5, 0})));
    String shape = g.node("Concat", List.of(g.node("Shape", List.of(ids)), g.longs(4)),
        OnnxGraph.Attribute.of("axis", 0));
    g.output("logits", g.node("Expand", List.of(row, shape)), ElementType.FLOAT, "batch",
        "sequence", 4L);
    g.write(temporary.resolve("model.onnx"));
    DecoderConfig.gpt2(4, 16, 1, 1, 1, 4, 1e-5, "gelu_new", 3).write(temporary);
    try (OnnxPolicy merged = OnnxPolicy.load(temporary, OnnxOptions.cpu())) {
      SamplingSettings greedy = SamplingSettings.builder().topK(1).maxNewTokens(4).build();
      assertThat(merged.sample(List.of(Prompt.of("p", TokenSequence.of(0, 1))), greedy, 1)
          .get(0).completion()).isEqualTo(TokenSequence.of(2, 1, 1, 1));
    }
  }

  @Test
  void llamaConfigsDescribeTheDecoderAndItsCache() throws IOException {
    Files.copy(baked.resolve("model.onnx"), temporary.resolve("model.onnx"));
    Files.writeString(temporary.resolve("config.json"), "{\"model_type\": \"llama\","
        + " \"vocab_size\": 12, \"eos_token_id\": [11, 4], \"max_position_embeddings\": 16,"
        + " \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"hidden_size\": 16,"
        + " \"intermediate_size\": 32}");
    List<Completion> sequences = samples(policy, 1, 5);
    try (OnnxPolicy generic = OnnxPolicy.load(temporary, OnnxOptions.cpu())) {
      assertThat(generic.eosToken()).isEqualTo(11);
      assertThat(generic.maxSequenceLength()).isEqualTo(16);
      assertThat(generic.logProbs(sequences)).containsExactly(policy.logProbs(sequences),
          within(1e-6));
    }
    Files.writeString(temporary.resolve("config.json"), "{\"model_type\": \"llama\","
        + " \"vocab_size\": 12, \"eos_token_id\": 11, \"max_position_embeddings\": 16,"
        + " \"num_hidden_layers\": 3, \"num_attention_heads\": 2, \"hidden_size\": 16,"
        + " \"intermediate_size\": 32}");
    assertThatThrownBy(() -> OnnxPolicy.load(temporary, OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("the config says 3 layers");
    Files.writeString(temporary.resolve("config.json"), "{\"model_type\": \"llama\","
        + " \"eos_token_id\": \"end\"}");
    assertThatThrownBy(() -> OnnxPolicy.load(temporary, OnnxOptions.cpu()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("vocab_size")
        .hasMessageContaining("eos_token_id").hasMessageContaining("max_position_embeddings");
  }

  @Test
  void aConfigThatDoesNotMatchTheModelIsRejected() throws IOException {
    DecoderOnnxExport.export(CONFIG, values, temporary, Weights.BAKED);
    DecoderConfig.gpt2(12, 16, 16, 3, 2, 32, 1e-5, "gelu_new", 11).write(temporary);
    assertThatThrownBy(() -> OnnxPolicy.load(temporary, OnnxOptions.cpu()))
        .isInstanceOf(BondException.class).hasMessageContaining("does not fit")
        .hasMessageContaining("2 layers");
  }

  @Test
  void cudaFailsClearlyWithoutItsProviderUnlessFallbackIsAllowed() {
    OnnxOptions cuda = OnnxOptions.cpu().withDevice("cuda:0");
    assertThatThrownBy(() -> OnnxPolicy.load(baked, cuda)).isInstanceOf(BondException.class)
        .hasMessageContaining("cuda:0").hasMessageContaining("CUDA execution provider")
        .hasMessageContaining("cpuFallback");
    try (OnnxPolicy fallback = OnnxPolicy.load(baked, cuda.withCpuFallback(true))) {
      List<? extends PromptedSequence> sequences = samples(policy, 1, 8);
      assertThat(fallback.logProbs(sequences)).containsExactly(policy.logProbs(sequences),
          within(1e-6));
    }
  }

  @Test
  void optionsReportEveryProblem() {
    assertThatThrownBy(() -> new OnnxOptions(null, 0, false, null, false, 0))
        .isInstanceOf(InvalidArgumentException.class)
        .satisfies(e -> assertThat(((InvalidArgumentException) e).problems()).hasSize(4));
    assertThat(OnnxOptions.cpu().withDevice("cuda:3").cudaDevice()).isEqualTo(3);
    assertThat(OnnxOptions.cpu().cudaDevice()).isEqualTo(-1);
    assertThatThrownBy(() -> OnnxOptions.cpu().withDevice("gpu"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("cuda:N");
  }
}
