package dev.bond4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: a master and workers (one core each),
 * each in its own JVM on the test class path, started and stopped by the test. Workers launch
 * executors as separate JVMs too; their class path is the test's, handed over as
 * {@code spark.executor.extraClassPath}, and their Spark home an empty folder.
 */
final class StandaloneCluster implements AutoCloseable {
  private final Path dir;
  private final String classPath;
  private final Process master;
  private final int port;
  private final List<Process> workers = new ArrayList<>();

  private StandaloneCluster(Path dir, int workerCount) throws IOException {
    this.dir = dir;
    this.classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Files.createDirectories(dir.resolve("spark-home/jars"));
    Files.createDirectories(dir.resolve("logs"));
    this.port = freePort();
    this.master = launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
    awaitListening(port);
    for (int i = 0; i < workerCount; i++) {
      workers.add(launch("worker-" + i, "org.apache.spark.deploy.worker.Worker", url(),
          "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port",
          String.valueOf(freePort()), "--work-dir", dir.resolve("work-" + i).toString()));
    }
  }

  /** Starts a master and {@code workers} workers under {@code dir}. */
  static StandaloneCluster start(Path dir, int workers) throws IOException {
    return new StandaloneCluster(dir, workers);
  }

  /** The master's URL. */
  String url() {
    return "spark://127.0.0.1:" + port;
  }

  /** The settings a driver of this cluster needs. */
  java.util.Map<String, String> driverSettings() {
    return java.util.Map.of("spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1", "spark.executor.memory", "768m",
        "spark.executor.cores", "1", "spark.executor.extraClassPath", classPath);
  }

  /** Kills worker {@code index} and the executors it started, at once (no clean shutdown). */
  void kill(int index) {
    Process worker = workers.get(index);
    worker.descendants().forEach(ProcessHandle::destroyForcibly);
    worker.destroyForcibly();
  }

  @Override
  public void close() throws InterruptedException {
    for (Process worker : workers) {
      worker.descendants().forEach(ProcessHandle::destroy);
      worker.destroy();
    }
    master.destroy();
    for (Process process : workers) {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    if (!master.waitFor(20, TimeUnit.SECONDS)) {
      master.destroyForcibly();
    }
  }

  private Process launch(String name, String main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("spark.jvm.options", "").split("\\s+")));
    command.addAll(List.of("-Xmx256m", "-cp", classPath, main));
    command.addAll(Arrays.asList(args));
    command.removeIf(String::isEmpty);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("logs/" + name + ".log").toFile());
    builder.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  private static void awaitListening(int port) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("The Spark master did not listen on port " + port);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
