package dev.bond4j.model;

/**
 * The engine that runs a policy, as a run's provenance records it.
 *
 * @param name the engine ({@code "PyTorch (DJL)"}, {@code "ND4J SameDiff"}, {@code "java"})
 * @param version the engine's version, or {@code "unknown"}
 * @param device where it computes: {@code "cpu"} or {@code "cuda:N"}
 * @param precision the number type of its parameters and arithmetic: {@code "float32"}, ...
 */
public record EngineInfo(String name, String version, String device, String precision) {
  /** Pure-Java arithmetic in double precision on the CPU: the exact testbed. */
  public static EngineInfo java() {
    return new EngineInfo("java", System.getProperty("java.version"), "cpu", "float64");
  }
}
