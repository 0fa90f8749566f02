package dev.bond4j.cli;

import dev.bond4j.Problems;
import dev.bond4j.decoder.LoraCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bond merge}: a LoRA adapter folder (PEFT's layout, as {@code bond train} with a {@code
 * lora:} block writes it) merged into the base model it names, written as a plain model folder.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Merge a LoRA adapter folder into its base model and write the merged model"
        + " (config.json, model.safetensors).")
public final class MergeCommand implements Callable<Integer> {
  @Option(names = "--adapter", required = true,
      description = "The adapter folder (adapter_config.json, adapter_model.safetensors).")
  private Path adapter;

  @Option(names = "--out", required = true, description = "The folder to write; must not exist.")
  private Path out;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Problems.require(LoraCheckpoint.isAdapter(adapter), "--adapter", adapter.toString(),
        "a folder holding " + LoraCheckpoint.CONFIG_FILE);
    Problems.require(!Files.exists(out), "--out", out.toString(), "a folder that does not exist");
    LoraCheckpoint.merge(adapter, out);
    spec.commandLine().getOut().printf("Wrote %s (config.json, model.safetensors).%n", out);
    return 0;
  }
}
