package dev.bond4j.spark;

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
 * answer before Spark starts, since Spark itself would wait a minute before giving up. Started
 * outside {@code spark-submit}, executors of a cluster get this JVM's class path (so the workers
 * must see the same files, as on one machine or a shared folder).
 */
public final class SparkSessions {
  /** How long a master has to accept a connection. */
  private static final int CONNECT_MILLIS = 5_000;

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
    settings.forEach(conf::set);
    return SparkSession.builder().config(conf).getOrCreate();
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
