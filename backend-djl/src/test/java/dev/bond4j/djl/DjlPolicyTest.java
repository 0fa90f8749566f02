package dev.bond4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.SafeTensor;
import dev.bond4j.decoder.SafeTensors;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.Precision;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlPolicyTest {
  private static final DecoderConfig CONFIG = DecoderConfig.gpt2(20, 24, 32, 2, 4);
  private static DjlPolicy policy;

  @TempDir Path directory;

  /** A policy trained away from its near-uniform initialisation, so that errors show. */
  @BeforeAll
  static void train() {
    policy = DjlPolicy.create(CONFIG, 3,
        OptimizerSettings.builder().learningRate(0.05).build(), BackendOptions.defaults());
    List<WeightedSequence> batch = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(WeightedSequence.of(Prompt.of("p" + i, TokenSequence.of(i, i + 1)),
          TokenSequence.of(2 * i, 3, 5, i, CONFIG.eosToken()), 1.0));
    }
    for (int step = 0; step < 5; step++) {
      policy.update(batch);
    }
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
  void kvCacheSamplingMatchesFullRecomputationUnderLeftPadding() {
    List<Completion> samples = policy.sample(promptsOfDifferentLengths(),
        SamplingSettings.training(10), 42);
    int v = CONFIG.vocabularySize();
    for (Completion c : samples) {
      TokenSequence all = c.prompt().tokens().concat(c.completion());
      float[] logits = policy.logits(List.of(all));
      int promptLength = c.prompt().tokens().length();
      for (int t = 0; t < c.completion().length(); t++) {
        int position = promptLength - 1 + t;
        double max = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < v; u++) {
          max = Math.max(max, logits[position * v + u]);
        }
        double sum = 0;
        for (int u = 0; u < v; u++) {
          sum += Math.exp(logits[position * v + u] - max);
        }
        double expected = logits[position * v + c.completion().get(t)] - max - Math.log(sum);
        assertThat(c.tokenLogProbs()[t]).as("%s token %d", c.prompt().id(), t)
            .isCloseTo(expected, within(1e-5));
      }
    }
  }

  @Test
  void samplesAreTheSameAloneOrInABatch() {
    SamplingSettings greedy = SamplingSettings.builder().topK(1).maxNewTokens(8).build();
    List<Completion> batch = policy.sample(promptsOfDifferentLengths(), greedy, 1);
    for (int i = 0; i < batch.size(); i++) {
      Completion alone = policy.sample(List.of(promptsOfDifferentLengths().get(i)), greedy, 1)
          .get(0);
      assertThat(batch.get(i).completion()).isEqualTo(alone.completion());
    }
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
    assertThatThrownBy(() -> DjlPolicy.create(CONFIG, 1, OptimizerSettings.defaults(),
        BackendOptions.on("cuda:7")))
        .isInstanceOf(BondException.class).hasMessageContaining("cuda:7 is not available");
  }

  @Test
  void bf16ScoresCloseToFloat32AndSamplesConsistentlyWithItsOwnScores() {
    policy.save(directory);
    List<Completion> samples = policy.sample(promptsOfDifferentLengths(),
        SamplingSettings.training(10), 42);
    try (DjlPolicy half = DjlPolicy.load(directory, OptimizerSettings.defaults(),
        BackendOptions.builder().precision(Precision.BF16).build())) {
      double[] full = policy.logProbs(samples);
      double[] low = half.logProbs(samples);
      double largest = 0;
      for (int i = 0; i < full.length; i++) {
        assertThat(low[i]).isCloseTo(full[i], within(0.02 * (1 + Math.abs(full[i]))));
        largest = Math.max(largest, Math.abs(low[i] - full[i]));
      }
      assertThat(largest).as("bfloat16 products round differently from float32").isPositive();
      for (Completion c : half.sample(promptsOfDifferentLengths(), SamplingSettings.training(10),
          7)) {
        double sampled = 0;
        for (double lp : c.tokenLogProbs()) {
          sampled += lp;
        }
        assertThat(half.logProbs(List.of(c))[0]).isCloseTo(sampled,
            within(0.02 * (1 + Math.abs(sampled))));
      }
    }
    assertThatThrownBy(() -> Precision.parse("fp16"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("precision");
  }

  @Test
  void runsOfflineWithTheConfiguredThreads() {
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    assertThat(JniUtils.getNumThreads()).isEqualTo(1);
  }

  @Test
  void savesAHuggingFaceFolderThatLoadsAsASnapshot() {
    policy.save(directory);
    assertThat(directory.resolve("config.json")).exists();
    assertThat(directory.resolve("model.safetensors")).exists();
    try (DjlSnapshot snapshot = DjlSnapshot.load(directory, BackendOptions.defaults());
        DjlPolicy fresh = DjlPolicy.load(directory, OptimizerSettings.defaults(),
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
    try (DjlSnapshot saved = policy.snapshot();
        DjlSnapshot other = DjlPolicy.create(CONFIG, 99, OptimizerSettings.defaults(),
            BackendOptions.defaults()).snapshot()) {
      saved.save(directory);
      assertThat(other.parameters()).isNotEqualTo(saved.parameters());
      other.restore(directory);
      assertThat(other.parameters()).containsExactly(saved.parameters());
    }
    try (DjlSnapshot small = DjlPolicy.create(DecoderConfig.gpt2(20, 24, 16, 1, 2), 1,
        OptimizerSettings.defaults(), BackendOptions.defaults()).snapshot()) {
      assertThatThrownBy(() -> small.restore(directory)).hasMessageContaining("config in");
    }
  }

  @Test
  void refusesACheckpointMixedFromTwoSaves() throws IOException {
    Path first = directory.resolve("first");
    policy.save(first);
    Path second = directory.resolve("second");
    try (DjlPolicy other = DjlPolicy.create(CONFIG, 99, OptimizerSettings.defaults(),
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
    tensors.put("h.9.attn.c_attn.weight", SafeTensor.ofFloats(new long[] {1}, new float[1]));
    new SafeTensors(tensors, Map.of()).write(file);
    assertThatThrownBy(() -> DjlSnapshot.load(directory, BackendOptions.defaults()))
        .isInstanceOf(BondException.class)
        .hasMessageContaining("h.1.ln_2.bias is missing")
        .hasMessageContaining("wpe.weight has shape [2, 2], expected [24, 32]")
        .hasMessageContaining("unexpected tensors [h.9.attn.c_attn.weight]");
  }

  @Test
  void refusesWeightsOfAnotherConfig() {
    policy.save(directory);
    DecoderConfig.gpt2(20, 24, 32, 3, 4, 128, 1e-5, "gelu_new", 19).write(directory);
    assertThatThrownBy(() -> DjlSnapshot.load(directory, BackendOptions.defaults()))
        .isInstanceOf(BondException.class).hasMessageContaining("h.2.ln_1.weight is missing");
    assertThatThrownBy(() -> policy.load(directory)).isInstanceOf(BondException.class);
  }

  @Test
  void loadsHuggingFaceNamesWithTheTransformerPrefixAndIgnoresBuffers() {
    policy.save(directory);
    Path file = directory.resolve("model.safetensors");
    Map<String, SafeTensor> tensors = new LinkedHashMap<>();
    SafeTensors.read(file).tensors().forEach((name, t) -> tensors.put("transformer." + name, t));
    tensors.put("transformer.h.0.attn.bias", SafeTensor.ofFloats(new long[] {1}, new float[1]));
    tensors.put("lm_head.weight", tensors.get("transformer.wte.weight"));
    new SafeTensors(tensors, Map.of()).write(file);
    try (DjlSnapshot snapshot = DjlSnapshot.load(directory, BackendOptions.defaults())) {
      assertThat(snapshot.parameters()).containsExactly(policy.parameters());
    }
  }

  @Test
  void releasesTheNativeMemoryOfEveryCall() {
    NDManager manager = policy.parametersInternal().manager;
    List<Completion> samples = policy.sample(promptsOfDifferentLengths(),
        SamplingSettings.training(6), 9);
    List<WeightedSequence> batch = new ArrayList<>();
    samples.forEach(c -> batch.add(WeightedSequence.of(c, 0.0)));
    policy.update(batch);
    int before = manager.getManagedArrays().size();
    for (int i = 0; i < 3; i++) {
      policy.sample(promptsOfDifferentLengths(), SamplingSettings.training(6), i);
      policy.logProbs(samples);
      policy.update(batch);
      try (DjlSnapshot snapshot = policy.snapshot()) {
        snapshot.moveToward(policy, 0.5);
      }
    }
    assertThat(manager.getManagedArrays()).hasSize(before);
  }

  @Test
  void snapshotFollowsOnlyADjlPolicyOfTheSameShape() {
    try (DjlSnapshot snapshot = policy.snapshot();
        DjlPolicy other = DjlPolicy.create(DecoderConfig.gpt2(20, 24, 16, 1, 2), 1,
            OptimizerSettings.defaults(), BackendOptions.defaults())) {
      assertThatThrownBy(() -> snapshot.moveToward(other, 0.5))
          .isInstanceOf(InvalidArgumentException.class);
    }
  }
}
