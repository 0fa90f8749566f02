package dev.bond4j.spark;

import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.model.TrainablePolicy;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.value.OptimizerSettings;
import java.io.Serializable;

/**
 * A policy folder as executors load it: the folder's files (shipped as bytes), the backend's name
 * and its thread count. Executors load it through {@link ExecutorCache}, once per JVM and task
 * slot.
 *
 * @param folder the HuggingFace-layout folder ({@code config.json}, safetensors)
 * @param backend the backend's name ({@code djl}, ...)
 * @param threads engine threads per loaded policy
 */
public record PolicySource(ShippedFolder folder, String backend, int threads)
    implements Serializable {
  /** Loads the policy from the shipped files. */
  public TrainablePolicy load() {
    return BackendRegistry.discover().require(backend).load(folder.materialize(),
        BackendOptions.builder().threads(threads).build(), OptimizerSettings.defaults());
  }

  /** The cache key: the folder's content, backend and threads. */
  String key() {
    return "policy:" + backend + ":" + threads + ":" + folder.hash();
  }
}
