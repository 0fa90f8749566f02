package dev.bond4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bond4j.cli.BondCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The embedded demo end to end on the DJL backend, in a reduced setting (a shorter reference
 * pre-training and 60 steps per run): every output exists and J-BOND's reward rises above the
 * reference's.
 */
class DemoEndToEndTest {

  @Test
  void theDemoWritesEveryOutputAndRaisesTheReward(@TempDir Path dir) throws Exception {
    CommandLine bond = BondCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    bond.setOut(new PrintWriter(out));
    bond.setErr(new PrintWriter(err));
    int status = bond.execute("demo", "--out", dir.toString(), "--steps", "60",
        "--pretrain-steps", "200");
    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Summary").contains("J-BOND").contains("N=16");
    for (String plot : new String[] {"reward.png", "kl.png", "reward-vs-kl.png"}) {
      assertThat(ImageIO.read(dir.resolve(plot).toFile()).getWidth()).isEqualTo(640);
    }
    assertThat(Files.readAllLines(dir.resolve("runs/jbond/metrics.jsonl"))).hasSize(61);
    assertThat(Files.readAllLines(dir.resolve("runs/reinforce-0.01/metrics.csv"))).hasSize(62);
    assertThat(Files.readString(dir.resolve("samples.md"))).contains("| the soup was |");
    assertThat(dir.resolve("reference/model.safetensors")).isRegularFile();
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    double before = summary.at("/reference/reward").asDouble();
    double after = summary.at("/distilled/reward").asDouble();
    // 192 samples per evaluation: the standard error of a mean reward is about 0.2 here.
    assertThat(after).as("J-BOND's reward").isGreaterThan(before + 0.4);
    assertThat(summary.at("/distilled/klFromReference").asDouble()).isPositive().isFinite();
    assertThat(summary.at("/bestOfNReward/16").asDouble())
        .isGreaterThan(summary.at("/bestOfNReward/1").asDouble());
  }
}
