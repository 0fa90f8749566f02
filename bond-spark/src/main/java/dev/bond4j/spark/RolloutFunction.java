package dev.bond4j.spark;

import dev.bond4j.BondException;
import dev.bond4j.model.RewardModel;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.decoder.DecoderPolicy;
import dev.bond4j.random.Seeds;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.SamplingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * The executor side of {@link SparkRollouts}: brings the executor's cached policy and anchor
 * models to this step's broadcast weights (only when they differ from what the cached model
 * holds), then samples and scores each prompt of the partition. A prompt's policy samples use the
 * seed of stream {@code policy-sampling} at its index under the step's policy seed, its anchor
 * samples the same under the step's anchor seed.
 *
 * @param base the policy folder the models are first loaded from (it fixes the shape)
 * @param reward the reward model
 * @param policyWeights the policy's weights this step
 * @param anchorWeights the anchor's weights this step, or null when no anchor samples are asked
 * @param policySamples policy completions per prompt
 * @param anchorSamples anchor completions per prompt
 * @param policySeed the step's policy seed
 * @param anchorSeed the step's anchor seed
 * @param sampling how completions are drawn
 */
public record RolloutFunction(PolicySource base, RewardSource reward,
    Broadcast<ShippedFolder> policyWeights, Broadcast<ShippedFolder> anchorWeights,
    int policySamples, int anchorSamples, long policySeed, long anchorSeed, SamplingSpec sampling)
    implements FlatMapFunction<Iterator<PromptRow>, RolloutResult> {
  @Override
  public Iterator<RolloutResult> call(Iterator<PromptRow> prompts) {
    List<RolloutResult> out = new ArrayList<>();
    if (!prompts.hasNext()) {
      return out.iterator();
    }
    try (ExecutorCache.Lease<TrainablePolicy> policy =
            ExecutorCache.borrow(base.key() + ":policy", base::load);
        ExecutorCache.Lease<TrainablePolicy> anchor =
            ExecutorCache.borrow(base.key() + ":anchor", base::load);
        ExecutorCache.Lease<RewardModel> scorer = ExecutorCache.borrow(reward.key(),
            reward::open)) {
      long start = System.nanoTime();
      bringTo(policy, policyWeights.value());
      if (anchorSamples > 0) {
        bringTo(anchor, anchorWeights.value());
      }
      double weightSeconds = (System.nanoTime() - start) / 1e9;
      SamplingSettings settings = sampling.settings();
      Seeds policySeeds = new Seeds(policySeed);
      Seeds anchorSeeds = new Seeds(anchorSeed);
      while (prompts.hasNext()) {
        PromptRow row = prompts.next();
        Prompt prompt = row.prompt();
        List<Completion> drawn = policy.value().sample(Collections.nCopies(policySamples, prompt),
            settings, policySeeds.seed(Seeds.POLICY_SAMPLING, row.index()));
        List<Completion> base = anchorSamples == 0 ? List.of()
            : anchor.value().sample(Collections.nCopies(anchorSamples, prompt), settings,
                anchorSeeds.seed(Seeds.POLICY_SAMPLING, row.index()));
        List<Completion> all = new ArrayList<>(drawn);
        all.addAll(base);
        double[] rewards = scorer.value().score(all);
        out.add(new RolloutResult(row.index(), scored(drawn, rewards, 0),
            scored(base, rewards, drawn.size()), weightSeconds));
        weightSeconds = 0;
      }
    }
    return out.iterator();
  }

  private static List<SampledCompletion> scored(List<Completion> completions, double[] rewards,
      int offset) {
    List<SampledCompletion> out = new ArrayList<>(completions.size());
    for (int i = 0; i < completions.size(); i++) {
      out.add(SampledCompletion.of(completions.get(i), rewards[offset + i]));
    }
    return out;
  }

  /** Restores {@code weights} into the leased model unless it holds them already. */
  private static void bringTo(ExecutorCache.Lease<TrainablePolicy> lease, ShippedFolder weights) {
    if (lease.version().equals(weights.hash())) {
      return;
    }
    if (!(lease.value() instanceof DecoderPolicy<?> decoder)) {
      throw new BondException("Spark rollouts need a decoder policy (DJL or dl4j); "
          + lease.value().getClass().getSimpleName() + " cannot take broadcast weights");
    }
    try {
      Path folder = Files.createTempDirectory("bond4j-weights-");
      try {
        weights.writeTo(folder);
        decoder.restore(folder);
      } finally {
        OutputFolder.deleteRecursively(folder);
      }
    } catch (IOException e) {
      throw new BondException("Cannot write broadcast weights: " + e.getMessage(), e);
    }
    lease.version(weights.hash());
  }
}
