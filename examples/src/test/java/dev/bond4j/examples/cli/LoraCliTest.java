package dev.bond4j.examples.cli;

import static dev.bond4j.examples.cli.BondCli.bond;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.cli.BondCommand;
import dev.bond4j.examples.cli.BondCli.Run;
import dev.bond4j.decoder.LoraCheckpoint;
import dev.bond4j.decoder.SafeTensor;
import dev.bond4j.decoder.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA through the {@code bond} command: {@code bond train} with a {@code lora:} block writes a
 * PEFT adapter folder and resumes exactly, {@code bond sample} loads the adapter over its base,
 * {@code bond merge} writes the merged model; bad LoRA input is one line with exit status 2.
 */
class LoraCliTest {
  @TempDir Path dir;

  private Path init(String name, int hidden) {
    Path model = dir.resolve(name);
    Run run = bond("init", "--out", model.toString(), "--model-type", "qwen2", "--vocab", "64",
        "--hidden", String.valueOf(hidden), "--intermediate", "40", "--layers", "2", "--heads",
        "6", "--kv-heads", "2", "--positions", "48", "--word-tokenizer");
    assertThat(run.status()).as(run.err()).isZero();
    return model;
  }

  private Path config(String name, String lora, int steps, String out) throws IOException {
    return config(name, "djl", lora, steps, out);
  }

  private Path config(String name, String backend, String lora, int steps, String out)
      throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "backend: " + backend + "\npolicy: model\ntokenizer: model\n"
        + "prompts: prompts.txt\nbatchSize: 2\nmaxNewTokens: 5\nsteps: " + steps + "\nout: "
        + out + "\ncheckpointEvery: 1\nlora:\n" + lora);
    return file;
  }

  private static void assertRefused(Run run, String... fragments) {
    assertThat(run.status()).as(run.err()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(run.err()).contains(fragments).doesNotContain("\tat ");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @Test
  void trainsResumesSamplesAndMergesAnAdapter() throws IOException {
    init("model", 24);
    Files.writeString(dir.resolve("prompts.txt"), "w5 w17\nw9 w2 w33\n");
    String lora = "  rank: 4\n  alpha: 8\n  targetModules: [q_proj, v_proj, up_proj]\n"
        + "  modulesToSave: lm_head\n";
    Run straight = bond("train", "--config", config("a.yaml", lora, 3, "a").toString());
    assertThat(straight.status()).as(straight.err()).isZero();
    assertThat(Files.readString(dir.resolve("a/policy/adapter_config.json")))
        .containsPattern("\"modules_to_save\": \\[\\s*\"lm_head\"");
    assertThat(SafeTensors.read(dir.resolve("a/policy/adapter_model.safetensors")).tensors())
        .containsKey("base_model.model.lm_head.weight");
    assertThat(dir.resolve("a/policy/model.safetensors")).doesNotExist();
    assertThat(dir.resolve("a/checkpoints/step-3/anchor/adapter_model.safetensors")).exists();

    assertThat(bond("train", "--config", config("b.yaml", lora, 2, "b").toString()).status())
        .isZero();
    Run resumed = bond("train", "--resume", "--config", config("b.yaml", lora, 3, "b")
        .toString());
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("Resumed after step 2");
    for (String file : new String[] {"policy/adapter_model.safetensors",
        "policy/optimizer.safetensors", "anchor/adapter_model.safetensors"}) {
      assertThat(Files.readAllBytes(dir.resolve("b/checkpoints/step-3/" + file))).as(file)
          .isEqualTo(Files.readAllBytes(dir.resolve("a/checkpoints/step-3/" + file)));
    }
    Run otherRank = bond("train", "--resume", "--config", config("c.yaml",
        lora.replace("rank: 4", "rank: 2"), 4, "b").toString());
    assertThat(otherRank.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(otherRank.err()).contains("lora");

    Run sample = bond("sample", "--policy", dir.resolve("a/policy").toString(), "--tokenizer",
        dir.resolve("model").toString(), "--prompt", "w5 w17", "-n", "2", "--max-new-tokens",
        "4");
    assertThat(sample.status()).as(sample.err()).isZero();
    Run merge = bond("merge", "--adapter", dir.resolve("a/policy").toString(), "--out",
        dir.resolve("merged").toString());
    assertThat(merge.status()).as(merge.err()).isZero();
    assertThat(dir.resolve("merged/model.safetensors")).exists();
    assertRefused(bond("merge", "--adapter", dir.resolve("a/policy").toString(), "--out",
        dir.resolve("merged").toString()), "--out");
  }

  /**
   * An adapter trained with dropout resumes exactly: a run stopped after step 2 and resumed
   * writes the same step-3 files as one that ran straight through (the masks are keyed by the
   * step and the sampled sequences, which the checkpoint restores), and differs from the run
   * without dropout.
   */
  @ParameterizedTest
  @ValueSource(strings = {"djl", "dl4j"})
  void trainsAndResumesExactlyWithDropout(String backend) throws IOException {
    init("model", 24);
    Files.writeString(dir.resolve("prompts.txt"), "w5 w17\nw9 w2 w33\n");
    String lora = "  rank: 4\n  alpha: 8\n  dropout: 0.2\n"
        + "  targetModules: [q_proj, k_proj, v_proj, gate_proj, up_proj]\n";
    Run straight = bond("train", "--config", config("a.yaml", backend, lora, 3, "a").toString());
    assertThat(straight.status()).as(straight.err()).isZero();
    assertThat(bond("train", "--config", config("b.yaml", backend, lora, 2, "b").toString())
        .status()).isZero();
    Run resumed = bond("train", "--resume", "--config", config("b.yaml", backend, lora, 3, "b")
        .toString());
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("Resumed after step 2");
    String adapter = "policy/adapter_model.safetensors";
    for (String file : new String[] {adapter, "policy/optimizer.safetensors",
        "anchor/adapter_model.safetensors"}) {
      assertThat(Files.readAllBytes(dir.resolve("b/checkpoints/step-3/" + file))).as(file)
          .isEqualTo(Files.readAllBytes(dir.resolve("a/checkpoints/step-3/" + file)));
    }
    Run undropped = bond("train", "--config", config("c.yaml", backend,
        lora.replace("dropout: 0.2", "dropout: 0"), 3, "c").toString());
    assertThat(undropped.status()).as(undropped.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("c/checkpoints/step-3/" + adapter)))
        .isNotEqualTo(Files.readAllBytes(dir.resolve("a/checkpoints/step-3/" + adapter)));
  }

  @Test
  void badLoraInputIsOneLineWithExitStatusTwo() throws IOException {
    init("model", 24);
    Files.writeString(dir.resolve("prompts.txt"), "w5 w17\n");
    assertRefused(bond("train", "--config", config("unknown.yaml",
        "  rank: 2\n  targetModules: [q_proj, c_attn]\n", 1, "o1").toString()),
        "lora.targetModules", "c_attn", "gate_proj");
    assertRefused(bond("train", "--config", config("saved.yaml",
        "  rank: 2\n  targetModules: q_proj\n  modulesToSave: [wte]\n", 1, "o4").toString()),
        "lora.modulesToSave", "wte", "embed_tokens, lm_head");
    assertRefused(bond("train", "--config", config("zero.yaml",
        "  rank: 0\n  targetModules: q_proj\n", 1, "o2").toString()), "lora.rank");
    assertRefused(bond("train", "--config", config("large.yaml",
        "  rank: 9\n  targetModules: k_proj\n", 1, "o3").toString()), "lora.rank", "at most 8");

    Run trained = bond("train", "--config", config("ok.yaml",
        "  rank: 2\n  targetModules: [q_proj, down_proj]\n", 1, "ok").toString());
    assertThat(trained.status()).as(trained.err()).isZero();
    Path adapter = dir.resolve("ok/policy");
    Path file = adapter.resolve(LoraCheckpoint.ADAPTER_FILE);
    Map<String, SafeTensor> tensors = SafeTensors.read(file).tensors();

    Map<String, SafeTensor> missing = new LinkedHashMap<>(tensors);
    missing.remove("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight");
    new SafeTensors(missing, Map.of()).write(file);
    assertRefused(bond("merge", "--adapter", adapter.toString(), "--out",
        dir.resolve("m1").toString()), "missing tensor", "down_proj.lora_A");

    Map<String, SafeTensor> extra = new LinkedHashMap<>(tensors);
    extra.put("base_model.model.model.layers.0.mlp.gate_proj.lora_A.weight",
        SafeTensor.ofFloats(new long[] {2, 24}, new float[48]));
    new SafeTensors(extra, Map.of()).write(file);
    assertRefused(bond("sample", "--policy", adapter.toString(), "--tokenizer", "byte",
        "--prompt", "hi"), "extra tensor", "gate_proj");

    new SafeTensors(tensors, Map.of()).write(file);
    Path wider = init("wider", 36);
    String config = Files.readString(adapter.resolve(LoraCheckpoint.CONFIG_FILE));
    Files.writeString(adapter.resolve(LoraCheckpoint.CONFIG_FILE), config.replace(
        dir.resolve("model").toAbsolutePath().normalize().toString(), wider.toString()));
    assertRefused(bond("sample", "--policy", adapter.toString(), "--tokenizer", "byte",
        "--prompt", "hi"), "another base model");
  }
}
