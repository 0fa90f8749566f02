package dev.bond4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.cli.BondCommand;
import dev.bond4j.demo.ReviewCorpus;
import dev.bond4j.demo.WordTokenizer;
import dev.bond4j.djl.DjlBackend;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.onnx.export.MeanEmbeddingRewardExport;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.OptimizerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bond train} with {@code reward: onnx}: a DJL policy trained by J-BOND against an ONNX
 * reward model, both found by name through the service interfaces.
 */
class TrainWithOnnxRewardTest {

  @Test
  void trainsAgainstAnOnnxRewardModel(@TempDir Path dir) throws Exception {
    WordTokenizer tokenizer = ReviewCorpus.tokenizer();
    TrainablePolicy policy = new DjlBackend().create(ModelShape.builder()
        .vocabularySize(tokenizer.vocabularySize()).eosToken(WordTokenizer.EOS)
        .contextLength(16).dModel(16).layers(1).heads(2).build(), BackendOptions.defaults(),
        OptimizerSettings.defaults(), 3);
    policy.save(dir.resolve("policy"));
    float[][] embedding = new float[tokenizer.vocabularySize()][1];
    embedding[tokenizer.encode("lovely").get(0)][0] = 1f;
    embedding[tokenizer.encode("awful").get(0)][0] = -1f;
    MeanEmbeddingRewardExport.write(dir.resolve("reward.onnx"), embedding, new float[][] {{1f}},
        new float[] {0f});
    Files.writeString(dir.resolve("prompts.txt"), "the soup was\nthe view seemed\n");
    Files.writeString(dir.resolve("run.yaml"), String.join("\n", "backend: djl",
        "policy: policy", "tokenizer: demo", "prompts: prompts.txt", "reward: onnx",
        "rewardModel: reward.onnx", "rewardMaxLength: 16", "steps: 3", "batchSize: 2",
        "maxNewTokens: 8", "out: result", ""));
    CommandLine bond = BondCommand.commandLine();
    StringWriter err = new StringWriter();
    bond.setErr(new PrintWriter(err));
    bond.setOut(new PrintWriter(new StringWriter()));
    assertThat(bond.execute("train", "--config", dir.resolve("run.yaml").toString()))
        .as(err.toString()).isZero();
    assertThat(Files.readAllLines(dir.resolve("result/metrics.jsonl"))).hasSize(4);
    assertThat(dir.resolve("result/checkpoints/step-3/anchor/model.safetensors")).isRegularFile();
  }
}
