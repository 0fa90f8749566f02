package dev.bond4j.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.SafeTensor;
import dev.bond4j.decoder.SafeTensors;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Dl4jPolicyTest {
  private static final DecoderConfig CONFIG = DecoderConfig.gpt2(20, 24, 32, 2, 4);
  private static Dl4jPolicy policy;

  @TempDir Path directory;

  /** A policy trained away from its near-uniform initialisation, so that errors show. */
  @BeforeAll
  static void train() {
    policy = Dl4jPolicy.create(CONFIG, 3,
        OptimizerSettings.builder().learningRate(0.05).build(), BackendOptions.defaults());
    for (int step = 0; step < 5; step++) {
      policy.update(batch(1.0));
    }
  }

  private static List<WeightedSequence> batch(double weight) {
    List<WeightedSequence> batch = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(WeightedSequence.of(Prompt.of("p" + i, TokenSequence.of(i, i + 1)),
          TokenSequence.of(2 * i, 3, 5, i, CONFIG.eosToken()), weight));
    }
    return batch;
  }

  @AfterAll
  static void close() {
    policy.close();
  }

  private static List<Prompt> promptsOfDifferentLengths() {
    return List.of(Prompt.of("one", TokenSequence.of(4)),
        Prompt.of("five", TokenSequence.of(1, 2, 3, 4, 5)),
        Prompt.of("nine", TokenSequence.of(9, 8, 7, 6, 5, 4, 3, 2, 1)));
  }

  @Test
  void isFoundByNameAndMakesPoliciesOfTheRequestedShape() {
    Backend backend = ServiceLoader.load(Backend.class).stream().map(ServiceLoader.Provider::get)
        .filter(b -> b.name().equals("dl4j")).findFirst().orElseThrow();
    ModelShape shape = ModelShape.builder().vocabularySize(30).eosToken(29).contextLength(16)
        .dModel(24).layers(1).heads(3).build();
    TrainablePolicy created = backend.create(shape, BackendOptions.defaults(),
        OptimizerSettings.defaults(), 5);
    try (Dl4jPolicy dl4j = (Dl4jPolicy) created) {
      assertThat(dl4j.config()).isEqualTo(DecoderConfig.gpt2(30, 16, 24, 1, 3, 96, 1e-5, "gelu_new",
          29));
    }
  }

  @Test
  void samplesAreTheSameAloneOrInABatchOfDifferentLengths() {
    List<Completion> batch = policy.sample(promptsOfDifferentLengths(),
        SamplingSettings.training(6), 4);
    double[] recomputed = policy.logProbs(batch);
    for (int i = 0; i < batch.size(); i++) {
      assertThat(recomputed[i]).isCloseTo(batch.get(i).logProb(),
          Assertions.within(2e-5));
    }
    List<Completion> alone = policy.sample(List.of(promptsOfDifferentLengths().get(1)),
        SamplingSettings.builder().topK(1).maxNewTokens(6).build(), 4);
    List<Completion> together = policy.sample(promptsOfDifferentLengths(),
        SamplingSettings.builder().topK(1).maxNewTokens(6).build(), 4);
    assertThat(together.get(1).completion()).isEqualTo(alone.get(0).completion());
  }

  @Test
  void stopsAtTheContextLength() {
    int[] ids = new int[CONFIG.maxPositions() - 2];
    List<Completion> samples = policy.sample(List.of(Prompt.of("long", TokenSequence.of(ids))),
        SamplingSettings.training(10), 1);
    assertThat(samples.get(0).completion().length()).isLessThanOrEqualTo(2);
  }

  @Test
  void rejectsPromptsThatLeaveNoRoomAndEmptyPrompts() {
    Prompt full = Prompt.of("full", TokenSequence.of(new int[CONFIG.maxPositions()]));
    assertThatThrownBy(() -> policy.sample(List.of(full), SamplingSettings.training(1), 1))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("context");
    Prompt empty = Prompt.of("empty", TokenSequence.empty());
    assertThatThrownBy(() -> policy.sample(List.of(empty), SamplingSettings.training(1), 1))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least one token");
  }

  @Test
  void rejectsUnknownAndUnavailableDevices() {
    assertThatThrownBy(() -> BackendOptions.on("tpu:0"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("cuda:N");
    assertThatThrownBy(() -> Dl4jPolicy.create(CONFIG, 1, OptimizerSettings.defaults(),
        BackendOptions.on("cuda:7")))
        .isInstanceOf(BondException.class).hasMessageContaining("cuda:7 is not available")
        .hasMessageContaining("use device \"cpu\"");
  }

  @Test
  void savesAHuggingFaceFolderThatLoadsAsASnapshot() {
    policy.save(directory);
    try (Dl4jSnapshot snapshot = Dl4jSnapshot.load(directory, BackendOptions.defaults());
        Dl4jPolicy fresh = Dl4jPolicy.load(directory, OptimizerSettings.defaults(),
            BackendOptions.defaults())) {
      assertThat(snapshot.parameters()).containsExactly(policy.parameters());
      assertThat(fresh.steps()).isEqualTo(policy.steps());
      snapshot.save(directory.resolve("copy"));
      assertThat(SafeTensors.read(directory.resolve("copy/model.safetensors")).tensors())
          .containsOnlyKeys(policy.parameterNames());
    }
  }

  @Test
  void aSnapshotRestoresWhatItSavedInPlace() {
    try (Dl4jSnapshot saved = policy.snapshot();
        Dl4jPolicy other = Dl4jPolicy.create(CONFIG, 99, OptimizerSettings.defaults(),
            BackendOptions.defaults());
        Dl4jSnapshot otherSnapshot = other.snapshot()) {
      saved.save(directory);
      assertThat(otherSnapshot.parameters()).isNotEqualTo(saved.parameters());
      otherSnapshot.restore(directory);
      assertThat(otherSnapshot.parameters()).containsExactly(saved.parameters());
      assertThat(otherSnapshot.logProbs(batch(1))).containsExactly(saved.logProbs(batch(1)));
    }
  }

  @Test
  void refusesACheckpointMixedFromTwoSaves() throws IOException {
    Path first = directory.resolve("first");
    policy.save(first);
    Path second = directory.resolve("second");
    try (Dl4jPolicy other = Dl4jPolicy.create(CONFIG, 99, OptimizerSettings.defaults(),
        BackendOptions.defaults())) {
      other.save(second);
    }
    Files.copy(first.resolve("optimizer.safetensors"), second.resolve("optimizer.safetensors"),
        StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> policy.load(second)).isInstanceOf(BondException.class)
        .hasMessageContaining("different saves");
  }

  @Test
  void namesMissingAndMisshapenTensors() {
    policy.save(directory);
    Path file = directory.resolve("model.safetensors");
    Map<String, SafeTensor> tensors = new LinkedHashMap<>(SafeTensors.read(file).tensors());
    tensors.remove("h.1.ln_2.bias");
    tensors.put("wpe.weight", SafeTensor.ofFloats(new long[] {2, 2}, new float[4]));
    new SafeTensors(tensors, Map.of()).write(file);
    assertThatThrownBy(() -> Dl4jSnapshot.load(directory, BackendOptions.defaults()))
        .isInstanceOf(BondException.class)
        .hasMessageContaining("h.1.ln_2.bias is missing")
        .hasMessageContaining("wpe.weight has shape [2, 2], expected [24, 32]");
  }

  @Test
  void refusesAMalformedSafetensorsFile() throws IOException {
    policy.save(directory);
    Files.write(directory.resolve("model.safetensors"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Dl4jSnapshot.load(directory, BackendOptions.defaults()))
        .isInstanceOf(BondException.class).hasMessageContaining("model.safetensors");
  }

  @Test
  void refusesWeightsOfAnotherConfig() {
    policy.save(directory);
    DecoderConfig.gpt2(20, 24, 32, 3, 4, 128, 1e-5, "gelu_new", 19).write(directory);
    assertThatThrownBy(() -> Dl4jSnapshot.load(directory, BackendOptions.defaults()))
        .isInstanceOf(BondException.class).hasMessageContaining("h.2.ln_1.weight is missing");
    assertThatThrownBy(() -> policy.load(directory)).isInstanceOf(BondException.class);
  }

  @Test
  void snapshotFollowsOnlyADl4jPolicyOfTheSameShape() {
    try (Dl4jSnapshot snapshot = policy.snapshot();
        Dl4jPolicy other = Dl4jPolicy.create(DecoderConfig.gpt2(20, 24, 16, 1, 2), 1,
            OptimizerSettings.defaults(), BackendOptions.defaults())) {
      assertThatThrownBy(() -> snapshot.moveToward(other, 0.5))
          .isInstanceOf(InvalidArgumentException.class);
    }
  }

  @Test
  void printsNothingToStdoutWhenTheApplicationAsksForTheFilter() {
    assertThat(stdoutOfAFreshPolicy(BackendOptions.builder().filterEngineStdout(true).build()))
        .isEmpty();
  }

  @Test
  void leavesStdoutAloneByDefault() {
    assertThat(stdoutOfAFreshPolicy(BackendOptions.defaults()))
        .as("SameDiff's own chatter, which only an application may decide to filter")
        .contains("Added differentiated op");
  }

  /** What a fresh policy made with {@code options} prints to stdout while it samples and trains. */
  private static String stdoutOfAFreshPolicy(BackendOptions options) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Dl4jPolicy fresh = Dl4jPolicy.create(DecoderConfig.gpt2(12, 16, 16, 1, 2), 8,
        OptimizerSettings.defaults(), options)) {
      List<Completion> samples = fresh.sample(promptsOfDifferentLengths().subList(0, 1),
          SamplingSettings.training(4), 1);
      fresh.update(List.of(WeightedSequence.of(samples.get(0), 1.0)));
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
