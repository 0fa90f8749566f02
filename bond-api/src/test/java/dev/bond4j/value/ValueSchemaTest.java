package dev.bond4j.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.Device;
import dev.bond4j.spi.LoraSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueSchemaTest {
  @Test
  void anImmutablesTypesSettingsAreItsSettableAttributes() {
    ValueSchema<OptimizerSettings> schema = ValueSchema.of(OptimizerSettings.class);
    assertThat(schema.settings()).containsOnlyKeys("beta1", "beta2", "epsilon", "learningRate",
        "maxGradNorm", "microBatchSize", "warmupSteps", "weightDecay");
    assertThat(schema.settings().get("warmupSteps")).isEqualTo(int.class);
    OptimizerSettings built = schema.draft().set("learningRate", 0.5).set("warmupSteps", 3)
        .build();
    assertThat(built).isEqualTo(OptimizerSettings.builder().learningRate(0.5).warmupSteps(3)
        .build());
    assertThat(schema.values(built)).containsEntry("learningRate", 0.5)
        .containsEntry("beta1", 0.9);
  }

  @Test
  void anOptionalAttributeIsListedAsItsValueAndDerivedMethodsAreNot() {
    ValueSchema<BackendOptions> schema = ValueSchema.of(BackendOptions.class);
    assertThat(schema.settings().get("lora")).isEqualTo(LoraSettings.class);
    assertThat(schema.settings()).containsKeys("device", "threads", "precision")
        .doesNotContainKeys("bf16", "maxThreads", "toBuilder");
    LoraSettings lora = LoraSettings.of(4, 8, "c_attn");
    BackendOptions built = schema.draft().set("lora", lora).set("device", Device.cpu()).build();
    assertThat(built.lora()).contains(lora);
    assertThat(schema.values(BackendOptions.defaults())).containsEntry("lora", null);
  }

  @Test
  void aRecordsSettingsAreItsComponentsZeroWhenNotGiven() {
    ValueSchema<LoraSettings> schema = ValueSchema.of(LoraSettings.class);
    assertThat(schema.settings()).containsOnlyKeys("alpha", "dropout", "modulesToSave", "rank",
        "targetModules");
    assertThat(schema.draft().set("rank", 2).set("alpha", 4.0)
        .set("targetModules", List.of("q_proj")).build())
        .isEqualTo(new LoraSettings(2, 4.0, 0, List.of("q_proj")));
    assertThatThrownBy(() -> schema.draft().build())
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.problems())
            .extracting(InvalidArgumentException.Problem::field)
            .contains("lora.rank", "lora.targetModules"));
    assertThatThrownBy(() -> schema.draft().set("size", 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
  }
}
