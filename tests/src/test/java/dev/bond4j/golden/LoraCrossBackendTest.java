package dev.bond4j.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.dl4j.Dl4jPolicy;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.decoder.LoraLayout;
import dev.bond4j.decoder.TrainableDecoderPolicy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.LoraSettings;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DJL and dl4j compute the same LoRA updates (two independent autodiff engines): from a fresh
 * PEFT-initialised adapter ({@code B} zero, so the first step moves only {@code B}) and from the
 * golden adapter, three AdamW steps on the same weighted batch leave the same factors, and the
 * updates raise the log-probability of the positively weighted sequence.
 */
class LoraCrossBackendTest {
  private static final List<WeightedSequence> BATCH = List.of(
      WeightedSequence.of(Prompt.of("a", TokenSequence.of(5, 17)), TokenSequence.of(42, 8, 33),
          1.0),
      WeightedSequence.of(Prompt.of("b", TokenSequence.of(40)), TokenSequence.of(3, 3, 51, 19),
          -0.5));

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void djlAndDl4jTakeTheSameLoraSteps(String fixture) {
    Path adapter = LoraGoldenContract.adapter(fixture);
    Path base = LoraCheckpoint.baseModel(adapter);
    LoraSettings settings = LoraCheckpoint.settings(adapter);
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(0.01).build();
    try (TrainableDecoderPolicy<?> djlFresh = DjlPolicy.withNewAdapter(base, settings, 3,
            optimizer, BackendOptions.defaults());
        TrainableDecoderPolicy<?> dl4jFresh = Dl4jPolicy.withNewAdapter(base, settings, 3,
            optimizer, BackendOptions.defaults());
        TrainableDecoderPolicy<?> djlLoaded = DjlPolicy.load(adapter, optimizer, BackendOptions.defaults());
        TrainableDecoderPolicy<?> dl4jLoaded = Dl4jPolicy.load(adapter, optimizer,
            BackendOptions.defaults())) {
      for (TrainableDecoderPolicy<?>[] pair : new TrainableDecoderPolicy<?>[][] {
          {djlFresh, dl4jFresh}, {djlLoaded, dl4jLoaded}}) {
        double before = pair[0].logProbs(BATCH.subList(0, 1))[0];
        for (int step = 0; step < 3; step++) {
          pair[0].update(BATCH);
          pair[1].update(BATCH);
        }
        float[] djl = pair[0].adapterParameters();
        float[] dl4j = pair[1].adapterParameters();
        for (int i = 0; i < djl.length; i++) {
          assertThat(djl[i]).as(fixture + " factor " + i).isCloseTo(dl4j[i], offset(2e-4f));
        }
        assertThat(pair[0].logProbs(BATCH.subList(0, 1))[0]).isGreaterThan(before);
      }
      assertThat(new LoraLayout(djlFresh.config(), settings).parameterCount())
          .isEqualTo(djlFresh.adapterParameters().length);
    }
  }

  /**
   * With {@code modules_to_save} (GPT-2: the tied {@code lm_head}; Qwen2: {@code embed_tokens}
   * and the untied {@code lm_head}) a fresh adapter is exactly the base on both engines (DJL copies
   * the base tensors inside the engine, dl4j in Java), and three steps leave the same factors and
   * copies.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void withModulesToSaveDjlAndDl4jStartAtTheBaseAndTakeTheSameSteps(String fixture) {
    Path adapter = LoraGoldenContract.adapter(fixture);
    Path base = LoraCheckpoint.baseModel(adapter);
    LoraSettings settings = fixture.contains("gpt2")
        ? LoraCheckpoint.settings(adapter).withModulesToSave("lm_head")
        : LoraCheckpoint.settings(adapter).withModulesToSave("embed_tokens", "lm_head");
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(0.01).build();
    try (TrainableDecoderPolicy<?> djl = DjlPolicy.withNewAdapter(base, settings, 3, optimizer,
            BackendOptions.defaults());
        TrainableDecoderPolicy<?> dl4j = Dl4jPolicy.withNewAdapter(base, settings, 3, optimizer,
            BackendOptions.defaults());
        TrainableDecoderPolicy<?> plain = DjlPolicy.load(base, optimizer,
            BackendOptions.defaults())) {
      assertThat(djl.adapterParameters()).containsExactly(dl4j.adapterParameters());
      assertThat(djl.parameters()).containsExactly(plain.parameters());
      double before = djl.logProbs(BATCH.subList(0, 1))[0];
      for (int step = 0; step < 3; step++) {
        djl.update(BATCH);
        dl4j.update(BATCH);
      }
      float[] a = djl.adapterParameters();
      float[] b = dl4j.adapterParameters();
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).as(fixture + " parameter " + i).isCloseTo(b[i], offset(2e-4f));
      }
      assertThat(djl.logProbs(BATCH.subList(0, 1))[0]).isGreaterThan(before);
    }
  }

  /**
   * With dropout both engines multiply each module's input by the same masks (drawn in Java), so
   * from the golden adapter (non-zero {@code B}, so that {@code A} moves from the first step) three
   * steps with dropout 0.3 leave the same factors on DJL and dl4j, and not the factors of the same
   * steps without dropout.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2-lora", "tiny-qwen2-gqa-lora"})
  void withDropoutDjlAndDl4jDropTheSameEntries(String fixture, @TempDir Path dir) {
    Path adapter = LoraGoldenContract.adapter(fixture);
    LoraSettings plain = LoraCheckpoint.settings(adapter);
    LoraSettings settings = new LoraSettings(plain.rank(), plain.alpha(), 0.3,
        plain.targetModules(), plain.modulesToSave());
    Path base = LoraCheckpoint.baseModel(adapter);
    Path dropped = dir.resolve("dropped");
    try (TrainableDecoderPolicy<?> golden = DjlPolicy.load(adapter, OptimizerSettings.defaults(),
        BackendOptions.defaults())) {
      new LoraCheckpoint(settings, base.toAbsolutePath().toString(), golden.adapterParameters(), null, null, 0)
          .write(dropped, golden.config());
    }
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(0.01).build();
    try (TrainableDecoderPolicy<?> djl = DjlPolicy.load(dropped, optimizer,
            BackendOptions.defaults());
        TrainableDecoderPolicy<?> dl4j = Dl4jPolicy.load(dropped, optimizer,
            BackendOptions.defaults());
        TrainableDecoderPolicy<?> undropped = DjlPolicy.load(adapter, optimizer,
            BackendOptions.defaults())) {
      for (int step = 0; step < 3; step++) {
        djl.update(BATCH);
        dl4j.update(BATCH);
        undropped.update(BATCH);
      }
      float[] a = djl.adapterParameters();
      float[] b = dl4j.adapterParameters();
      float[] c = undropped.adapterParameters();
      double largest = 0;
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).as(fixture + " factor " + i).isCloseTo(b[i], offset(2e-4f));
        largest = Math.max(largest, Math.abs(a[i] - c[i]));
      }
      assertThat(largest).as("largest change dropout makes").isGreaterThan(1e-3);
    }
  }
}
