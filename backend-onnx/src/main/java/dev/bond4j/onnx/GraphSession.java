package dev.bond4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.bond4j.NativeEngineException;
import dev.bond4j.onnx.train.DiffGraph;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ONNX Runtime session of a generated graph (a training step, an optimizer step, the anchor's
 * move) whose outputs stay in ONNX Runtime: {@link #run} hands them over, and the caller keeps the
 * ones it feeds back and closes the others.
 */
final class GraphSession implements AutoCloseable {
  private final String what;
  private final OrtSession session;

  GraphSession(DiffGraph graph, OnnxOptions options, String what) {
    this.what = what;
    this.session = OnnxSessions.open(graph.toBytes(), options, what);
  }

  /** Runs the graph; every output is the caller's to keep or close. */
  Map<String, OnnxValue> run(Map<String, OnnxTensor> inputs) {
    Map<String, OnnxValue> out = new LinkedHashMap<>();
    try {
      OrtSession.Result result = OrtObjects.result(session.run(inputs));
      result.forEach(entry -> out.put(entry.getKey(), entry.getValue()));
      return out;
    } catch (OrtException | RuntimeException e) {
      out.values().forEach(OnnxValue::close);
      throw new NativeEngineException("ONNX Runtime failed to run the " + what + ": "
          + e.getMessage(), e);
    }
  }

  /** A float scalar input; the caller closes it. */
  static OnnxTensor scalar(double value) {
    try {
      return OrtObjects.value(OnnxTensor.createTensor(OnnxSessions.environment(),
          (float) value));
    } catch (OrtException e) {
      throw new NativeEngineException("ONNX Runtime cannot hold a scalar: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      OrtObjects.close(session);
    } catch (OrtException e) {
      throw new NativeEngineException("Cannot close the ONNX Runtime session of the " + what, e);
    }
  }
}
