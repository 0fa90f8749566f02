package dev.bond4j.spi;

import dev.bond4j.Problems;
import java.util.HashSet;
import java.util.List;

/**
 * A low-rank adapter (LoRA) to train instead of the whole model, in HuggingFace PEFT's terms: each
 * targeted linear layer {@code y = x W + b} becomes {@code y = x W + b + (alpha / rank) · x A B},
 * where only {@code A} and {@code B} train and the base weights stay frozen.
 *
 * @param rank {@code r}, the adapter's rank, at least 1 (and at most the targeted layers' smaller
 *     dimension, which the model checks)
 * @param alpha {@code lora_alpha}; the update is scaled by {@code alpha / rank}
 * @param dropout {@code lora_dropout} on the adapter's input, in [0, 1); as in PEFT it acts only
 *     while an update trains (inverted dropout, each module its own mask; the base path sees the
 *     undropped input) and is the identity elsewhere
 * @param targetModules PEFT's module names: {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code
 *     o_proj}, {@code gate_proj}, {@code up_proj}, {@code down_proj} for the Llama family; {@code
 *     c_attn}, {@code c_proj} (attention and MLP output), {@code c_fc} for GPT-2
 * @param modulesToSave PEFT's {@code modules_to_save}: modules outside the blocks that train in
 *     full, as a copy beside the frozen base ({@code embed_tokens} and {@code lm_head} for the
 *     Llama family, {@code wte} and {@code lm_head} for GPT-2); empty for none. When the model ties
 *     its head to the token embedding, naming either trains one copy that serves as both (PEFT's
 *     {@code ensure_weight_tying})
 */
public record LoraSettings(int rank, double alpha, double dropout, List<String> targetModules,
    List<String> modulesToSave) {
  /** Validates every field at once. */
  public LoraSettings {
    targetModules = targetModules == null ? null : List.copyOf(targetModules);
    modulesToSave = modulesToSave == null ? null : List.copyOf(modulesToSave);
    Problems.of("lora")
        .atLeast("lora.rank", rank, 1)
        .check(alpha > 0 && Double.isFinite(alpha), "lora.alpha", alpha, "a finite number > 0")
        .check(dropout >= 0 && dropout < 1, "lora.dropout", dropout, "a number in [0, 1)")
        .check(targetModules != null && !targetModules.isEmpty()
                && new HashSet<>(targetModules).size() == targetModules.size(),
            "lora.targetModules", targetModules, "a non-empty list of distinct PEFT module names")
        .check(modulesToSave != null
                && new HashSet<>(modulesToSave).size() == modulesToSave.size(),
            "lora.modulesToSave", modulesToSave, "a list of distinct PEFT module names (or empty)")
        .throwIfAny();
  }

  /** An adapter without {@code modules_to_save}. */
  public LoraSettings(int rank, double alpha, double dropout, List<String> targetModules) {
    this(rank, alpha, dropout, targetModules, List.of());
  }

  /** An adapter of rank {@code rank} with {@code alpha}, no dropout, on {@code modules}. */
  public static LoraSettings of(int rank, double alpha, String... modules) {
    return new LoraSettings(rank, alpha, 0, List.of(modules));
  }

  /** These settings with {@code modules} as {@code modules_to_save}. */
  public LoraSettings withModulesToSave(String... modules) {
    return new LoraSettings(rank, alpha, dropout, targetModules, List.of(modules));
  }

  /** The factor {@code alpha / rank} of the adapter's output. */
  public double scale() {
    return alpha / rank;
  }
}
