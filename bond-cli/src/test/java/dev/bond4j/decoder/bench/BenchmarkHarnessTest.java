package dev.bond4j.decoder.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BenchmarkHarnessTest {
  private static final List<BenchmarkOption> OPTIONS = List.of(
      BenchmarkOption.atLeast("d-model", 128, 1),
      BenchmarkOption.atLeast("warmup", 3, 0),
      new BenchmarkOption("exact-gelu", 0, 0, 1),
      BenchmarkOption.choice("precision", "fp32", "bf16"));

  @Test
  void optionsKeepTheirDefaultsAndDeclaredOrder() {
    BenchmarkOptions options = BenchmarkOptions.parse(OPTIONS,
        new String[] {"--exact-gelu", "1", "--d-model", "16"});
    assertThat(options.values()).containsExactly(Map.entry("d-model", 16),
        Map.entry("warmup", 3), Map.entry("exact-gelu", 1), Map.entry("precision", 0));
    assertThat(options.get("warmup")).isEqualTo(3);
    assertThat(options.word("precision")).isEqualTo("fp32");
    assertThat(BenchmarkOptions.parse(OPTIONS, new String[] {"--precision", "bf16"})
        .forJson()).containsEntry("precision", "bf16");
    assertThat(BenchmarkOptions.parse(JBondBenchmark.OPTIONS, new String[0]).values().keySet())
        .containsExactly("d-model", "layers", "heads", "vocab", "batch", "prompt", "new-tokens",
            "threads", "steps", "warmup", "gemm", "exact-gelu", "reference-every", "precision");
  }

  @Test
  void badOptionsFailInOneLineNamingOptionValueAndWhatIsValid() {
    assertBad(new String[] {"--depth", "3"}, "Unknown option --depth; options: --d-model, "
        + "--warmup, --exact-gelu, --precision");
    assertBad(new String[] {"--precision", "fp16"}, "--precision fp16: must be one of fp32, bf16");
    assertBad(new String[] {"d-model", "3"}, "Unknown option d-model");
    assertBad(new String[] {"--d-model"}, "--d-model: missing value, must be an integer");
    assertBad(new String[] {"--d-model", "wide"}, "--d-model wide: must be an integer");
    assertBad(new String[] {"--d-model", "0"}, "--d-model 0: must be an integer >= 1");
    assertBad(new String[] {"--warmup", "-1"}, "--warmup -1: must be an integer >= 0");
    assertBad(new String[] {"--exact-gelu", "2"}, "--exact-gelu 2: must be an integer from 0 to 1");
    assertThat(BenchmarkOptions.parse(OPTIONS, new String[] {"--warmup", "0"}).get("warmup"))
        .isZero();
  }

  private static void assertBad(String[] argv, String message) {
    assertThatThrownBy(() -> BenchmarkOptions.parse(OPTIONS, argv))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void medianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
    assertThat(Medians.of(new double[] {5, 1, 3})).isEqualTo(3);
    assertThat(Medians.of(new double[] {4, 1, 3, 10})).isEqualTo(3.5);
    assertThatThrownBy(() -> Medians.of(new double[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void medianSplitsAnyShuffledSampleInHalves() {
    SplittableRandom random = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      double[] values = random.doubles(1 + random.nextInt(20), -5, 5).toArray();
      double median = Medians.of(values);
      long below = Arrays.stream(values).filter(v -> v < median).count();
      long above = Arrays.stream(values).filter(v -> v > median).count();
      assertThat(below).isLessThanOrEqualTo(values.length / 2);
      assertThat(above).isLessThanOrEqualTo(values.length / 2);
    }
  }

  @Test
  void jsonWritesKeysInOrderWithTheDoubleFormat() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("engine", "PyTorch 2.7.1");
    values.put("d-model", 16);
    values.put("parameters", 438_272L);
    values.put("time_step_s", 0.123456789);
    assertThat(BenchmarkJson.write(values, "%.6g")).isEqualTo("{\"engine\": \"PyTorch 2.7.1\", "
        + "\"d-model\": 16, \"parameters\": 438272, \"time_step_s\": 0.123457}");
    assertThat(BenchmarkJson.write(Map.of("reward_ms", 1234.5678), "%.2f"))
        .isEqualTo("{\"reward_ms\": 1234.57}");
    assertThat(BenchmarkJson.write(Map.of(), "%.2f")).isEqualTo("{}");
  }

  @Test
  void gemmRateIsTheMedianOfTheLastFiveOfSevenRuns() {
    int[] runs = new int[1];
    double rate = GemmRate.gflops(64, () -> runs[0]++);
    assertThat(runs[0]).isEqualTo(7);
    assertThat(rate).isPositive();
  }
}
