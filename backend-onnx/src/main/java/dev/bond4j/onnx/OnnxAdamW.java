package dev.bond4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import dev.bond4j.decoder.AdamStep;
import dev.bond4j.decoder.AdamWState;
import dev.bond4j.onnx.train.TrainingGraphs;
import dev.bond4j.value.OptimizerSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * AdamW as a generated graph ({@link TrainingGraphs#adamW}) whose moments, like the parameters and
 * the accumulated gradients, stay in ONNX Runtime between steps. The step's scalars come from
 * {@link AdamStep}, the same for every engine; a gradient whose norm is not finite raises before
 * any tensor is replaced.
 */
final class OnnxAdamW extends AdamWState implements AutoCloseable {
  private final OnnxTrainableModel model;
  private final OrtParameters zeros;
  private final OrtParameters first;
  private final OrtParameters second;
  private OrtParameters gradients;
  private double gradientSquares;
  private GraphSession session;

  OnnxAdamW(OptimizerSettings settings, OnnxTrainableModel model) {
    super(settings);
    this.model = model;
    this.zeros = OrtParameters.of(model.layout(), null);
    this.first = OrtParameters.of(model.layout(), null);
    this.second = OrtParameters.of(model.layout(), null);
  }

  @Override
  public float[] firstMoment() {
    return first.values();
  }

  @Override
  public float[] secondMoment() {
    return second.values();
  }

  @Override
  protected void restoreMoments(float[] firstMoment, float[] secondMoment) {
    first.set(firstMoment);
    second.set(secondMoment);
  }

  @Override
  public void zeroGradients() {
    if (gradients != null) {
      gradients.close();
      gradients = null;
    }
    gradientSquares = 0;
  }

  /** The accumulated gradients by parameter name: zeros before the first micro-batch. */
  Map<String, OnnxTensor> accumulated() {
    return (gradients == null ? zeros : gradients).tensors();
  }

  /**
   * Takes a micro-batch's outputs: the new accumulated gradients ({@link TrainingGraphs#grad}) and
   * their squared norm.
   */
  void accumulate(Map<String, OnnxValue> outputs, double squares) {
    if (gradients == null) {
      gradients = OrtParameters.from(model.layout(), outputs, TrainingGraphs::grad);
    } else {
      gradients.replace(outputs, TrainingGraphs::grad);
    }
    gradientSquares = squares;
  }

  @Override
  public double step() {
    AdamStep step = next(Math.sqrt(gradientSquares));
    if (session == null) {
      session = new GraphSession(TrainingGraphs.adamW(model.config(), settings()), model.options(),
          "AdamW graph");
    }
    try (OnnxTensor lr = GraphSession.scalar(step.learningRate());
        OnnxTensor clip = GraphSession.scalar(step.clip());
        OnnxTensor c1 = GraphSession.scalar(step.correction1());
        OnnxTensor c2 = GraphSession.scalar(step.correction2())) {
      Map<String, OnnxTensor> inputs = new HashMap<>(model.parameters().tensors());
      Map<String, OnnxTensor> grads = accumulated();
      for (String name : model.layout().names()) {
        inputs.put(TrainingGraphs.grad(name), grads.get(name));
        inputs.put(TrainingGraphs.firstMoment(name), first.get(name));
        inputs.put(TrainingGraphs.secondMoment(name), second.get(name));
      }
      inputs.put(TrainingGraphs.LEARNING_RATE, lr);
      inputs.put(TrainingGraphs.CLIP, clip);
      inputs.put(TrainingGraphs.CORRECTION1, c1);
      inputs.put(TrainingGraphs.CORRECTION2, c2);
      Map<String, OnnxValue> outputs = session.run(inputs);
      model.parameters().replace(outputs, TrainingGraphs::updated);
      first.replace(outputs, name -> TrainingGraphs.updated(TrainingGraphs.firstMoment(name)));
      second.replace(outputs, name -> TrainingGraphs.updated(TrainingGraphs.secondMoment(name)));
    }
    taken(step);
    return step.norm();
  }

  @Override
  public void close() {
    zeroGradients();
    zeros.close();
    first.close();
    second.close();
    if (session != null) {
      session.close();
    }
  }
}
