package dev.bond4j.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.decoder.SafeTensor;
import dev.bond4j.decoder.SafeTensors;
import dev.bond4j.decoder.TrainableDecoderPolicy;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An engine against the LoRA golden fixtures of {@code tests/golden/make_tiny_lora.py}: PEFT
 * adapter folders (hand-written PEFT math in PyTorch) over the tiny GPT-2 and Qwen2 fixtures. The
 * adapted model's logits and completion log-probabilities match PyTorch's; an adapter loaded and
 * saved again has PEFT's tensor names and the same values; the reference is the base; merged into
 * the base and written as a model folder it gives the same logits; an update moves only the
 * adapter, and the anchor moved toward the policy is the base plus the EMA of the factors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LoraGoldenContract {
  /** Opens a model or adapter folder as a frozen model. */
  abstract DecoderPolicy<?> open(Path folder);

  /** Opens a model or adapter folder as a trainable policy. */
  abstract TrainableDecoderPolicy<?> openTrainable(Path folder, OptimizerSettings settings);

  static Path adapter(String fixture) {
    return GoldenFixtureContract.folder(fixture.replace("-lora", "")).resolveSibling(fixture);
  }

  static List<TokenSequence> sequences(JsonObject reference) {
    List<TokenSequence> sequences = new ArrayList<>();
    for (var row : reference.getAsJsonArray("sequences")) {
      sequences.add(TokenSequence.of(GoldenFixtureContract.ints(row.getAsJsonArray())));
    }
    return sequences;
  }

  /** Each sequence as a one-token prompt and its next five tokens, weight 1. */
  static List<WeightedSequence> batch(List<TokenSequence> sequences) {
    List<WeightedSequence> batch = new ArrayList<>();
    for (TokenSequence sequence : sequences) {
      int[] tokens = sequence.toArray();
      batch.add(WeightedSequence.of(Prompt.of("p", TokenSequence.of(tokens[0])),
          TokenSequence.of(Arrays.copyOfRange(tokens, 1, 6)), 1.0));
    }
    return batch;
  }

  static void assertLogits(float[] logits, JsonArray expected, String what) {
    assertThat(logits).hasSize(expected.size());
    double maxDifference = 0;
    for (int i = 0; i < logits.length; i++) {
      maxDifference = Math.max(maxDifference, Math.abs(logits[i] - expected.get(i).getAsDouble()));
    }
    assertThat(maxDifference).as(what).isLessThan(1e-4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void adaptedLogitsAndLogProbsMatchPyTorch(String fixture) throws Exception {
    Path folder = adapter(fixture);
    JsonObject reference = GoldenFixtureContract.reference(folder);
    try (DecoderPolicy<?> model = open(folder)) {
      assertLogits(model.logits(sequences(reference)), reference.getAsJsonArray("logits"),
          fixture);
      int prompt = reference.get("prompt_length").getAsInt();
      List<WeightedSequence> split = new ArrayList<>();
      for (TokenSequence sequence : sequences(reference)) {
        int[] tokens = sequence.toArray();
        split.add(WeightedSequence.of(Prompt.of("p", TokenSequence.of(
            Arrays.copyOf(tokens, prompt))), TokenSequence.of(
                Arrays.copyOfRange(tokens, prompt, tokens.length)), 1));
      }
      double[] logProbs = model.logProbs(split);
      JsonArray expected = reference.getAsJsonArray("completion_log_probs");
      for (int i = 0; i < logProbs.length; i++) {
        assertThat(logProbs[i]).as(fixture).isCloseTo(expected.get(i).getAsDouble(),
            offset(1e-3));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void savedAdapterHasPeftNamesShapesAndValues(String fixture, @TempDir Path out)
      throws Exception {
    Path folder = adapter(fixture);
    try (TrainableDecoderPolicy<?> policy = openTrainable(folder, OptimizerSettings.defaults())) {
      policy.save(out);
    }
    Map<String, SafeTensor> original = SafeTensors.read(folder.resolve(
        LoraCheckpoint.ADAPTER_FILE)).tensors();
    Map<String, SafeTensor> saved = SafeTensors.read(out.resolve(LoraCheckpoint.ADAPTER_FILE))
        .tensors();
    assertThat(saved.keySet()).containsExactlyInAnyOrderElementsOf(original.keySet());
    original.forEach((name, tensor) -> {
      assertThat(saved.get(name).shape()).as(name).containsExactly(tensor.shape());
      assertThat(saved.get(name).toFloats()).as(name).containsExactly(tensor.toFloats());
    });
    JsonObject config = JsonParser.parseString(Files.readString(out.resolve(
        LoraCheckpoint.CONFIG_FILE))).getAsJsonObject();
    JsonObject expected = JsonParser.parseString(Files.readString(folder.resolve(
        LoraCheckpoint.CONFIG_FILE))).getAsJsonObject();
    for (String key : List.of("peft_type", "task_type", "r", "lora_alpha", "lora_dropout",
        "target_modules", "bias", "fan_in_fan_out")) {
      assertThat(config.get(key)).as(key).isEqualTo(expected.get(key));
    }
    assertThat(Path.of(config.get("base_model_name_or_path").getAsString()))
        .isEqualTo(LoraCheckpoint.baseModel(folder));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void referenceIsTheBaseAndTheMergedModelIsTheAdaptedOne(String fixture, @TempDir Path out)
      throws Exception {
    Path folder = adapter(fixture);
    Path base = LoraCheckpoint.baseModel(folder);
    JsonObject reference = GoldenFixtureContract.reference(folder);
    JsonObject baseReference = GoldenFixtureContract.reference(base);
    try (TrainableDecoderPolicy<?> policy = openTrainable(folder, OptimizerSettings.defaults());
        DecoderPolicy<?> frozen = (DecoderPolicy<?>) policy.referenceSnapshot()) {
      assertLogits(frozen.logits(sequences(baseReference)),
          baseReference.getAsJsonArray("logits"), fixture + " reference");
      new DecoderCheckpoint(DecoderConfig.read(base), policy.parameters(),
          null, null, 0).write(out);
    }
    try (DecoderPolicy<?> merged = open(out)) {
      assertLogits(merged.logits(sequences(reference)), reference.getAsJsonArray("logits"),
          fixture + " merged");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void anUpdateMovesOnlyTheAdapterAndTheAnchorIsTheBasePlusTheEmaOfTheFactors(String fixture) {
    Path folder = adapter(fixture);
    JsonObject reference = GoldenFixtureContract.reference(folder);
    List<TokenSequence> sequences = sequences(reference);
    List<WeightedSequence> batch = batch(sequences);
    try (TrainableDecoderPolicy<?> policy = openTrainable(folder,
            OptimizerSettings.builder().learningRate(0.01).build());
        DecoderPolicy<?> base = (DecoderPolicy<?>) policy.referenceSnapshot();
        DecoderPolicy<?> anchor = (DecoderPolicy<?>) policy.snapshot()) {
      float[] baseBefore = base.parameters();
      float[] factorsBefore = policy.adapterParameters();
      float[] baseLogits = base.logits(sequences);
      policy.update(batch);
      policy.update(batch);
      assertThat(base.parameters()).containsExactly(baseBefore);
      assertThat(base.logits(sequences)).containsExactly(baseLogits);
      assertThat(policy.adapterParameters()).isNotEqualTo(factorsBefore);
      ((PolicySnapshot) anchor).moveToward(policy, 0.25);
      float[] factorsNow = policy.adapterParameters();
      float[] ema = new float[factorsNow.length];
      for (int i = 0; i < ema.length; i++) {
        ema[i] = (float) (0.75 * factorsBefore[i] + 0.25 * factorsNow[i]);
      }
      float[] anchorFactors = anchor.adapterParameters();
      for (int i = 0; i < ema.length; i++) {
        assertThat(anchorFactors[i]).isCloseTo(ema[i], offset(1e-6f));
      }
      float[] expected = new LoraLayout(DecoderConfig.read(
          LoraCheckpoint.baseModel(folder)), LoraCheckpoint.settings(folder))
          .merge(baseBefore, anchorFactors);
      float[] merged = anchor.parameters();
      for (int i = 0; i < merged.length; i++) {
        assertThat(merged[i]).isCloseTo(expected[i], offset(1e-6f));
      }
    }
  }

  /**
   * A PEFT folder that also saves the embedding and head ({@code modules_to_save}: GPT-2's tied
   * {@code lm_head} under both names with {@code ensure_weight_tying}, Qwen2's untied {@code
   * embed_tokens} and {@code lm_head}), the copies the base tensors plus a planted change, gives
   * exactly the logits of the plain adapter over a base whose tensors were replaced in its
   * safetensors file; its reference is still the unchanged base; saved again it has the same
   * PEFT names and values.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void modulesToSaveReplaceTheirBaseTensorsAndRoundTripUnderPeftNames(String fixture,
      @TempDir Path dir) throws Exception {
    Path folder = adapter(fixture);
    Path base = LoraCheckpoint.baseModel(folder);
    boolean gpt2 = fixture.contains("gpt2");
    String embedding = gpt2 ? "wte.weight" : "model.embed_tokens.weight";
    Map<String, SafeTensor> baseTensors = new LinkedHashMap<>(
        SafeTensors.read(base.resolve("model.safetensors")).tensors());
    Map<String, SafeTensor> adapterTensors = new LinkedHashMap<>(
        SafeTensors.read(folder.resolve(LoraCheckpoint.ADAPTER_FILE)).tensors());
    SafeTensor embed = planted(baseTensors.get(embedding), 1);
    baseTensors.put(embedding, embed);
    JsonArray saved = new JsonArray();
    if (gpt2) {
      adapterTensors.put("base_model.model.transformer.wte.weight", embed);
      adapterTensors.put("base_model.model.lm_head.weight", embed);
      saved.add("lm_head");
    } else {
      SafeTensor head = planted(baseTensors.get("lm_head.weight"), 2);
      baseTensors.put("lm_head.weight", head);
      adapterTensors.put("base_model.model.model.embed_tokens.weight", embed);
      adapterTensors.put("base_model.model.lm_head.weight", head);
      saved.add("embed_tokens");
      saved.add("lm_head");
    }
    Path replaced = dir.resolve("replaced");
    Files.createDirectories(replaced);
    Files.copy(base.resolve("config.json"), replaced.resolve("config.json"));
    new SafeTensors(baseTensors, Map.of()).write(replaced.resolve("model.safetensors"));
    JsonObject config = JsonParser.parseString(Files.readString(folder.resolve(
        LoraCheckpoint.CONFIG_FILE))).getAsJsonObject();
    Path plain = dir.resolve("plain");
    Files.createDirectories(plain);
    config.addProperty("base_model_name_or_path", replaced.toString());
    Files.writeString(plain.resolve(LoraCheckpoint.CONFIG_FILE), config.toString());
    Files.copy(folder.resolve(LoraCheckpoint.ADAPTER_FILE),
        plain.resolve(LoraCheckpoint.ADAPTER_FILE));
    Path withSaved = dir.resolve("saved");
    Files.createDirectories(withSaved);
    config.addProperty("base_model_name_or_path", base.toString());
    config.add("modules_to_save", saved);
    if (gpt2) {
      config.addProperty("ensure_weight_tying", true);
    }
    Files.writeString(withSaved.resolve(LoraCheckpoint.CONFIG_FILE), config.toString());
    new SafeTensors(adapterTensors, Map.of()).write(withSaved.resolve(
        LoraCheckpoint.ADAPTER_FILE));

    List<TokenSequence> sequences = sequences(GoldenFixtureContract.reference(folder));
    JsonObject baseReference = GoldenFixtureContract.reference(base);
    float[] expected;
    try (DecoderPolicy<?> model = open(plain)) {
      expected = model.logits(sequences);
    }
    try (TrainableDecoderPolicy<?> policy = openTrainable(withSaved, OptimizerSettings.defaults());
        DecoderPolicy<?> reference = (DecoderPolicy<?>) policy.referenceSnapshot()) {
      float[] logits = policy.logits(sequences);
      for (int i = 0; i < logits.length; i++) {
        assertThat(logits[i]).as(fixture).isCloseTo(expected[i], offset(1e-5f));
      }
      assertThat(logits).isNotEqualTo(reference.logits(sequences));
      assertLogits(reference.logits(sequences(baseReference)),
          baseReference.getAsJsonArray("logits"), fixture + " reference");
      policy.save(dir.resolve("again"));
    }
    Map<String, SafeTensor> again = SafeTensors.read(dir.resolve("again").resolve(
        LoraCheckpoint.ADAPTER_FILE)).tensors();
    assertThat(again.keySet()).containsExactlyInAnyOrderElementsOf(adapterTensors.keySet());
    adapterTensors.forEach((name, tensor) -> {
      assertThat(again.get(name).shape()).as(name).containsExactly(tensor.shape());
      assertThat(again.get(name).toFloats()).as(name).containsExactly(tensor.toFloats());
    });
  }

  /**
   * A PEFT folder with {@code lora_dropout} 0.05 (PEFT's common setting) is the same model as
   * without: dropout is the identity outside training, so its logits match PyTorch's, and it
   * samples, scores and merges exactly like the fixture; saved again it keeps its dropout. It
   * trains with dropout: the update differs from the one without, repeating it from the same
   * state gives the same factors, and its checkpoint resumes to the same next step.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void anAdapterWithDropoutLoadsSamplesScoresMergesAndTrains(String fixture,
      @TempDir Path dir) throws Exception {
    Path folder = adapter(fixture);
    JsonObject config = JsonParser.parseString(Files.readString(folder.resolve(
        LoraCheckpoint.CONFIG_FILE))).getAsJsonObject();
    config.addProperty("lora_dropout", 0.05);
    config.addProperty("base_model_name_or_path", LoraCheckpoint.baseModel(folder).toString());
    Path dropped = dir.resolve("dropped");
    Files.createDirectories(dropped);
    Files.writeString(dropped.resolve(LoraCheckpoint.CONFIG_FILE), config.toString());
    Files.copy(folder.resolve(LoraCheckpoint.ADAPTER_FILE),
        dropped.resolve(LoraCheckpoint.ADAPTER_FILE));
    JsonObject reference = GoldenFixtureContract.reference(folder);
    List<TokenSequence> sequences = sequences(reference);
    List<WeightedSequence> batch = batch(sequences);
    List<Prompt> prompts = List.of(Prompt.of("a", TokenSequence.of(1, 2, 3)),
        Prompt.of("b", TokenSequence.of(4, 5)));
    SamplingSettings sampling = SamplingSettings.builder().maxNewTokens(6).build();
    try (DecoderPolicy<?> plain = open(folder); DecoderPolicy<?> model = open(dropped)) {
      float[] logits = model.logits(sequences);
      assertLogits(logits, reference.getAsJsonArray("logits"), fixture + " with dropout");
      assertThat(logits).containsExactly(plain.logits(sequences));
      assertThat(model.logProbs(batch)).containsExactly(plain.logProbs(batch));
      assertThat(model.sample(prompts, sampling, 7)).isEqualTo(plain.sample(prompts, sampling, 7));
    }
    LoraCheckpoint.merge(dropped, dir.resolve("merged"));
    try (DecoderPolicy<?> merged = open(dir.resolve("merged"))) {
      assertLogits(merged.logits(sequences), reference.getAsJsonArray("logits"),
          fixture + " merged with dropout");
    }
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(0.01).build();
    float[] withDropout;
    try (TrainableDecoderPolicy<?> policy = openTrainable(dropped, optimizer);
        TrainableDecoderPolicy<?> again = openTrainable(dropped, optimizer);
        TrainableDecoderPolicy<?> plain = openTrainable(folder, optimizer)) {
      float[] before = policy.adapterParameters();
      policy.update(batch);
      again.update(batch);
      plain.update(batch);
      policy.save(dir.resolve("again"));
      withDropout = policy.adapterParameters();
      assertThat(withDropout).isNotEqualTo(before);
      assertThat(again.adapterParameters()).containsExactly(withDropout);
      float[] without = plain.adapterParameters();
      double largest = 0;
      for (int i = 0; i < without.length; i++) {
        largest = Math.max(largest, Math.abs(without[i] - withDropout[i]));
      }
      assertThat(largest).as("largest change dropout makes to a factor").isGreaterThan(1e-4);
      policy.update(batch);
      withDropout = policy.adapterParameters();
    }
    try (TrainableDecoderPolicy<?> resumed = openTrainable(dir.resolve("again"), optimizer)) {
      resumed.update(batch);
      assertThat(resumed.adapterParameters()).containsExactly(withDropout);
    }
    assertThat(LoraCheckpoint.settings(dir.resolve("again")).dropout()).isEqualTo(0.05);
    assertThat(JsonParser.parseString(Files.readString(dir.resolve("again").resolve(
        LoraCheckpoint.CONFIG_FILE))).getAsJsonObject().get("lora_dropout").getAsDouble())
        .isEqualTo(0.05);
  }

  /** {@code tensor} plus uniform noise in ±0.5 drawn from {@code seed}. */
  private static SafeTensor planted(SafeTensor tensor, long seed) {
    float[] values = tensor.toFloats();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < values.length; i++) {
      values[i] += (float) (random.nextDouble() - 0.5);
    }
    return SafeTensor.ofFloats(tensor.shape(), values);
  }
}
