package dev.bond4j.decoder;

import dev.bond4j.value.PromptedSequence;
import java.util.List;
import java.util.SplittableRandom;

/**
 * PEFT's {@code lora_dropout} for one micro-batch of an update: the masks every engine multiplies
 * an adapted layer's input by on the adapter's branch only ({@code B(A(dropout(x))) · alpha/r};
 * the frozen base path sees {@code x}), drawn in Java so that every engine drops the same entries.
 * A mask entry is 0 with probability {@code p} and {@code 1 / (1 - p)} otherwise (inverted
 * dropout); each PEFT module has its own mask, also where the internal layout fuses modules.
 *
 * <p>The masks are a pure function of the optimizer step, the sequence's index in the whole
 * batch and its tokens (through which the run's seed enters), the block, the PEFT module and the
 * position: so an update split into micro-batches draws the same masks as one batch, a resumed
 * run the same as an uninterrupted one, and sampling, scoring, merging and exporting draw none.
 */
public final class LoraDropout {
  private final LoraLayout layout;
  private final double probability;
  private final float kept;
  /** One key per sequence of the micro-batch. */
  private final long[] sequenceKeys;

  private LoraDropout(LoraLayout layout, long step, int first,
      List<? extends PromptedSequence> sequences) {
    this.layout = layout;
    this.probability = layout.settings().dropout();
    this.kept = (float) (1 / (1 - probability));
    this.sequenceKeys = new long[sequences.size()];
    long stepKey = mix(0x4c6f526144726f70L ^ mix(step));
    for (int row = 0; row < sequenceKeys.length; row++) {
      PromptedSequence sequence = sequences.get(row);
      long key = mix(stepKey ^ mix(first + row));
      key = mix(key ^ hash(sequence.prompt().tokens().toArray()));
      sequenceKeys[row] = mix(key ^ hash(sequence.completion().toArray()));
    }
  }

  /**
   * The dropout of the update at optimizer step {@code step} on the micro-batch {@code sequences},
   * which starts at sequence {@code first} of the whole batch; null when the adapter's dropout is
   * 0 (nothing to drop).
   */
  public static LoraDropout of(LoraLayout layout, long step, int first,
      List<? extends PromptedSequence> sequences) {
    return layout.settings().dropout() == 0 ? null
        : new LoraDropout(layout, step, first, sequences);
  }

  /** The layout whose targets the masks are for. */
  public LoraLayout layout() {
    return layout;
  }

  /**
   * The mask of module {@code module} (its place among the target's modules) of target number
   * {@code target}, over the micro-batch's input to that layer {@code [batch, length, in]},
   * row-major; {@code batch} is the micro-batch's number of sequences. Each (sequence, position)
   * draws from its own stream, so the mask of a position does not depend on {@code length}.
   */
  public float[] mask(int target, int module, int batch, int length) {
    int in = Math.toIntExact(layout.targets().get(target).in());
    float[] mask = new float[Math.multiplyExact(Math.multiplyExact(batch, length), in)];
    for (int row = 0; row < batch; row++) {
      long moduleKey = mix(mix(sequenceKeys[row] ^ mix(target)) ^ mix(~(long) module));
      for (int t = 0; t < length; t++) {
        SplittableRandom random = new SplittableRandom(mix(moduleKey ^ mix(t)));
        int from = (row * length + t) * in;
        for (int j = 0; j < in; j++) {
          mask[from + j] = random.nextDouble() < probability ? 0 : kept;
        }
      }
    }
    return mask;
  }

  private static long hash(int[] tokens) {
    long h = mix(tokens.length);
    for (int token : tokens) {
      h = mix(h ^ (token & 0xffffffffL));
    }
    return h;
  }

  /** A 64-bit finaliser (Stafford's variant 13, as {@code SplittableRandom} mixes its seeds). */
  private static long mix(long value) {
    long z = value + 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
