package dev.bond4j.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.Problems;
import dev.bond4j.algorithm.TrainingSettings;
import dev.bond4j.dsl.Algorithm;
import dev.bond4j.dsl.AlgorithmSettings;
import dev.bond4j.dsl.RunSettings;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.RewardSpec;
import dev.bond4j.value.ValueSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a run configuration in YAML ({@code .yaml}, {@code .yml}) or JSON onto the same validated
 * types as the fluent API. Every problem is reported at once: an unknown key names the valid keys,
 * a bad value names the key, the value and what is valid. Relative paths are resolved against
 * the file's directory.
 */
public final class RunConfigLoader {
  /**
   * The attributes of {@link RunConfig} that are not keys themselves: each is made of the keys of
   * its own type (read below).
   */
  private static final Set<String> ASSEMBLED = Set.of("options", "rewardSpec", "settings");
  /** A {@code lora:} block's rank when it names none. */
  private static final int DEFAULT_LORA_RANK = 8;
  /** Engine options that act on the whole process: only the application may ask for them. */
  private static final Set<String> PROCESS_WIDE = Set.of("trimNativeMemory",
      "filterEngineStdout");
  /** The attributes of {@link RunSettings} that are not keys: each is made of keys. */
  private static final Set<String> RUN_PARTS = Set.of("algorithm", "training");
  /** Where SnakeYAML's message places the problem: {@code in 'reader', line 3, column 1}. */
  private static final Pattern YAML_MARK = Pattern.compile("in '[Rr]eader', line (\\d+)");
  /** The deepest nesting of mappings and lists a configuration file may have. */
  private static final int MAX_DEPTH = 64;

  /** Loads {@code file}. */
  public RunConfig load(Path file) {
    Problems.require(Files.isRegularFile(file), "config", file.toString(), "an existing file");
    String name = file.getFileName().toString();
    ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml")
        ? new ObjectMapper(YAMLFactory.builder().loaderOptions(yamlLimits()).build())
        : new ObjectMapper(JsonFactory.builder().streamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build());
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    JsonNode root;
    try {
      root = mapper.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new BondException("Cannot parse " + file + ": " + oneLine(e), e);
    } catch (IOException e) {
      throw new BondException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    Problems.require(root != null && root.isObject(), "config", file.toString(),
        "a mapping of keys to values");
    return parse((ObjectNode) root, file.toAbsolutePath().getParent(), file.toString());
  }

  private static LoaderOptions yamlLimits() {
    LoaderOptions options = new LoaderOptions();
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setAllowDuplicateKeys(false);
    return options;
  }

  /**
   * A parser's message as one line: SnakeYAML's several lines (context, problem, the offending
   * source with a caret) become the context and problem, then the line number.
   */
  private static String oneLine(JsonProcessingException e) {
    String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName()
        : e.getOriginalMessage();
    if (original.startsWith("Trailing token")) {
      original = "trailing content after the end of the configuration";
    }
    StringBuilder text = new StringBuilder();
    String[] lines = original.split("\\R");
    for (String line : lines) {
      String part = line.strip();
      if (part.startsWith("in 'reader'") || part.startsWith("in 'Reader'")) {
        break;
      }
      if (!part.isEmpty()) {
        text.append(text.length() == 0 ? "" : "; ").append(part);
      }
    }
    Matcher mark = YAML_MARK.matcher(original);
    String lineNumber = null;
    while (mark.find()) {
      lineNumber = mark.group(1);
    }
    JsonLocation location = e.getLocation();
    if (lineNumber == null && location != null && location.getLineNr() >= 1) {
      lineNumber = String.valueOf(location.getLineNr());
    }
    return text + (lineNumber == null ? "" : " at line " + lineNumber);
  }

  /**
   * Binds the file's top level. Each group of keys is the settings of one type, read from the
   * type ({@link ValueSchema}): {@link RunConfig}'s own, the engine's {@link BackendOptions}, the
   * reward model's {@link RewardSpec} (as {@code rewardModel}, {@code rewardOutput}, ...), the
   * run's steps, the shared {@link TrainingSettings}, and the knobs of the algorithm the {@code
   * algorithm} key names. A key of another algorithm is refused by name; any other key is
   * unknown.
   */
  private RunConfig parse(ObjectNode root, Path base, String source) {
    List<InvalidArgumentException.Problem> problems = new ArrayList<>();
    SettingsReader top = new SettingsReader(root, base, "", problems);
    ValueSchema.Draft<RunConfig> config = top.read(ValueSchema.of(RunConfig.class), "",
        ASSEMBLED);
    loraDefaults(root);
    BackendOptions options = top.build(top.read(ValueSchema.of(BackendOptions.class), "",
        PROCESS_WIDE)::build);
    ValueSchema.Draft<RewardSpec> rewardSpec = top.read(ValueSchema.of(RewardSpec.class),
        "reward", Set.of("options"));
    ValueSchema.Draft<RunSettings> run = top.read(ValueSchema.of(RunSettings.class), "",
        RUN_PARTS);
    TrainingSettings training = top.build(top.read(ValueSchema.of(TrainingSettings.class), "",
        Set.of())::build);
    Algorithm algorithm = (Algorithm) top.value("algorithm", Algorithm.class);
    algorithm = algorithm == null ? Algorithm.JBOND : algorithm;
    AlgorithmSettings knobs = top.build(top.read(algorithm.settings(), "", Set.of())::build);
    Map<String, Object> given = new LinkedHashMap<>();
    root.fieldNames().forEachRemaining(key -> given.put(key, root.get(key).asText()));
    given.keySet().removeAll(top.known());
    problems.addAll(algorithm.foreignSettings(given));
    top.unknownKeys(Algorithm.knobs());

    required(top, "policy", config,
        "the directory of a HuggingFace-layout policy (config.json, model.safetensors)", base);
    required(top, "prompts", config, "a JSONL or text file of prompts", base);
    resolveTokenizer(top, "tokenizer", config, base);
    resolveTokenizer(top, "rewardTokenizer", config, base);
    RewardKind reward = top.has("reward") ? (RewardKind) config.given("reward")
        : RewardKind.lexicon();
    if (reward != null && reward.readsModelFile() != top.has("rewardModel")) {
      top.problem("rewardModel", null, reward.readsModelFile()
          ? "the reward model's file, required when reward is " + reward
          : "no model file for reward " + reward);
    }
    if (options != null) {
      config.set("options", options);
      rewardSpec.set("options", options);
    }
    RewardSpec spec = top.has("rewardModel") ? top.build("reward", rewardSpec::build) : null;
    if (spec != null) {
      config.set("rewardSpec", spec);
    }
    RunSettings settings = knobs == null || training == null ? null
        : top.build(run.set("algorithm", knobs).set("training", training)::build);
    if (settings != null) {
      config.set("settings", settings);
    }
    RunConfig built = top.build(config::build);
    if (!problems.isEmpty()) {
      Problems all = Problems.of(source);
      problems.forEach(all::add);
      all.throwIfAny();
    }
    return ImmutableRunConfig.copyOf(built).withOut(base.resolve(built.out()).normalize());
  }

  /**
   * Records a problem when {@code key} is missing; sets a placeholder then, so that the other
   * checks of the configuration still run (the problem makes the load fail).
   */
  private static void required(SettingsReader top, String key, ValueSchema.Draft<RunConfig> config,
      String expected, Path base) {
    if (!top.has(key)) {
      top.problem(key, null, expected);
      config.set(key, base);
    }
  }

  /** Resolves the tokenizer given as {@code key}: a path against {@code base}. */
  private static void resolveTokenizer(SettingsReader top, String key,
      ValueSchema.Draft<RunConfig> config, Path base) {
    String spec = (String) config.given(key);
    String resolved = spec == null ? null : top.build(() -> Tokenizers.resolve(key, spec, base));
    if (resolved != null) {
      config.set(key, resolved);
    }
  }

  /**
   * The {@code lora:} block's defaults: {@code rank} 8, {@code alpha} 2 × rank (2 × 8 when the
   * rank itself is refused, so that the refusal names the rank alone), every other setting zero
   * or empty; {@code targetModules} is required.
   */
  private static void loraDefaults(ObjectNode root) {
    if (root.get("lora") instanceof ObjectNode lora) {
      if (!lora.has("rank")) {
        lora.put("rank", DEFAULT_LORA_RANK);
      }
      if (!lora.has("alpha")) {
        JsonNode rank = lora.get("rank");
        boolean valid = rank.canConvertToInt() && rank.asInt() > 0;
        lora.put("alpha", 2.0 * (valid ? rank.asInt() : DEFAULT_LORA_RANK));
      }
    }
  }
}
