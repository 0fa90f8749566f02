package dev.bond4j.spark;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark session of a bond-spark job: embedded ({@code local[*]}, the default) or
 * against a standalone cluster ({@code spark://host:port}). A standalone master is checked to
 * answer before Spark starts, since Spark itself would wait a minute before giving up, and to grant
 * an executor within 25 s, since jobs would otherwise wait for ever. Started
 * outside {@code spark-submit}, executors of a cluster get this JVM's class path (so the workers
 * must see the same files, as on one machine or a shared folder). Executors get
 * {@code OMP_NUM_THREADS=1} unless the settings say otherwise.
 */
public final class SparkSessions {
  /** How long a master has to accept a connection. */
  private static final int CONNECT_MILLIS = 5_000;
  /** How long a standalone master has to grant the first executor. */
  private static final long EXECUTOR_WAIT_SECONDS = 25;

  private SparkSessions() {}

  /**
   * A session on {@code master} named {@code app}, with extra settings.
   *
   * @throws dev.bond4j.InvalidArgumentException when a standalone master does not answer
   */
  public static SparkSession start(String master, String app, Map<String, String> settings) {
    if (master.startsWith("spark://")) {
      requireReachable(master);
    }
    SparkConf conf = new SparkConf().setMaster(master).setAppName(app)
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false");
    if (master.startsWith("local")) {
      conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    } else if (!conf.contains("spark.jars") && !conf.contains("spark.executor.extraClassPath")) {
      conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    }
    // One OpenMP thread per engine call: a task slot is the unit of parallelism, and PyTorch's
    // per-thread setting does not reach the executor's other task threads.
    conf.set("spark.executorEnv.OMP_NUM_THREADS", "1");
    settings.forEach(conf::set);
    SparkSession session = SparkSession.builder().config(conf).getOrCreate();
    if (master.startsWith("spark://")) {
      awaitExecutor(session, master);
    }
    return session;
  }

  /**
   * Waits until the cluster has granted at least one executor, so that a master without free
   * workers fails in seconds instead of leaving jobs waiting for ever.
   */
  private static void awaitExecutor(SparkSession session, String master) {
    long deadline = System.nanoTime() + EXECUTOR_WAIT_SECONDS * 1_000_000_000L;
    while (session.sparkContext().statusTracker().getExecutorInfos().length < 2) {
      if (System.nanoTime() > deadline) {
        session.stop();
        throw new BondException("The Spark master " + master + " granted no executor within "
            + EXECUTOR_WAIT_SECONDS + " s: are its workers up, with free cores and memory"
            + " (spark.executor.memory)?");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BondException("Interrupted while waiting for an executor of " + master, e);
      }
    }
  }

  /** Checks that at least one master of {@code spark://h1:p1,h2:p2} accepts a connection. */
  static void requireReachable(String master) {
    String[] hosts = master.substring("spark://".length()).split(",");
    for (String host : hosts) {
      URI uri = URI.create("spark://" + host);
      Problems.require(uri.getHost() != null && uri.getPort() > 0, "--master", master,
          "spark://HOST:PORT");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), CONNECT_MILLIS);
        return;
      } catch (IOException e) {
        // try the next master
      }
    }
    Problems.require(false, "--master", master, "a reachable Spark master (none answered within "
        + CONNECT_MILLIS / 1000 + " s)");
  }
}
