package dev.bond4j.djl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class DjlBenchmarkTest {
  @Test
  void printsTheFiguresOfATinyRun() throws Exception {
    JsonObject json = JsonParser.parseString(DjlBenchmark.run(new String[] {"--d-model", "16",
        "--layers", "1", "--heads", "2", "--vocab", "12", "--batch", "4", "--prompt", "3",
        "--new-tokens", "5", "--steps", "3", "--warmup", "1", "--gemm", "64"}))
        .getAsJsonObject();
    for (String key : new String[] {"prompts_per_s", "sample_tokens_per_s", "time_sample_s",
        "time_update_s", "gemm_gflops", "update_mfu"}) {
      assertThat(json.get(key).getAsDouble()).as(key).isPositive();
    }
    assertThat(json.get("d-model").getAsInt()).isEqualTo(16);
    assertThat(json.get("batch").getAsInt()).isEqualTo(4);
  }

  @Test
  void rejectsUnknownOptions() {
    assertThatThrownBy(() -> DjlBenchmark.run(new String[] {"--depth", "3"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--depth");
  }
}
