package dev.bond4j.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.BondException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFilesTest {
  private static final DecoderConfig QWEN2 = new DecoderConfig("qwen2", 11, 16, 12, 2, 6, 2, 4,
      10, 1e-6, "silu", false, true, false, false, RotaryEmbedding.plain(10000), 0, List.of(3),
      null);

  @TempDir Path directory;

  private static float[] randomValues(DecoderLayout layout, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[(int) layout.parameterCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-3, 3)));
    }
    return values;
  }

  private float[] load(DecoderConfig config) {
    DecoderLayout layout = new DecoderLayout(config);
    float[] loaded = new float[(int) layout.parameterCount()];
    try (WeightFiles files = WeightFiles.open(directory)) {
      new WeightLoader(layout).load(files,
          (offset, chunk, count) -> System.arraycopy(chunk, 0, loaded, (int) offset, count));
    }
    return loaded;
  }

  @Test
  void shardedBfloat16WeightsLoadAsTheRoundedValues() throws IOException {
    DecoderLayout layout = new DecoderLayout(QWEN2);
    float[] values = randomValues(layout, 7);
    WeightFiles.write(directory, layout.tensorsOf(values), "BF16", 400);
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.filter(f -> f.toString().endsWith(".safetensors")).count())
          .isGreaterThan(3);
    }
    assertThat(Files.readString(directory.resolve(WeightFiles.INDEX))).contains("total_size")
        .contains("\"model.layers.0.self_attn.q_proj.weight\": \"model-000");
    float[] loaded = load(QWEN2.withDtype("bfloat16"));
    for (int i = 0; i < values.length; i++) {
      assertThat(loaded[i]).isEqualTo(SafeTensor.ofFloats(new long[] {1},
          new float[] {values[i]}, "BF16").toFloats()[0]);
      assertThat(Math.abs(loaded[i] - values[i])).isLessThanOrEqualTo(Math.abs(values[i]) / 256);
    }
  }

  @Test
  void oneShardIsASingleFileAndFloat16RoundTrips() {
    DecoderLayout layout = new DecoderLayout(QWEN2);
    float[] values = randomValues(layout, 3);
    WeightFiles.write(directory, layout.tensorsOf(values), "F16", 1L << 30);
    assertThat(directory.resolve(WeightFiles.SINGLE)).exists();
    assertThat(directory.resolve(WeightFiles.INDEX)).doesNotExist();
    float[] loaded = load(QWEN2);
    for (int i = 0; i < values.length; i++) {
      assertThat(Math.abs(loaded[i] - values[i]))
          .isLessThanOrEqualTo(Math.max(Math.abs(values[i]) / 1024, 6e-8f));
    }
  }

  @Test
  void halfAndBfloat16RoundToNearestEven() {
    SplittableRandom random = new SplittableRandom(11);
    for (int n = 0; n < 200_000; n++) {
      short half = (short) random.nextInt(1 << 16);
      float exact = SafeTensor.halfToFloat(half);
      if (Float.isNaN(exact)) {
        continue;
      }
      assertThat(SafeTensor.halfToFloat(SafeTensor.floatToHalf(exact))).isEqualTo(exact);
      float x = Float.intBitsToFloat(random.nextInt());
      if (Float.isNaN(x) || Math.abs(x) > 65504 || Math.abs(x) < 1e-9) {
        continue;
      }
      float rounded = SafeTensor.halfToFloat(SafeTensor.floatToHalf(x));
      float up = Math.nextUp(rounded);
      float down = Math.nextDown(rounded);
      assertThat(Math.abs(rounded - x)).as("%s", x)
          .isLessThanOrEqualTo(Math.max(Math.abs(x) / 2048, 0x1p-25f));
      float b = Float.intBitsToFloat(SafeTensor.floatToBfloat16(x) << 16);
      assertThat(Math.abs(b - x)).isLessThanOrEqualTo(Math.abs(x) / 256);
      assertThat(up).isGreaterThan(down);
    }
    assertThat(SafeTensor.halfToFloat(SafeTensor.floatToHalf(1e6f))).isInfinite();
    assertThat(Float.intBitsToFloat(SafeTensor.floatToBfloat16(Float.NaN) << 16)).isNaN();
    // 1 + 2^-8 lies halfway between bfloat16 neighbours 1 and 1 + 2^-7: even wins.
    assertThat(Float.intBitsToFloat(SafeTensor.floatToBfloat16(1 + 0x1p-8f) << 16)).isEqualTo(1f);
  }

  @Test
  void refusesInconsistentShardIndexesWithOneLine() throws IOException {
    DecoderLayout layout = new DecoderLayout(QWEN2);
    WeightFiles.write(directory, layout.tensorsOf(randomValues(layout, 1)), "F32", 2000);
    Path index = directory.resolve(WeightFiles.INDEX);
    String original = Files.readString(index);
    String first = "model-00001-of-";
    Files.writeString(index, original.replaceFirst(first + "\\d+", "model-missing"));
    assertThatThrownBy(() -> WeightFiles.open(directory)).isInstanceOf(BondException.class)
        .hasMessageContaining("names the file \"model-missing.safetensors\", which is missing");
    Files.writeString(index, original.replace("\"weight_map\": {",
        "\"weight_map\": {\"model.norm.weight\": \"x\","));
    assertThatThrownBy(() -> WeightFiles.open(directory)).isInstanceOf(BondException.class)
        .hasMessageContaining("names the tensor model.norm.weight twice");
    Files.writeString(index, original);
    Map<String, SafeTensor> extra = Map.of("model.norm.weight",
        SafeTensor.ofFloats(new long[] {12}, new float[12]));
    new SafeTensors(extra, Map.of()).write(directory.resolve("model-00001-of-"
        + original.replaceAll("(?s).*model-00001-of-(\\d+).*", "$1") + ".safetensors"));
    assertThatThrownBy(() -> WeightFiles.open(directory)).isInstanceOf(BondException.class)
        .hasMessageContaining("model.norm.weight");
  }

  @Test
  void refusesADtypeTheConfigContradicts() {
    DecoderLayout layout = new DecoderLayout(QWEN2);
    WeightFiles.write(directory, layout.tensorsOf(randomValues(layout, 2)), "F16", 1L << 30);
    assertThatThrownBy(() -> load(QWEN2.withDtype("bfloat16"))).isInstanceOf(BondException.class)
        .hasMessageContaining("has dtype F16 but config.json's torch_dtype is bfloat16");
  }
}
