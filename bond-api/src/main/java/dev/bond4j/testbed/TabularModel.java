package dev.bond4j.testbed;

import dev.bond4j.Problems;
import dev.bond4j.value.Completion;
import dev.bond4j.value.Prompt;
import dev.bond4j.value.PromptedSequence;
import dev.bond4j.value.SamplingSettings;
import dev.bond4j.value.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The parameters and the mathematics of a tabular autoregressive policy: one logit vector per
 * (context, prefix state) of a {@link SequenceSpace}, so it can represent any distribution over the
 * space, and everything about it can be computed exactly. Shared by {@link TabularPolicy} (which
 * trains it) and {@link TabularSnapshot} (a frozen copy). A prompt selects the context: its single
 * token is the context index.
 */
final class TabularModel {
  final SequenceSpace space;
  final int contexts;
  /** {@code logits[(context * stateCount + state) * V + token]}. */
  final double[] logits;

  TabularModel(SequenceSpace space, int contexts, double[] logits) {
    Problems.of("TabularModel").atLeast("contexts", contexts, 1)
        .check(logits.length == (long) contexts * space.stateCount() * space.vocabularySize(),
            "logits.length", logits.length,
            "contexts * states * vocabulary = " + contexts * space.stateCount()
                * space.vocabularySize())
        .throwIfAny();
    for (int i = 0; i < logits.length; i++) {
      Problems.require(Double.isFinite(logits[i]), "logits[" + i + "]", logits[i], "finite");
    }
    this.space = space;
    this.contexts = contexts;
    this.logits = logits;
  }

  TabularModel copy() {
    return new TabularModel(space, contexts, logits.clone());
  }

  int parameterCount() {
    return logits.length;
  }

  int offset(int context, int state) {
    return (context * space.stateCount() + state) * space.vocabularySize();
  }

  /** The context a prompt selects: its one token. */
  int contextOf(Prompt prompt) {
    TokenSequence tokens = prompt.tokens();
    Problems.require(tokens.length() == 1 && tokens.get(0) < contexts, "prompt.tokens",
        tokens, "a single context id in [0, " + contexts + ")");
    return tokens.get(0);
  }

  /** Temperature-1 log-probabilities of the next token at (context, state). */
  double[] logSoftmax(int context, int state) {
    int v = space.vocabularySize();
    int off = offset(context, state);
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < v; i++) {
      max = Math.max(max, logits[off + i]);
    }
    double sum = 0;
    for (int i = 0; i < v; i++) {
      sum += Math.exp(logits[off + i] - max);
    }
    double logZ = max + Math.log(sum);
    double[] out = new double[v];
    for (int i = 0; i < v; i++) {
      out[i] = logits[off + i] - logZ;
    }
    return out;
  }

  /** {@code log π(y | context)} for a complete sequence of the space. */
  double logProb(int context, TokenSequence completion) {
    int[] path = space.walk(completion);
    double sum = 0;
    for (int t = 0; t < path.length; t++) {
      sum += logSoftmax(context, path[t])[completion.get(t)];
    }
    return sum;
  }

  double[] logProbs(List<? extends PromptedSequence> sequences) {
    double[] out = new double[sequences.size()];
    for (int i = 0; i < out.length; i++) {
      PromptedSequence s = sequences.get(i);
      out[i] = logProb(contextOf(s.prompt()), s.completion());
    }
    return out;
  }

  /** The exact distribution over the space in context {@code context}, in index order. */
  double[] distribution(int context) {
    double[][] stateLogProbs = new double[space.stateCount()][];
    for (int s = 0; s < stateLogProbs.length; s++) {
      stateLogProbs[s] = logSoftmax(context, s);
    }
    double[] probs = new double[space.size()];
    for (int i = 0; i < probs.length; i++) {
      TokenSequence y = space.sequence(i);
      int[] path = space.statePath(i);
      double lp = 0;
      for (int t = 0; t < path.length; t++) {
        lp += stateLogProbs[path[t]][y.get(t)];
      }
      probs[i] = Math.exp(lp);
    }
    return probs;
  }

  List<Completion> sample(List<Prompt> prompts, SamplingSettings settings, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Completion> out = new ArrayList<>(prompts.size());
    int limit = Math.min(settings.maxNewTokens(), space.maxLength());
    for (Prompt prompt : prompts) {
      int context = contextOf(prompt);
      int state = 0;
      int[] tokens = new int[limit];
      double[] logProbs = new double[limit];
      int length = 0;
      boolean eos = false;
      while (length < limit && !eos) {
        double[] probs = samplingDistribution(context, state, settings);
        double u = random.nextDouble();
        int token = 0;
        double cumulative = probs[0];
        while (u >= cumulative && token < probs.length - 1) {
          token++;
          cumulative += probs[token];
        }
        while (probs[token] == 0) {
          token--;
        }
        tokens[length] = token;
        logProbs[length] = Math.log(probs[token]);
        length++;
        eos = token == space.eosToken();
        if (!eos && length < space.maxLength()) {
          state = space.child(state, token);
        }
      }
      out.add(Completion.builder().prompt(prompt)
          .completion(TokenSequence.of(Arrays.copyOf(tokens, length)))
          .tokenLogProbs(Arrays.copyOf(logProbs, length)).endedWithEos(eos).build());
    }
    return out;
  }

  /** Next-token probabilities after temperature, top-k and top-p (SPEC S9). */
  double[] samplingDistribution(int context, int state, SamplingSettings settings) {
    int v = space.vocabularySize();
    int off = offset(context, state);
    double[] scaled = new double[v];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < v; i++) {
      scaled[i] = logits[off + i] / settings.temperature();
      max = Math.max(max, scaled[i]);
    }
    double[] probs = new double[v];
    double sum = 0;
    for (int i = 0; i < v; i++) {
      probs[i] = Math.exp(scaled[i] - max);
      sum += probs[i];
    }
    for (int i = 0; i < v; i++) {
      probs[i] /= sum;
    }
    return Truncation.apply(probs, settings.topK(), settings.topP());
  }
}
