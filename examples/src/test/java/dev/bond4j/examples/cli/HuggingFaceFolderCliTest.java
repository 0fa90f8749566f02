package dev.bond4j.examples.cli;

import static dev.bond4j.examples.cli.BondCli.bond;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.cli.BondCommand;
import dev.bond4j.examples.cli.BondCli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's HuggingFace-folder path end to end through the {@code bond} command: {@code bond
 * init} writes a Qwen2-shaped model in sharded bf16 with a tokenizer, {@code bond train} runs
 * J-BOND on it with text prompts (the reward reading another tokenizer's ids), and each kind of bad model folder is refused with one line and
 * exit status 2.
 */
class HuggingFaceFolderCliTest {
  @TempDir Path dir;

  private Path init(String name) {
    return init(name, 64);
  }

  private Path init(String name, int vocabulary) {
    Path model = dir.resolve(name);
    String[] args = {"init", "--out", model.toString(), "--model-type", "qwen2", "--vocab",
        String.valueOf(vocabulary),
        "--hidden", "24", "--intermediate", "40", "--layers", "2", "--heads", "6", "--kv-heads",
        "2", "--positions", "48", "--dtype", "bfloat16", "--shard-size", "8KB",
        "--word-tokenizer"};
    Run run = bond(args);
    assertThat(run.status()).as(run.err()).isZero();
    return model;
  }

  @ParameterizedTest(name = "backend {0}")
  @ValueSource(strings = {"djl", "onnx"})
  void trainsJBondOnAShardedBfloat16FolderWithItsTokenizer(String backend) throws IOException {
    Path model = init("model");
    assertThat(model.resolve("model.safetensors.index.json")).exists();
    Files.writeString(dir.resolve("prompts.jsonl"),
        "{\"id\": \"a\", \"text\": \"w5 w17\"}\n{\"id\": \"b\", \"text\": \"w9 w2 w33\"}\n");
    Files.writeString(dir.resolve("run.yaml"), "backend: " + backend
        + "\npolicy: model\ntokenizer: model\n"
        + "prompts: prompts.jsonl\nbatchSize: 2\nmaxNewTokens: 6\nsteps: 2\nout: out\n"
        + "rewardTokenizer: byte\n");
    Run run = bond("train", "--config", dir.resolve("run.yaml").toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(Files.readAllLines(dir.resolve("out/metrics.jsonl"))).hasSize(3);
    assertThat(Files.readString(dir.resolve("out/policy/config.json")))
        .contains("\"model_type\": \"qwen2\"").contains("\"torch_dtype\": \"float32\"");
    Run sample = bond("sample", "--policy", dir.resolve("out/policy").toString(), "--tokenizer",
        model.toString(), "--prompt", "w5 w17", "-n", "2", "--max-new-tokens", "4");
    assertThat(sample.status()).as(sample.err()).isZero();
    assertThat(sample.out()).contains("w5 w17 | w");
  }

  @Test
  void badModelFoldersAreOneLineWithExitStatusTwo() throws IOException {
    Path model = init("bad");
    String config = Files.readString(model.resolve("config.json"));
    String[][] cases = {
      {"\"model_type\": \"qwen2\"", "\"model_type\": \"mixtral\"", "Unsupported model_type"},
      {"\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 2}",
          "rope_scaling type \"yarn\""},
      {"\"num_key_value_heads\": 2", "\"num_key_value_heads\": 4", "num_key_value_heads"},
      {"\"head_dim\": 4", "\"head_dim\": 5", "head_dim"},
      {"\"eos_token_id\": 63", "\"eos_token_id\": 64", "eos_token_id"},
      {"\"torch_dtype\": \"bfloat16\"", "\"torch_dtype\": \"float16\"",
          "but config.json's torch_dtype is float16"},
    };
    for (String[] bad : cases) {
      assertThat(config).contains(bad[0]);
      Files.writeString(model.resolve("config.json"), config.replace(bad[0], bad[1]));
      Run run = bond("sample", "--policy", model.toString(), "--tokenizer", "byte", "--prompt",
          "hi");
      assertThat(run.status()).as(bad[1]).isEqualTo(BondCommand.INVALID_INPUT);
      assertThat(run.err()).as(bad[1]).contains(bad[2]).doesNotContain("\tat ");
      assertThat(run.err().strip().lines()).as(bad[1]).hasSize(1);
    }
    Files.writeString(model.resolve("config.json"), config);
    String index = Files.readString(model.resolve("model.safetensors.index.json"));
    Files.writeString(model.resolve("model.safetensors.index.json"),
        index.replaceFirst("model-00001-of-\\d+", "model-gone"));
    Run missing = bond("sample", "--policy", model.toString(), "--tokenizer", "byte",
        "--prompt", "hi");
    assertThat(missing.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(missing.err()).contains("model-gone.safetensors").contains("missing");
  }

  @Test
  void aTokenizerLargerThanTheModelIsRefused() throws IOException {
    Path large = init("large-vocab", 80);
    Path model = init("small-vocab");
    Files.writeString(dir.resolve("prompts.txt"), "w5 w17\n");
    Files.writeString(dir.resolve("run.yaml"), "backend: djl\npolicy: small-vocab\n"
        + "tokenizer: " + large.getFileName() + "\nprompts: prompts.txt\nsteps: 1\nout: out\n");
    Run run = bond("train", "--config", dir.resolve("run.yaml").toString());
    assertThat(run.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(run.err()).contains("tokenizer vocabulary = 80")
        .contains("at most the policy's vocabulary of 64");
    assertThat(model).exists();
  }
}
