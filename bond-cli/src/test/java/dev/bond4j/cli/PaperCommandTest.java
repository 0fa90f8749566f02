package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bond paper} end to end, on a short budget, and its handling of bad input. */
class PaperCommandTest {

  private record Run(int status, String out, String err) {}

  private static Run bond(String... args) {
    CommandLine line = BondCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    int status = line.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void writesClaimsJsonPlotsAndReport(@TempDir Path dir) throws Exception {
    Run run = bond("paper", "--out", dir.toString(), "--steps", "40", "--max-steps", "100",
        "--seeds", "2");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("C1").contains("C7").contains("claims.json");
    JsonNode root = new ObjectMapper().readTree(dir.resolve("claims.json").toFile());
    assertThat(root.get("seeds").toString()).isEqualTo("[1,2]");
    JsonNode claims = root.get("claims");
    assertThat(claims.size()).isEqualTo(7);
    assertThat(root.get("studies").get(0).get("id").asText()).isEqualTo("S4 learned quantile");
    for (JsonNode claim : claims) {
      assertThat(claim.get("id").asText()).matches("C[1-7]");
      assertThat(claim.get("holds").isBoolean()).isTrue();
      JsonNode statistic = claim.get("statistics").get(0);
      assertThat(statistic.get("values").size()).isEqualTo(2);
      assertThat(statistic.get("ci95").size()).isEqualTo(2);
      for (JsonNode plot : claim.get("plots")) {
        BufferedImage image = ImageIO.read(dir.resolve(plot.asText()).toFile());
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(480);
      }
    }
    assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(9);
    assertThat(Files.readString(dir.resolve("report.md"))).contains("## C4").contains("95% CI");
  }

  @Test
  void rejectsBadSettingsWithOneLineAndNoStackTrace(@TempDir Path dir) {
    Run run = bond("paper", "--out", dir.toString(), "--steps", "0");
    assertThat(run.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(run.err()).contains("steps = 0").contains("an integer >= 1")
        .doesNotContain("\tat ");
    Run seeds = bond("paper", "--out", dir.toString(), "--seeds", "1");
    assertThat(seeds.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(seeds.err()).contains("seeds = 1").contains(">= 2");
    Run neural = bond("paper", "--out", dir.toString(), "--neural", "--neural-backend", "fake",
        "--neural-steps", "2");
    assertThat(neural.status()).isEqualTo(BondCommand.INVALID_INPUT);
    assertThat(neural.err()).contains("neural steps = 2");
    Run verbose = bond("paper", "--out", dir.toString(), "--steps", "0", "--verbose");
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void everySubcommandHasHelp() {
    assertThat(bond("--help").out()).contains("paper");
    assertThat(bond("paper", "--help").out()).contains("--out").contains("--steps")
        .contains("--seeds").contains("--ablation");
  }
}
