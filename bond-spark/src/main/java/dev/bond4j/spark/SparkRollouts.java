package dev.bond4j.spark;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.model.Policy;
import dev.bond4j.decoder.DecoderCheckpoint;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.rollout.RolloutBatch;
import dev.bond4j.rollout.RolloutRequest;
import dev.bond4j.rollout.RolloutSource;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * J-BOND's (or REINFORCE's) rollouts on Spark executors: the learner stays on the driver; each
 * step the policy's and the anchor's current weights go out as broadcasts, executors bring their
 * cached models to them ({@link RolloutFunction}), sample and score the step's prompts and send the
 * scored completions back. Executors load the model once per JVM and task slot; a step costs a
 * broadcast of the weights, not a load. A prompt's seeds derive from the step's seeds and the
 * prompt's position in the batch, so a step's rollouts do not depend on the number of partitions
 * (they differ from {@link RolloutSource#inProcess()}'s, which draws the whole batch from one
 * stream). {@link #timings()} reports the broadcast's cost per step.
 */
public final class SparkRollouts implements RolloutSource {
  private final SparkSession spark;
  private final PolicySource base;
  private final RewardSource reward;
  private final int partitions;
  private final List<RolloutTiming> timings = new ArrayList<>();

  /**
   * Rollouts over {@code partitions} tasks per step.
   *
   * @param base the folder the trained policy was loaded from: executors load it once, then
   *     take each step's weights
   */
  public SparkRollouts(SparkSession spark, PolicySource base, RewardSource reward,
      int partitions) {
    Problems.require(partitions >= 1, "partitions", partitions, "an integer >= 1");
    this.spark = spark;
    this.base = base;
    this.reward = reward;
    this.partitions = partitions;
  }

  @Override
  public RolloutBatch generate(RolloutRequest request) {
    long start = System.nanoTime();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ShippedFolder policyWeights = weights(request.policy());
    ShippedFolder anchorWeights = request.anchorSamples() == 0 ? null
        : request.anchor() == request.policy() ? policyWeights : weights(request.anchor());
    Broadcast<ShippedFolder> policyCast = context.broadcast(policyWeights);
    Broadcast<ShippedFolder> anchorCast = anchorWeights == null ? null
        : context.broadcast(anchorWeights);
    double prepare = (System.nanoTime() - start) / 1e9;
    List<Prompt> prompts = request.prompts();
    RolloutFunction function = new RolloutFunction(base, reward, policyCast, anchorCast,
        request.policySamples(), request.anchorSamples(), request.policySeed(),
        request.anchorSeed(), SamplingSpec.of(request.sampling()));
    List<RolloutResult> results;
    try {
      results = new ArrayList<>(context.parallelize(BestOfNGeneration.index(prompts),
          Math.min(partitions, prompts.size())).mapPartitions(function).collect());
    } finally {
      policyCast.destroy();
      if (anchorCast != null) {
        anchorCast.destroy();
      }
    }
    results.sort(Comparator.comparingLong(RolloutResult::index));
    List<Completion> policy = new ArrayList<>();
    List<Completion> anchor = new ArrayList<>();
    List<Double> rewards = new ArrayList<>();
    List<Double> anchorRewards = new ArrayList<>();
    double weightSeconds = 0;
    for (RolloutResult result : results) {
      Prompt prompt = prompts.get((int) result.index());
      for (SampledCompletion c : result.policy()) {
        policy.add(c.completion(prompt));
        rewards.add(c.reward());
      }
      for (SampledCompletion c : result.anchor()) {
        anchor.add(c.completion(prompt));
        anchorRewards.add(c.reward());
      }
      weightSeconds = Math.max(weightSeconds, result.weightSeconds());
    }
    rewards.addAll(anchorRewards);
    long bytes = policyWeights.bytes()
        + (anchorWeights == null || anchorWeights == policyWeights ? 0 : anchorWeights.bytes());
    synchronized (timings) {
      timings.add(new RolloutTiming(bytes, prepare, weightSeconds,
          (System.nanoTime() - start) / 1e9));
    }
    return RolloutBatch.scored(policy, anchor,
        rewards.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The cost of every step so far, in order. */
  public List<RolloutTiming> timings() {
    synchronized (timings) {
      return List.copyOf(timings);
    }
  }

  /** The parameters of {@code policy} as a shippable checkpoint folder. */
  private static ShippedFolder weights(Policy policy) {
    if (!(policy instanceof DecoderPolicy<?> decoder)) {
      throw new BondException("Spark rollouts need a decoder policy (DJL or dl4j), not "
          + policy.getClass().getSimpleName());
    }
    try {
      Path folder = Files.createTempDirectory("bond4j-broadcast-");
      try {
        new DecoderCheckpoint(decoder.config(), decoder.parameters(), null, null, 0)
            .write(folder);
        return ShippedFolder.of(folder, "weights");
      } finally {
        OutputFolder.deleteRecursively(folder);
      }
    } catch (IOException e) {
      throw new BondException("Cannot copy the weights to broadcast: " + e.getMessage(), e);
    }
  }
}
