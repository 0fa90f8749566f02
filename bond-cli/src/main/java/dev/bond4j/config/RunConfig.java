package dev.bond4j.config;

import dev.bond4j.dsl.AlgorithmSettings;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.RewardSpec;
import dev.bond4j.value.OptimizerSettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A training run as a configuration file describes it: where the policy, prompts and reward come
 * from, the engine, the optimizer and the algorithm's knobs, all validated.
 *
 * @param backend the backend's name ({@code djl}, ...)
 * @param options device, threads and precision
 * @param policy HuggingFace-layout directory of the reference policy
 * @param tokenizer {@code byte} (one token per UTF-8 byte), {@code demo} (the demo's words), or
 *     the path of a {@code tokenizer.json} or a model folder holding one
 * @param prompts a JSONL file ({@code {"id": ..., "text": ...}} per line) or plain text, one per line
 * @param reward the reward's kind: {@code lexicon} (the demo's sentiment lexicon) or the name of a
 *     reward provider on the class path, such as {@code onnx}
 * @param rewardSpec the reward model's file and output, for a provided reward
 * @param rewardTokenizer the reward model's tokenizer when it is not the policy's, or null
 * @param optimizer the optimizer settings
 * @param algorithm the algorithm and its knobs
 * @param out the directory metrics and checkpoints go to
 * @param checkpointEvery steps between checkpoints under {@code out/checkpoints}; 0: at the end
 * @param keepCheckpoints how many of the newest checkpoints to keep
 */
public record RunConfig(String backend, BackendOptions options, Path policy, String tokenizer,
    Path prompts, String reward, Optional<RewardSpec> rewardSpec, String rewardTokenizer,
    OptimizerSettings optimizer, AlgorithmSettings algorithm,
    Path out, int checkpointEvery, int keepCheckpoints) {}
