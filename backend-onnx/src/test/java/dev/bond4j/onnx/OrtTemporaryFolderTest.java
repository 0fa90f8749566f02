package dev.bond4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A process that used ONNX Runtime leaves no {@code onnxruntime-java*} folder behind. */
class OrtTemporaryFolderTest {
  /** Starts ONNX Runtime, prints the folder it was extracted into, and exits. */
  public static void main(String[] args) {
    OnnxSessions.environment();
    System.out.println(OrtTemporaryFolder.ofThisProcess().map(Path::toString).orElse("none"));
  }

  @Test
  void theExtractionFolderIsGoneAfterExit() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "Linux only");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        OrtTemporaryFolderTest.class.getName()).redirectErrorStream(true).start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .strip();
    String folder = out.lines().reduce((a, b) -> b).orElse("");
    assertThat(child.exitValue()).as(out).isZero();
    assertThat(folder).as(out).contains("onnxruntime-java");
    assertThat(Path.of(folder)).doesNotExist();
  }
}
