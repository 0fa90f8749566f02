package dev.bond4j.decoder;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.bond4j.BondException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a HuggingFace model folder, opened for reading on demand: {@code
 * model.safetensors}, or the shards a {@code model.safetensors.index.json} lists. The index is
 * checked before anything is read: a shard it names that is missing, a tensor it names twice, a
 * tensor that is not in the shard the index says, or one that two shards hold, is refused with a
 * message that names it. Close it.
 */
public final class WeightFiles implements TensorSource {
  /** The single-file weights. */
  public static final String SINGLE = "model.safetensors";
  /** The index of sharded weights. */
  public static final String INDEX = "model.safetensors.index.json";

  private final String description;
  private final List<SafeTensorsFile> files;
  private final Map<String, SafeTensorsFile> byName;

  private WeightFiles(String description, List<SafeTensorsFile> files,
      Map<String, SafeTensorsFile> byName) {
    this.description = description;
    this.files = files;
    this.byName = byName;
  }

  /**
   * Writes float32 tensors as HuggingFace weights in {@code dtype} ({@code F32}, {@code BF16} or
   * {@code F16}): one {@code model.safetensors} when they fit in {@code maxShardBytes}, else shards
   * {@code model-0000i-of-0000n.safetensors} of at most that size (a larger tensor gets a shard of
   * its own) and the index, in HuggingFace's form. Stale weights of the other layout are removed.
   */
  public static void write(Path directory, Map<String, SafeTensor> tensors, String dtype,
      long maxShardBytes) {
    List<Map<String, SafeTensor>> shards = new ArrayList<>();
    Map<String, SafeTensor> current = new LinkedHashMap<>();
    long currentBytes = 0;
    long total = 0;
    for (Map.Entry<String, SafeTensor> entry : tensors.entrySet()) {
      SafeTensor tensor = SafeTensor.ofFloats(entry.getValue().shape(),
          entry.getValue().toFloats(), dtype);
      if (!current.isEmpty() && currentBytes + tensor.data().length > maxShardBytes) {
        shards.add(current);
        current = new LinkedHashMap<>();
        currentBytes = 0;
      }
      current.put(entry.getKey(), tensor);
      currentBytes += tensor.data().length;
      total += tensor.data().length;
    }
    shards.add(current);
    Map<String, String> metadata = Map.of("format", "pt");
    try {
      Files.createDirectories(directory);
      if (shards.size() == 1) {
        new SafeTensors(shards.get(0), metadata).write(directory.resolve(SINGLE));
        Files.deleteIfExists(directory.resolve(INDEX));
        return;
      }
      JsonObject weightMap = new JsonObject();
      for (int i = 0; i < shards.size(); i++) {
        String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1,
            shards.size());
        new SafeTensors(shards.get(i), metadata).write(directory.resolve(name));
        shards.get(i).keySet().forEach(tensor -> weightMap.addProperty(tensor, name));
      }
      JsonObject index = new JsonObject();
      JsonObject indexMetadata = new JsonObject();
      indexMetadata.addProperty("total_size", total);
      index.add("metadata", indexMetadata);
      index.add("weight_map", weightMap);
      Path temporary = Files.createTempFile(directory, INDEX, ".tmp");
      Files.writeString(temporary, new GsonBuilder().setPrettyPrinting().create().toJson(index)
          + "\n", StandardCharsets.UTF_8);
      Files.move(temporary, directory.resolve(INDEX), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(directory.resolve(SINGLE));
    } catch (IOException e) {
      throw new BondException("Cannot write the weights in " + directory + ": " + e, e);
    }
  }

  /**
   * Opens the weights of {@code directory}; the index wins when both layouts are present.
   *
   * @throws BondException when neither is there, or the files are malformed or inconsistent
   */
  public static WeightFiles open(Path directory) {
    Path index = directory.resolve(INDEX);
    if (Files.exists(index)) {
      return sharded(directory, index);
    }
    Path single = directory.resolve(SINGLE);
    if (!Files.exists(single)) {
      throw new BondException("The model folder " + directory + " has no weights: expected "
          + SINGLE + " or " + INDEX);
    }
    SafeTensorsFile file = SafeTensorsFile.open(single);
    Map<String, SafeTensorsFile> byName = new LinkedHashMap<>();
    file.names().forEach(name -> byName.put(name, file));
    return new WeightFiles(single.toString(), List.of(file), byName);
  }

  private static WeightFiles sharded(Path directory, Path index) {
    Map<String, String> weightMap = readWeightMap(index);
    Map<String, SafeTensorsFile> shards = new LinkedHashMap<>();
    Map<String, SafeTensorsFile> byName = new LinkedHashMap<>();
    try {
      for (String shard : new LinkedHashSet<>(weightMap.values())) {
        Path file = directory.resolve(shard).normalize();
        if (!file.startsWith(directory.normalize()) || !Files.isRegularFile(file)) {
          throw new BondException("The shard index " + index + " names the file \"" + shard
              + "\", which is missing from " + directory);
        }
        shards.put(shard, SafeTensorsFile.open(file));
      }
      Map<String, String> holder = new LinkedHashMap<>();
      for (Map.Entry<String, SafeTensorsFile> shard : shards.entrySet()) {
        for (String name : shard.getValue().names()) {
          String previous = holder.put(name, shard.getKey());
          if (previous != null) {
            throw new BondException("The tensor " + name + " is stored twice, in the shards "
                + previous + " and " + shard.getKey() + " of " + directory);
          }
          if (!weightMap.containsKey(name)) {
            throw new BondException("The shard " + shard.getKey() + " holds the tensor " + name
                + ", which the index " + index + " does not list");
          }
        }
      }
      for (Map.Entry<String, String> entry : weightMap.entrySet()) {
        if (!entry.getValue().equals(holder.get(entry.getKey()))) {
          throw new BondException("The index " + index + " places the tensor " + entry.getKey()
              + " in " + entry.getValue() + ", which does not hold it");
        }
        byName.put(entry.getKey(), shards.get(entry.getValue()));
      }
    } catch (RuntimeException e) {
      shards.values().forEach(SafeTensorsFile::close);
      throw e;
    }
    return new WeightFiles(index.toString(), new ArrayList<>(shards.values()), byName);
  }

  /** The {@code weight_map} of an index, refusing a name given twice. */
  private static Map<String, String> readWeightMap(Path index) {
    Map<String, String> map = new LinkedHashMap<>();
    try (Reader text = Files.newBufferedReader(index, StandardCharsets.UTF_8);
        JsonReader json = new JsonReader(text)) {
      json.beginObject();
      boolean found = false;
      while (json.hasNext()) {
        if (!json.nextName().equals("weight_map")) {
          json.skipValue();
          continue;
        }
        found = true;
        json.beginObject();
        while (json.hasNext()) {
          String name = json.nextName();
          if (json.peek() != JsonToken.STRING) {
            throw new BondException("The index " + index + " maps the tensor " + name
                + " to a value that is not a file name");
          }
          if (map.put(name, json.nextString()) != null) {
            throw new BondException("The index " + index + " names the tensor " + name + " twice");
          }
        }
        json.endObject();
      }
      json.endObject();
      if (!found) {
        throw new BondException("The index " + index + " has no weight_map");
      }
    } catch (IOException | IllegalStateException e) {
      throw new BondException("The index " + index + " is not valid JSON of the form {\"weight_map\":"
          + " {tensor: file}}: " + e.getMessage(), e);
    }
    return map;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSet(byName.keySet());
  }

  @Override
  public String dtype(String name) {
    return file(name).dtype(name);
  }

  @Override
  public long[] shape(String name) {
    return file(name).shape(name);
  }

  @Override
  public void read(String name, long from, float[] into, int count) {
    file(name).read(name, from, into, count);
  }

  /** The metadata of the first file (a checkpoint's step and save id live there). */
  public Map<String, String> metadata() {
    return files.get(0).metadata();
  }

  private SafeTensorsFile file(String name) {
    SafeTensorsFile file = byName.get(name);
    if (file == null) {
      throw new BondException(description + " has no tensor " + name);
    }
    return file;
  }

  @Override
  public void close() {
    files.forEach(SafeTensorsFile::close);
  }
}
