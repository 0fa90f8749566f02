package dev.bond4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bond4j.Problems;
import dev.bond4j.algorithm.Algorithms;
import dev.bond4j.algorithm.Metrics;
import dev.bond4j.algorithm.Trainer;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.model.PolicySnapshot;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.models.bench.BenchmarkPrompts;
import dev.bond4j.spi.ModelShape;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.StepReport;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bond bench}: times J-BOND steps of a freshly initialised model on any backend after a
 * warm-up and prints one JSON object of medians. Backends may ship their own, deeper benchmark
 * (the DJL one also measures the GEMM rate and the update's MFU).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time J-BOND steps of a fresh model and print a JSON object of medians.")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--d-model", defaultValue = "128") private int dModel;
  @Option(names = "--layers", defaultValue = "2") private int layers;
  @Option(names = "--heads", defaultValue = "4") private int heads;
  @Option(names = "--vocab", defaultValue = "256") private int vocab;
  @Option(names = "--batch", defaultValue = "16") private int batch;
  @Option(names = "--prompt-length", defaultValue = "16") private int promptLength;
  @Option(names = "--new-tokens", defaultValue = "48") private int newTokens;
  @Option(names = "--steps", defaultValue = "10") private int steps;
  @Option(names = "--warmup", defaultValue = "3") private int warmup;

  @Mixin
  private PolicyOptions options;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Problems.of("bench").atLeast("--steps", steps, 1).atLeast("--warmup", warmup, 0)
        .atLeast("--batch", batch, 1).atLeast("--prompt-length", promptLength, 1)
        .atLeast("--new-tokens", newTokens, 1).throwIfAny();
    ModelShape shape = ModelShape.builder().vocabularySize(vocab).eosToken(vocab - 1)
        .contextLength(promptLength + newTokens).dModel(dModel).layers(layers).heads(heads)
        .build();
    Map<String, Object> result = new LinkedHashMap<>();
    try (TrainablePolicy policy = BackendRegistry.discover().require(options.backend).create(
        shape, options.backendOptions(), OptimizerSettings.builder().learningRate(1e-4).build(),
        1); PolicySnapshot reference = policy.snapshot()) {
      time(policy, reference, result);
    }
    spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** Runs the warm-up and the timed J-BOND steps and puts their medians in {@code result}. */
  private void time(TrainablePolicy policy, PolicySnapshot reference,
      Map<String, Object> result) {
    List<Prompt> prompts = BenchmarkPrompts.random(batch, promptLength, vocab);
    RewardModel evenTokens = sequences -> sequences.stream().mapToDouble(s -> {
      int even = 0;
      for (int t = 0; t < s.completion().length(); t++) {
        even += s.completion().get(t) % 2 == 0 ? 1 : 0;
      }
      return even;
    }).toArray();
    double[] step = new double[steps];
    double[] sample = new double[steps];
    double[] update = new double[steps];
    double[] tokens = new double[steps];
    try (Trainer trainer = Algorithms.jBond(policy, reference, evenTokens, prompts, 0.5, 0.02, 0,
        TrainingSettings.builder().batchSize(batch).maxNewTokens(newTokens).build())) {
      trainer.train(warmup);
      for (int i = 0; i < steps; i++) {
        StepReport r = trainer.step();
        step[i] = r.require(Metrics.TIME_STEP);
        sample[i] = r.require(Metrics.TIME_SAMPLE);
        update[i] = r.require(Metrics.TIME_UPDATE);
        tokens[i] = r.require(Metrics.TOKENS_PER_S) * step[i] / Math.max(sample[i], 1e-12);
      }
    }
    result.put("backend", options.backend);
    result.put("threads", options.threads);
    result.put("prompts_per_s", batch / median(step));
    result.put("sample_tokens_per_s", median(tokens));
    result.put("time_step_s", median(step));
    result.put("time_sample_s", median(sample));
    result.put("time_update_s", median(update));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
