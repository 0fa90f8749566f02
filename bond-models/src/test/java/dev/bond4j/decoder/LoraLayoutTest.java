package dev.bond4j.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.spi.LoraSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraLayoutTest {
  static final DecoderConfig GPT2 = DecoderConfig.gpt2(11, 8, 16, 2, 2, 32, 1e-5, "gelu_new", 3);
  static final DecoderConfig QWEN2 = new DecoderConfig("qwen2", 11, 8, 16, 2, 4, 2, 4, 24, 1e-6,
      "silu", false, true, false, false, RotaryEmbedding.plain(10000), 0, List.of(3), null);
  /** k_proj and gate_proj left out: fused tensors partly adapted. */
  static final LoraSettings PARTIAL = LoraSettings.of(3, 6, "q_proj", "v_proj", "o_proj",
      "up_proj", "down_proj");
  static final LoraSettings GPT2_ALL = LoraSettings.of(2, 5, "c_attn", "c_proj", "c_fc");

  static float[] random(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (2 * random.nextDouble() - 1);
    }
    return values;
  }

  static double[][] matrix(SafeTensor tensor) {
    float[] values = tensor.toFloats();
    int rows = (int) tensor.shape()[0];
    int columns = (int) tensor.shape()[1];
    double[][] out = new double[rows][columns];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        out[r][c] = values[r * columns + c];
      }
    }
    return out;
  }

  @Test
  void peftTensorsRoundTripAndKeepPeftShapes() {
    for (var pair : List.of(Map.entry(QWEN2, PARTIAL), Map.entry(GPT2, GPT2_ALL))) {
      LoraLayout layout = new LoraLayout(pair.getKey(), pair.getValue());
      Map<String, SafeTensor> tensors = layout.tensorsOf(random(
          (int) layout.parameterCount(), 5));
      float[] values = layout.valuesOf(tensors, "test");
      Map<String, SafeTensor> again = layout.tensorsOf(values);
      assertThat(again.keySet()).containsExactlyElementsOf(tensors.keySet());
      tensors.forEach((name, tensor) ->
          assertThat(again.get(name).toFloats()).as(name).containsExactly(tensor.toFloats()));
    }
    LoraLayout qwen = new LoraLayout(QWEN2, PARTIAL);
    Map<String, SafeTensor> tensors = qwen.tensorsOf(new float[(int) qwen.parameterCount()]);
    assertThat(tensors).hasSize(2 * 2 * 5);
    assertThat(tensors.get("base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight")
        .shape()).containsExactly(3, 16);
    assertThat(tensors.get("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")
        .shape()).containsExactly(8, 3);
    assertThat(tensors.get("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight")
        .shape()).containsExactly(3, 24);
    LoraLayout gpt2 = new LoraLayout(GPT2, GPT2_ALL);
    Map<String, SafeTensor> conv = gpt2.tensorsOf(new float[(int) gpt2.parameterCount()]);
    assertThat(conv.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").shape())
        .containsExactly(2, 16);
    assertThat(conv.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight").shape())
        .containsExactly(48, 2);
    assertThat(conv.get("base_model.model.transformer.h.1.mlp.c_proj.lora_A.weight").shape())
        .containsExactly(2, 32);
    assertThat(conv).containsKey("base_model.model.transformer.h.1.attn.c_proj.lora_B.weight");
  }

  @Test
  void mergeAddsScaleTimesBaOfEachTargetedModuleAndNothingElse() {
    for (var pair : List.of(Map.entry(QWEN2, PARTIAL), Map.entry(GPT2, GPT2_ALL))) {
      DecoderConfig config = pair.getKey();
      LoraLayout layout = new LoraLayout(config, pair.getValue());
      DecoderLayout base = new DecoderLayout(config);
      float[] weights = base.initialValues(3);
      float[] adapter = random((int) layout.parameterCount(), 4);
      Map<String, SafeTensor> before = base.tensorsOf(weights);
      Map<String, SafeTensor> after = base.tensorsOf(layout.merge(weights, adapter));
      Map<String, SafeTensor> peft = layout.tensorsOf(adapter);
      Map<String, String> adapted = new LinkedHashMap<>();
      for (String name : peft.keySet()) {
        if (name.endsWith(".lora_A.weight")) {
          String module = name.substring(LoraLayout.PREFIX.length(),
              name.length() - ".lora_A.weight".length());
          adapted.put(module.replace("transformer.", "") + ".weight", module);
        }
      }
      for (String name : before.keySet()) {
        if (!adapted.containsKey(name)) {
          assertThat(after.get(name).toFloats()).as(name)
              .containsExactly(before.get(name).toFloats());
          continue;
        }
        String module = adapted.get(name);
        double[][] a = matrix(peft.get(LoraLayout.PREFIX + module + ".lora_A.weight"));
        double[][] b = matrix(peft.get(LoraLayout.PREFIX + module + ".lora_B.weight"));
        double[][] w0 = matrix(before.get(name));
        double[][] w1 = matrix(after.get(name));
        boolean conv1d = config.isGpt2();
        for (int o = 0; o < b.length; o++) {
          for (int i = 0; i < a[0].length; i++) {
            double delta = 0;
            for (int k = 0; k < a.length; k++) {
              delta += b[o][k] * a[k][i];
            }
            delta *= pair.getValue().scale();
            double actual = conv1d ? w1[i][o] - w0[i][o] : w1[o][i] - w0[o][i];
            assertThat(actual).as(name).isCloseTo(delta, org.assertj.core.data.Offset.offset(1e-5));
          }
        }
      }
    }
  }

  @Test
  void anUntrainedAdapterIsExactlyTheBase() {
    LoraLayout layout = new LoraLayout(QWEN2, PARTIAL);
    float[] base = new DecoderLayout(QWEN2).initialValues(8);
    float[] fresh = layout.initialFactors(9);
    assertThat(layout.merge(base, fresh)).containsExactly(base);
    assertThat(fresh).isNotEqualTo(new float[fresh.length]);
  }

  @Test
  void badSettingsAreOneLineNamingTheFieldAndWhatIsValid() {
    assertThatThrownBy(() -> new LoraLayout(GPT2, LoraSettings.of(2, 4, "q_proj")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("lora.targetModules").hasMessageContaining("q_proj")
        .hasMessageContaining("c_attn, c_proj, c_fc").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> new LoraLayout(QWEN2, LoraSettings.of(2, 4, "c_attn")))
        .hasMessageContaining("q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
    assertThatThrownBy(() -> LoraSettings.of(0, 4, "q_proj"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("lora.rank");
    assertThatThrownBy(() -> new LoraLayout(QWEN2, LoraSettings.of(9, 4, "k_proj")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("lora.rank")
        .hasMessageContaining("at most 8").hasMessageContaining("k_proj")
        .hasMessageNotContaining("\n");
    assertThat(new LoraLayout(QWEN2, LoraSettings.of(8, 4, "k_proj")).parameterCount())
        .isEqualTo(2 * (16 * 8 + 8 * 32));
  }

  @Test
  void dropoutInZeroToOneIsAcceptedAndAnythingElseIsOneLineNamingTheValidRange() {
    LoraLayout plain = new LoraLayout(GPT2, LoraSettings.of(2, 4, "c_attn"));
    LoraLayout dropped = new LoraLayout(GPT2, new LoraSettings(2, 4, 0.05, List.of("c_attn")));
    assertThat(dropped.settings().dropout()).isEqualTo(0.05);
    assertThat(dropped.parameterCount()).isEqualTo(plain.parameterCount());
    float[] base = random((int) new DecoderLayout(GPT2).parameterCount(), 3);
    float[] factors = random((int) plain.parameterCount(), 4);
    assertThat(dropped.merge(base, factors)).containsExactly(plain.merge(base, factors));
    for (double bad : new double[] {-0.1, 1, 1.5, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> new LoraSettings(2, 4, bad, List.of("c_attn")))
          .as("dropout %s", bad).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("lora.dropout = " + bad)
          .hasMessageContaining("a number in [0, 1)").hasMessageNotContaining("\n");
    }
  }

  @Test
  void adapterFilesWithMissingExtraOrMisshapenTensorsAreRefusedInOneLine(@TempDir Path dir) {
    LoraLayout layout = new LoraLayout(QWEN2, PARTIAL);
    Map<String, SafeTensor> tensors = layout.tensorsOf(random((int) layout.parameterCount(), 1));
    Map<String, SafeTensor> missing = new LinkedHashMap<>(tensors);
    missing.remove("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight");
    assertThatThrownBy(() -> layout.valuesOf(missing, "f"))
        .isInstanceOf(BondException.class).hasMessageContaining("1 missing tensor")
        .hasMessageContaining("layers.1.mlp.up_proj.lora_B").hasMessageNotContaining("\n");
    Map<String, SafeTensor> extra = new LinkedHashMap<>(tensors);
    extra.put("base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight",
        SafeTensor.ofFloats(new long[] {3, 16}, new float[48]));
    assertThatThrownBy(() -> layout.valuesOf(extra, "f"))
        .hasMessageContaining("1 extra tensor").hasMessageContaining("k_proj")
        .hasMessageNotContaining("\n");
    DecoderConfig wider = new DecoderConfig("qwen2", 11, 8, 24, 2, 4, 2, 6, 24, 1e-6, "silu",
        false, true, false, false, RotaryEmbedding.plain(10000), 0, List.of(3), null);
    new LoraCheckpoint(PARTIAL, null, random((int) layout.parameterCount(), 2), null, null, 0)
        .write(dir, QWEN2);
    assertThatThrownBy(() -> LoraCheckpoint.read(dir, wider, false))
        .isInstanceOf(BondException.class).hasMessageContaining("another base model")
        .hasMessageNotContaining("\n");
  }

  @Test
  void checkpointsRoundTripWithOptimizerStateAndPeftConfig(@TempDir Path dir) throws Exception {
    LoraLayout layout = new LoraLayout(GPT2, GPT2_ALL);
    int n = (int) layout.parameterCount();
    float[] weights = layout.valuesOf(layout.tensorsOf(random(n, 1)), "x");
    float[] first = layout.valuesOf(layout.tensorsOf(random(n, 2)), "x");
    float[] second = layout.valuesOf(layout.tensorsOf(random(n, 3)), "x");
    new LoraCheckpoint(GPT2_ALL, "/models/base", weights, first, second, 7).write(dir, GPT2);
    LoraCheckpoint read = LoraCheckpoint.read(dir, GPT2, true);
    assertThat(read.settings()).isEqualTo(GPT2_ALL);
    assertThat(read.weights()).containsExactly(weights);
    assertThat(read.firstMoment()).containsExactly(first);
    assertThat(read.secondMoment()).containsExactly(second);
    assertThat(read.steps()).isEqualTo(7);
    assertThat(LoraCheckpoint.baseModel(dir)).isEqualTo(Path.of("/models/base"));
    String config = java.nio.file.Files.readString(dir.resolve(LoraCheckpoint.CONFIG_FILE));
    assertThat(config).contains("\"peft_type\": \"LORA\"", "\"task_type\": \"CAUSAL_LM\"",
        "\"fan_in_fan_out\": true", "\"bias\": \"none\"", "\"r\": 2", "\"lora_alpha\": 5.0");
    assertThat(LoraCheckpoint.read(dir, GPT2, false).hasOptimizerState()).isFalse();
  }

  @Test
  void modulesToSaveAreTrainableCopiesUnderPeftNamesTiedWhenTheModelTies() {
    DecoderLayout gpt2 = new DecoderLayout(GPT2);
    float[] base = gpt2.initialValues(3);
    LoraLayout tied = new LoraLayout(GPT2, GPT2_ALL.withModulesToSave("lm_head"));
    assertThat(tied.saved()).hasSize(1);
    assertThat(tied.parameterCount())
        .isEqualTo(new LoraLayout(GPT2, GPT2_ALL).parameterCount() + 11 * 16);
    int embed = gpt2.index(DecoderLayout.Global.EMBED);
    float[] fresh = tied.initialValues(9, i -> java.util.Arrays.copyOfRange(base,
        (int) gpt2.offset(i), (int) gpt2.offset(i + 1)));
    assertThat(tied.merge(base, fresh)).containsExactly(base);
    Map<String, SafeTensor> files = tied.tensorsOf(fresh);
    assertThat(files.get("base_model.model.transformer.wte.weight").shape())
        .containsExactly(11, 16);
    assertThat(files.get("base_model.model.lm_head.weight").toFloats()).containsExactly(
        java.util.Arrays.copyOfRange(base, (int) gpt2.offset(embed), (int) gpt2.offset(embed + 1)));
    float[] trained = fresh.clone();
    int copy = (int) tied.offset(tied.savedIndex(DecoderLayout.Global.EMBED));
    trained[copy + 5] += 1;
    float[] merged = tied.merge(base, trained);
    assertThat(merged[(int) gpt2.offset(embed) + 5]).isEqualTo(base[(int) gpt2.offset(embed) + 5] + 1);
    assertThat(tied.valuesOf(tied.tensorsOf(trained), "f")).containsExactly(trained);
    Map<String, SafeTensor> untied = new LinkedHashMap<>(tied.tensorsOf(trained));
    untied.put("base_model.model.lm_head.weight", SafeTensor.ofFloats(new long[] {11, 16},
        new float[11 * 16]));
    assertThatThrownBy(() -> tied.valuesOf(untied, "f")).isInstanceOf(BondException.class)
        .hasMessageContaining("ties its head").hasMessageNotContaining("\n");

    LoraLayout both = new LoraLayout(QWEN2, PARTIAL.withModulesToSave("embed_tokens", "lm_head"));
    assertThat(both.saved()).extracting(LoraLayout.Saved::global).containsExactly(
        DecoderLayout.Global.EMBED, DecoderLayout.Global.HEAD);
    assertThat(both.tensorsOf(random((int) both.parameterCount(), 4)))
        .containsKeys("base_model.model.model.embed_tokens.weight",
            "base_model.model.lm_head.weight");
    assertThat(new LoraLayout(GPT2, GPT2_ALL.withModulesToSave("transformer.wte", "lm_head"))
        .saved()).hasSize(1);
    assertThat(new LoraLayout(QWEN2, PARTIAL.withModulesToSave("model.embed_tokens")).saved())
        .extracting(LoraLayout.Saved::global).containsExactly(DecoderLayout.Global.EMBED);
    assertThatThrownBy(() -> new LoraLayout(QWEN2, PARTIAL.withModulesToSave("wte")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("lora.modulesToSave")
        .hasMessageContaining("wte").hasMessageContaining("embed_tokens, lm_head")
        .hasMessageNotContaining("\n");
    float[] factors = tied.initialFactors(9);
    assertThat(java.util.Arrays.copyOf(factors, copy)).containsExactly(
        java.util.Arrays.copyOf(fresh, copy));
    assertThat(java.util.Arrays.copyOfRange(factors, copy, factors.length))
        .containsOnly(0f);
  }

  @Test
  void peftConfigNamesModulesToSaveAndTyingAndRefusesUntiedCopiesOfATiedModel(@TempDir Path dir)
      throws Exception {
    LoraSettings settings = GPT2_ALL.withModulesToSave("lm_head");
    LoraLayout layout = new LoraLayout(GPT2, settings);
    float[] weights = random((int) layout.parameterCount(), 6);
    weights = layout.valuesOf(layout.tensorsOf(weights), "x");
    new LoraCheckpoint(settings, null, weights, null, null, 0).write(dir, GPT2);
    String config = java.nio.file.Files.readString(dir.resolve(LoraCheckpoint.CONFIG_FILE));
    assertThat(config).contains("\"ensure_weight_tying\": true").containsPattern(
        "\"modules_to_save\": \\[\\s*\"lm_head\"\\s*\\]");
    LoraCheckpoint read = LoraCheckpoint.read(dir, GPT2, false);
    assertThat(read.settings()).isEqualTo(settings);
    assertThat(read.weights()).containsExactly(weights);
    java.nio.file.Files.writeString(dir.resolve(LoraCheckpoint.CONFIG_FILE),
        config.replace("\"ensure_weight_tying\": true", "\"ensure_weight_tying\": false"));
    assertThatThrownBy(() -> LoraCheckpoint.read(dir, GPT2, false))
        .isInstanceOf(BondException.class).hasMessageContaining("ensure_weight_tying")
        .hasMessageNotContaining("\n");
    new LoraCheckpoint(GPT2_ALL, null, random((int) new LoraLayout(GPT2, GPT2_ALL)
        .parameterCount(), 1), null, null, 0).write(dir, GPT2);
    assertThat(java.nio.file.Files.readString(dir.resolve(LoraCheckpoint.CONFIG_FILE)))
        .contains("\"modules_to_save\": null").doesNotContain("ensure_weight_tying");
    assertThat(LoraCheckpoint.settings(dir).modulesToSave()).isEmpty();
  }
}
