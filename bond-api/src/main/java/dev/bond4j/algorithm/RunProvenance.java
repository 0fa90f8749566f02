package dev.bond4j.algorithm;

import dev.bond4j.BondException;
import dev.bond4j.model.EngineInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a run's results came from: the bond4j build, the JVM and machine, the engine, a hash of
 * the run's full configuration and its seeds. Trainers write it with every checkpoint ({@code
 * provenance.json}) and hand it to their listeners before the first step, so that metric files
 * start with it. It holds no date, so the same run on the same machine records the same bytes.
 *
 * @param bond4jVersion the version of bond4j
 * @param gitCommit the commit bond4j was built from, or {@code "unknown"}
 * @param javaVersion the JVM's {@code java.version}
 * @param os the operating system's name and version
 * @param arch the machine architecture ({@code os.arch})
 * @param engine the engine that runs the trained policy
 * @param configSha256 SHA-256 of the run's identity: every setting a resume compares
 * @param seeds the seeds, by name ({@code run}: the seed every random stream derives from)
 */
public record RunProvenance(String bond4jVersion, String gitCommit, String javaVersion,
    String os, String arch, EngineInfo engine, String configSha256, Map<String, Long> seeds) {
  private static final String UNKNOWN = "unknown";
  private static final Properties BUILD = build();

  /** Copies the seeds, sorted by name. */
  public RunProvenance {
    seeds = Map.copyOf(new TreeMap<>(seeds));
  }

  /** The provenance of a run on {@code engine} with {@code identity} and {@code seeds}, here. */
  public static RunProvenance of(EngineInfo engine, RunIdentity identity,
      Map<String, Long> seeds) {
    return new RunProvenance(BUILD.getProperty("version", UNKNOWN),
        BUILD.getProperty("commit", UNKNOWN), System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("os.arch"), engine,
        Sha256.ofText(identity.text()), seeds);
  }

  /** One line of JSON, keys in a fixed order, seeds sorted by name. */
  public String toJson() {
    StringBuilder json = new StringBuilder("{");
    field(json, "bond4j", bond4jVersion).append(',');
    field(json, "commit", gitCommit).append(',');
    field(json, "java", javaVersion).append(',');
    field(json, "os", os).append(',');
    field(json, "arch", arch).append(',');
    field(json, "engine", engine.name()).append(',');
    field(json, "engineVersion", engine.version()).append(',');
    field(json, "device", engine.device()).append(',');
    field(json, "precision", engine.precision()).append(',');
    field(json, "configSha256", configSha256).append(",\"seeds\":{");
    String separator = "";
    for (Map.Entry<String, Long> seed : new TreeMap<>(seeds).entrySet()) {
      json.append(separator).append(quote(seed.getKey())).append(':').append(seed.getValue());
      separator = ",";
    }
    return json.append("}}").toString();
  }

  private static StringBuilder field(StringBuilder json, String key, String value) {
    return json.append(quote(key)).append(':').append(quote(value));
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : String.valueOf(text).toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static Properties build() {
    Properties properties = new Properties();
    try (InputStream in = RunProvenance.class.getResourceAsStream("/dev/bond4j/build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new BondException("Cannot read bond4j's build.properties: " + e.getMessage(), e);
    }
    // An unfiltered resource (an IDE build) still holds the placeholders.
    properties.stringPropertyNames().stream()
        .filter(key -> properties.getProperty(key).startsWith("${"))
        .forEach(key -> properties.setProperty(key, UNKNOWN));
    return properties;
  }
}
