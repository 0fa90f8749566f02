package dev.bond4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.model.Tokenizer;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.onnx.export.DecoderOnnxExport;
import dev.bond4j.onnx.export.DecoderOnnxExport.Weights;
import dev.bond4j.onnx.export.MeanEmbeddingRewardExport;
import dev.bond4j.onnx.export.OnnxGraph;
import dev.bond4j.onnx.export.OnnxGraph.ElementType;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract of {@link OnnxRewardModel} on a mean-embedding classifier with known weights. */
class OnnxRewardModelTest {
  private static final int VOCAB = 10;
  private static final int D = 3;
  private static final int LABELS = 3;
  private static final float[][] EMBEDDING = new float[VOCAB][D];
  private static final float[][] HEAD = new float[D][LABELS];
  private static final float[] BIAS = {0.1f, -0.2f, 0.3f};
  @TempDir
  static Path directory;
  private static Path classifier;
  private static OnnxRewardModel reward;

  @BeforeAll
  static void write() {
    SplittableRandom random = new SplittableRandom(7);
    for (float[] row : EMBEDDING) {
      for (int j = 0; j < D; j++) {
        row[j] = (float) (2 * random.nextDouble() - 1);
      }
    }
    for (float[] row : HEAD) {
      for (int j = 0; j < LABELS; j++) {
        row[j] = (float) (2 * random.nextDouble() - 1);
      }
    }
    classifier = directory.resolve("classifier.onnx");
    MeanEmbeddingRewardExport.write(classifier, EMBEDDING, HEAD, BIAS);
    reward = builder(classifier).labelIndex(1).build();
  }

  @AfterAll
  static void close() {
    reward.close();
  }

  private static OnnxRewardModel.Builder builder(Path file) {
    return OnnxRewardModel.builder(file).vocabularySize(VOCAB).maxLength(12);
  }

  /** The model's formula in double precision. */
  private static double expected(TokenSequence tokens, int label) {
    double score = BIAS[label];
    for (int j = 0; j < D; j++) {
      double mean = 0;
      for (int t = 0; t < tokens.length(); t++) {
        mean += EMBEDDING[tokens.get(t)][j];
      }
      score += mean / tokens.length() * HEAD[j][label];
    }
    return score;
  }

  private static List<TokenSequence> sequences() {
    return List.of(TokenSequence.of(1), TokenSequence.of(2, 3, 9, 9, 0),
        TokenSequence.of(4, 4), TokenSequence.of(8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3));
  }

  @Test
  void scoresAreTheChosenLabelOfTheModel() {
    List<TokenSequence> sequences = sequences();
    double[] scores = reward.scoreTokens(sequences);
    for (int i = 0; i < sequences.size(); i++) {
      assertThat(scores[i]).isCloseTo(expected(sequences.get(i), 1), within(1e-5));
    }
    try (OnnxRewardModel other = builder(classifier).labelIndex(2).build()) {
      assertThat(other.scoreTokens(sequences)[1]).isCloseTo(expected(sequences.get(1), 2),
          within(1e-5));
    }
  }

  @Test
  void paddingAndBatchingDoNotChangeAScore() {
    List<TokenSequence> sequences = sequences();
    double[] together = reward.scoreTokens(sequences);
    for (int i = 0; i < sequences.size(); i++) {
      assertThat(reward.scoreTokens(List.of(sequences.get(i)))[0])
          .isCloseTo(together[i], within(1e-6));
    }
    try (OnnxRewardModel small = builder(classifier).labelIndex(1)
        .options(OnnxOptions.cpu().withMaxBatch(3)).build()) {
      List<TokenSequence> many = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        many.addAll(sequences);
      }
      double[] split = small.scoreTokens(many);
      for (int i = 0; i < many.size(); i++) {
        assertThat(split[i]).isCloseTo(together[i % sequences.size()], within(1e-6));
      }
    }
  }

  @Test
  void aPairIsScoredAsThePromptFollowedByTheCompletion() {
    WeightedSequence pair = WeightedSequence.of(Prompt.of("p", TokenSequence.of(2, 3)),
        TokenSequence.of(9, 9, 0), 1);
    assertThat(reward.score(List.of(pair))[0])
        .isCloseTo(reward.scoreTokens(List.of(TokenSequence.of(2, 3, 9, 9, 0)))[0], within(0.0));
  }

  @Test
  void aScalarHeadNeedsNoLabel(@TempDir Path temporary) {
    Path scalar = temporary.resolve("scalar.onnx");
    MeanEmbeddingRewardExport.write(scalar, EMBEDDING, new float[][] {{1}, {0}, {0}},
        new float[] {0.5f});
    try (OnnxRewardModel model = builder(scalar).build()) {
      TokenSequence tokens = TokenSequence.of(3, 5);
      assertThat(model.scoreTokens(List.of(tokens))[0]).isCloseTo(
          0.5 + (EMBEDDING[3][0] + EMBEDDING[5][0]) / 2.0, within(1e-6));
    }
  }

  @Test
  void aRankOneScoreWithTokenTypesAndNoMaskIsAScalarHead(@TempDir Path temporary) {
    OnnxGraph g = new OnnxGraph("sum_of_ids");
    String ids = g.input("input_ids", ElementType.INT64, "batch", "sequence");
    String types = g.input("token_type_ids", ElementType.INT64, "batch", "sequence");
    String sum = g.node("ReduceSum", List.of(g.node("Add", List.of(ids, types)), g.longs(1)),
        OnnxGraph.Attribute.of("keepdims", 0));
    g.output("score", g.node("Cast", List.of(sum),
        OnnxGraph.Attribute.of("to", ElementType.FLOAT.code())), ElementType.FLOAT, "batch");
    Path file = temporary.resolve("sum.onnx");
    g.write(file);
    try (OnnxRewardModel model = builder(file).outputName("score").build()) {
      assertThat(model.scoreTokens(List.of(TokenSequence.of(1, 2, 3), TokenSequence.of(9))))
          .containsExactly(6.0, 9.0);
    }
    assertThatThrownBy(() -> builder(file).outputName("score").labelIndex(0).build())
        .isInstanceOf(BondException.class).hasMessageContaining("scalar head [batch]");
  }

  @Test
  void modelsThatDoNotFitAreRejectedWhenBuilt() {
    assertThatThrownBy(() -> builder(classifier).build()).isInstanceOf(BondException.class)
        .hasMessageContaining("3 labels").hasMessageContaining("labelIndex");
    assertThatThrownBy(() -> builder(classifier).labelIndex(3).build())
        .isInstanceOf(BondException.class).hasMessageContaining("labelIndex 3 is outside");
    assertThatThrownBy(() -> builder(classifier).labelIndex(0).outputName("scores").build())
        .isInstanceOf(BondException.class).hasMessageContaining("output scores is missing")
        .hasMessageContaining("[logits]");
    Tokenizer wide = new Tokenizer() {
      @Override
      public TokenSequence encode(String text) {
        return TokenSequence.empty();
      }

      @Override
      public String decode(TokenSequence tokens) {
        return "";
      }

      @Override
      public int vocabularySize() {
        return 50;
      }

      @Override
      public int eosToken() {
        return 49;
      }
    };
    assertThatThrownBy(() -> builder(classifier).labelIndex(0).tokenizer(wide).build())
        .isInstanceOf(BondException.class).hasMessageContaining("tokenizer produces 50 ids");
    assertThatThrownBy(() -> OnnxRewardModel.builder(classifier).labelIndex(-2).padToken(-1)
        .build()).isInstanceOf(InvalidArgumentException.class)
        .satisfies(e -> assertThat(((InvalidArgumentException) e).problems()).hasSize(4));
  }

  @Test
  void aGpt2ClassifierWithTheTiedHeadScoresTheMeanOfTheDecoderLogits(@TempDir Path temporary) {
    DecoderConfig config = DecoderConfig.gpt2(VOCAB, 16, 8, 2, 2);
    float[] values = TinyModels.sharpened(config, 3, 4f);
    float[][] head = new float[8][VOCAB];
    for (int token = 0; token < VOCAB; token++) {
      for (int j = 0; j < 8; j++) {
        head[j][token] = values[token * 8 + j];
      }
    }
    Path file = temporary.resolve("classifier.onnx");
    DecoderOnnxExport.exportClassifier(config, values, head, new float[VOCAB], file);
    List<TokenSequence> sequences = sequences();
    try (OnnxRewardModel model = OnnxRewardModel.builder(file).vocabularySize(VOCAB)
        .maxLength(16).labelIndex(4).build();
        OnnxPolicy decoder = OnnxPolicy.load(TinyModels.decoder(config, values, Weights.BAKED),
            OnnxOptions.cpu())) {
      double[] scores = model.scoreTokens(sequences);
      for (int i = 0; i < sequences.size(); i++) {
        TokenSequence tokens = sequences.get(i);
        float[] logits = decoder.logits(List.of(tokens));
        double mean = 0;
        for (int t = 0; t < tokens.length(); t++) {
          mean += logits[t * VOCAB + 4] / tokens.length();
        }
        assertThat(scores[i]).as("sequence %d", i).isCloseTo(mean, within(1e-4));
      }
    }
  }

  @Test
  void aDecoderIsNotARewardModel() {
    DecoderConfig config = DecoderConfig.gpt2(VOCAB, 8, 4, 1, 1);
    Path decoder = TinyModels.decoder(config, TinyModels.sharpened(config, 1, 1f), Weights.BAKED);
    assertThatThrownBy(() -> builder(decoder.resolve("model.onnx")).build())
        .isInstanceOf(BondException.class).hasMessageContaining("past_key_values.0.key")
        .hasMessageContaining("position_ids");
  }

  @Test
  void corruptAndMissingFilesFailClearly(@TempDir Path temporary) throws IOException {
    assertThatThrownBy(() -> builder(temporary.resolve("absent.onnx")).labelIndex(0).build())
        .isInstanceOf(BondException.class).hasMessageContaining("does not exist");
    Path corrupt = temporary.resolve("corrupt.onnx");
    byte[] bytes = Files.readAllBytes(classifier);
    Files.write(corrupt, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> builder(corrupt).labelIndex(0).build())
        .isInstanceOf(BondException.class).hasMessageContaining("expected a valid ONNX model");
    Path text = temporary.resolve("text.onnx");
    Files.writeString(text, "not a model at all");
    assertThatThrownBy(() -> builder(text).labelIndex(0).build())
        .isInstanceOf(BondException.class).hasMessageContaining("expected a valid ONNX model");
  }

  @Test
  void badTokensAreRejectedInJavaAndTheSessionStaysUsable() {
    assertThatThrownBy(() -> reward.scoreTokens(List.of(TokenSequence.of(1), TokenSequence.of(10))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("sequences[1]")
        .hasMessageContaining("[0, 10)");
    assertThatThrownBy(() -> reward.scoreTokens(List.of(TokenSequence.of(new int[13]))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("maxLength = 12");
    assertThatThrownBy(() -> reward.scoreTokens(List.of(TokenSequence.empty())))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least one token");
    assertThat(reward.scoreTokens(List.of(TokenSequence.of(4, 4)))[0])
        .isCloseTo(expected(TokenSequence.of(4, 4), 1), within(1e-5));
    assertThat(reward.scoreTokens(List.of())).isEmpty();
  }

  @Test
  void closingAUsedModelFreesItsNativeObjectsAndClosingTwiceIsHarmless() {
    OnnxBackend backend = new OnnxBackend();
    long before = backend.liveNativeObjects().orElseThrow();
    OnnxRewardModel other = builder(classifier).labelIndex(2).build();
    other.scoreTokens(sequences());
    assertThat(backend.liveNativeObjects()).as("its session").hasValue(before + 1);
    other.close();
    assertThat(backend.liveNativeObjects()).hasValue(before);
    other.close();
    assertThat(backend.liveNativeObjects()).hasValue(before);
  }
}
