package dev.bond4j.dl4j.bench;

import dev.bond4j.dl4j.Dl4jPolicy;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.bench.BenchmarkMain;
import dev.bond4j.decoder.bench.GemmRate;
import dev.bond4j.decoder.bench.JBondBackend;
import dev.bond4j.decoder.bench.JBondBenchmark;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times J-BOND steps of the dl4j (ND4J SameDiff) backend on a randomly initialised GPT-2 and
 * prints one JSON object: the shared {@link JBondBenchmark} (options, JSON keys and FLOP count are
 * described there) on ND4J, so the line compares directly with the DJL backend's. {@code
 * gemm_gflops} is measured once, after the steps.
 *
 * <pre>
 * java -cp ... dev.bond4j.dl4j.bench.Dl4jBenchmark --d-model 128 --layers 2 --heads 4 --vocab 256 \
 *     --batch 16 --prompt 16 --new-tokens 48 --threads 1 --steps 20 --warmup 3
 * </pre>
 */
public final class Dl4jBenchmark implements JBondBackend<Dl4jPolicy> {
  /** Runs the benchmark and prints its JSON line; bad options exit with status 2. */
  public static void main(String[] argv) throws Exception {
    BenchmarkMain.run(options -> JBondBenchmark.run(new Dl4jBenchmark(), options), argv);
  }

  @Override
  public String backend() {
    return "dl4j";
  }

  /** The ND4J version on the class path, from the jars' Maven metadata. */
  @Override
  public String engine() {
    try (InputStream in = Nd4j.class.getResourceAsStream(
        "/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return "ND4J SameDiff " + properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "ND4J SameDiff unknown";
    }
  }

  @Override
  public Dl4jPolicy create(DecoderConfig config, OptimizerSettings optimizer, int threads) {
    return Dl4jPolicy.create(config, 1, optimizer,
        BackendOptions.builder().threads(threads).build());
  }

  @Override
  public double gemmGflops(int n) {
    try (INDArray a = Nd4j.randn(DataType.FLOAT, n, n);
        INDArray b = Nd4j.randn(DataType.FLOAT, n, n)) {
      return GemmRate.gflops(n, () -> {
        try (INDArray c = a.mmul(b)) {
          c.getFloat(0);
        }
      });
    }
  }
}
