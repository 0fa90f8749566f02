package dev.bond4j.djl.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.bond4j.djl.DjlOptions;
import dev.bond4j.djl.DjlPolicy;
import dev.bond4j.djl.DjlSnapshot;
import dev.bond4j.math.BestOfNSelector;
import dev.bond4j.math.JBondReward;
import dev.bond4j.math.TieRule;
import dev.bond4j.models.Gpt2Config;
import dev.bond4j.value.Completion;
import dev.bond4j.value.OptimizerSettings;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import dev.bond4j.value.WeightedSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times J-BOND steps of the DJL backend on a randomly initialised GPT-2 and prints one JSON
 * object. A step is SPEC S7: one policy sample and two anchor samples per prompt (plain,
 * temperature 1), a programmatic reward (the count of token 0 in the completion), the anchor's
 * log-probabilities of the policy samples, the weights of {@code β = 0.5}, one update on the
 * Best-of-2 and policy samples, and the EMA anchor move. Phases are timed separately; medians
 * over the measured steps are reported. {@code gemm_gflops} is a square float32 matrix product
 * measured in the same process, and {@code update_mfu} the model FLOPs of the update phase
 * ({@code 6 N} per token for the non-embedding parameters, {@code 6 d V} per predicted token for
 * the head and {@code 12 L d T} per token for attention) over that rate.
 *
 * <pre>
 * java -cp ... dev.bond4j.djl.bench.DjlBenchmark --d-model 128 --layers 2 --heads 4 --vocab 256 \
 *     --batch 16 --prompt 16 --new-tokens 48 --threads 1 --steps 20 --warmup 3
 * </pre>
 */
public final class DjlBenchmark {
  private final Map<String, Integer> args = new LinkedHashMap<>();

  private DjlBenchmark(String[] argv) {
    args.put("d-model", 128);
    args.put("layers", 2);
    args.put("heads", 4);
    args.put("vocab", 256);
    args.put("batch", 16);
    args.put("prompt", 16);
    args.put("new-tokens", 48);
    args.put("threads", 1);
    args.put("steps", 20);
    args.put("warmup", 3);
    args.put("gemm", 1024);
    for (int i = 0; i < argv.length; i += 2) {
      String key = argv[i].replaceFirst("^--", "");
      if (!args.containsKey(key) || i + 1 >= argv.length) {
        throw new IllegalArgumentException("Unknown or incomplete option " + argv[i]
            + "; options: " + args.keySet());
      }
      args.put(key, Integer.parseInt(argv[i + 1]));
    }
  }

  private int arg(String key) {
    return args.get(key);
  }

  /** Runs the benchmark and prints its JSON line. */
  public static void main(String[] argv) {
    System.out.println(new DjlBenchmark(argv).run());
  }

  private String run() {
    int batch = arg("batch");
    int newTokens = arg("new-tokens");
    int promptLength = arg("prompt");
    Gpt2Config config = new Gpt2Config(arg("vocab"), promptLength + newTokens,
        arg("d-model"), arg("layers"), arg("heads"), 4 * arg("d-model"), 1e-5, "gelu_new",
        arg("vocab") - 1);
    DjlOptions options = new DjlOptions("cpu", arg("threads"));
    OptimizerSettings optimizer = OptimizerSettings.builder().learningRate(1e-4).build();
    SplittableRandom random = new SplittableRandom(7);
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      int[] ids = new int[promptLength];
      for (int t = 0; t < promptLength; t++) {
        ids[t] = random.nextInt(config.vocabularySize() - 1);
      }
      prompts.add(Prompt.of("p" + i, TokenSequence.of(ids)));
    }
    List<Prompt> anchorPrompts = new ArrayList<>(prompts);
    anchorPrompts.addAll(prompts);
    SamplingSettings sampling = SamplingSettings.training(newTokens);
    int steps = arg("steps");
    int warmup = arg("warmup");
    double[] sample = new double[steps];
    double[] score = new double[steps];
    double[] update = new double[steps];
    double[] total = new double[steps];
    long[] sampledTokens = new long[steps];
    double[] updateFlops = new double[steps];
    try (DjlPolicy policy = DjlPolicy.create(config, 1, optimizer, options);
        DjlSnapshot anchor = policy.snapshot()) {
      for (int step = -warmup; step < steps; step++) {
        long t0 = System.nanoTime();
        List<Completion> ys = policy.sample(prompts, sampling, 1000 + step);
        List<Completion> anchors = anchor.sample(anchorPrompts, sampling, 2000 + step);
        long t1 = System.nanoTime();
        List<WeightedSequence> weighted = weigh(ys, anchors, anchor.logProbs(ys), batch);
        long t2 = System.nanoTime();
        policy.update(weighted);
        anchor.moveToward(policy, 0.02);
        long t3 = System.nanoTime();
        if (step >= 0) {
          sample[step] = (t1 - t0) / 1e9;
          score[step] = (t2 - t1) / 1e9;
          update[step] = (t3 - t2) / 1e9;
          total[step] = (t3 - t0) / 1e9;
          sampledTokens[step] = ys.stream().mapToLong(c -> c.completion().length()).sum()
              + anchors.stream().mapToLong(c -> c.completion().length()).sum();
          updateFlops[step] = updateFlops(config, weighted);
        }
      }
    }
    double gflops = gemmGflops(arg("gemm"));
    double stepTime = median(total);
    double updateTime = median(update);
    double sampleTime = median(sample);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", "PyTorch " + Engine.getEngine("PyTorch").getVersion());
    out.putAll(args);
    out.put("parameters", config.parameterCount());
    out.put("prompts_per_s", batch / stepTime);
    out.put("sample_tokens_per_s", median(sampledTokens) / sampleTime);
    out.put("time_step_s", stepTime);
    out.put("time_sample_s", sampleTime);
    out.put("time_score_s", median(score));
    out.put("time_update_s", updateTime);
    out.put("gemm_gflops", gflops);
    out.put("update_gflops", median(updateFlops) / updateTime / 1e9);
    out.put("update_mfu", median(updateFlops) / updateTime / 1e9 / gflops);
    return toJson(out);
  }

  /** SPEC S7 with β = 0.5, γ = 0: Best-of-2 of the anchor samples, and the J-BOND return. */
  private static List<WeightedSequence> weigh(List<Completion> ys, List<Completion> anchors,
      double[] anchorLogProbs, int batch) {
    double beta = 0.5;
    double[] returns = new double[batch];
    List<WeightedSequence> out = new ArrayList<>(2 * batch);
    for (int i = 0; i < batch; i++) {
      Completion a1 = anchors.get(i);
      Completion a2 = anchors.get(i + batch);
      double[] rewards = {reward(a1), reward(a2)};
      int best = BestOfNSelector.select(List.of(a1.completion(), a2.completion()), rewards,
          TieRule.STRICT, new SplittableRandom(i));
      out.add(WeightedSequence.of(best == 0 ? a1 : a2, (1 - beta) / batch));
      double rj = JBondReward.of(reward(ys.get(i)), rewards[0], rewards[1]);
      returns[i] = rj - (ys.get(i).logProb() - anchorLogProbs[i]);
    }
    double sum = Arrays.stream(returns).sum();
    for (int i = 0; i < batch; i++) {
      double baseline = batch > 1 ? (sum - returns[i]) / (batch - 1) : 0;
      out.add(WeightedSequence.of(ys.get(i), beta * (returns[i] - baseline) / batch));
    }
    return out;
  }

  private static double reward(Completion completion) {
    TokenSequence y = completion.completion();
    int count = 0;
    for (int t = 0; t < y.length(); t++) {
      count += y.get(t) == 0 ? 1 : 0;
    }
    return count;
  }

  /** Forward plus backward model FLOPs of one update (see the class comment). */
  private static double updateFlops(Gpt2Config config, List<WeightedSequence> batch) {
    double d = config.embeddingSize();
    double nonEmbedding = config.layers() * (4 * d * d + 2 * d * config.innerSize());
    double flops = 0;
    for (WeightedSequence s : batch) {
      int predicted = s.completion().length();
      int inputs = s.prompt().tokens().length() + predicted - 1;
      flops += 6 * nonEmbedding * inputs + 6 * d * config.vocabularySize() * predicted
          + 12.0 * config.layers() * d * inputs * inputs;
    }
    return flops;
  }

  private static double gemmGflops(int n) {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray a = manager.randomNormal(new Shape(n, n));
      NDArray b = manager.randomNormal(new Shape(n, n));
      JniUtils.setGradMode(false);
      double[] rates = new double[7];
      for (int r = 0; r < rates.length; r++) {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.toFloatArray();
        }
        rates[r] = 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9;
      }
      return median(Arrays.copyOfRange(rates, 2, rates.length));
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double median(long[] values) {
    return median(Arrays.stream(values).asDoubleStream().toArray());
  }

  private static String toJson(Map<String, Object> values) {
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      if (json.length() > 1) {
        json.append(", ");
      }
      json.append('"').append(entry.getKey()).append("\": ");
      Object value = entry.getValue();
      if (value instanceof Double d) {
        json.append(String.format(Locale.ROOT, "%.6g", d));
      } else if (value instanceof Number) {
        json.append(value);
      } else {
        json.append('"').append(value).append('"');
      }
    }
    return json.append('}').toString();
  }
}
