package dev.bond4j.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bond4j.BondException;
import dev.bond4j.InvalidArgumentException;
import dev.bond4j.Problems;
import dev.bond4j.algorithm.CheckpointStore;
import dev.bond4j.backend.RewardRegistry;
import dev.bond4j.dsl.Algorithm;
import dev.bond4j.dsl.AlgorithmSettings;
import dev.bond4j.dsl.ImmutableAlgorithmSettings;
import dev.bond4j.math.TieRule;
import dev.bond4j.spi.BackendOptions;
import dev.bond4j.spi.Device;
import dev.bond4j.spi.ImmutableBackendOptions;
import dev.bond4j.spi.ImmutableRewardSpec;
import dev.bond4j.spi.Precision;
import dev.bond4j.spi.RewardSpec;
import dev.bond4j.spi.ImmutableBackendOptions;
import dev.bond4j.spi.LoraSettings;
import dev.bond4j.value.ImmutableOptimizerSettings;
import dev.bond4j.value.OptimizerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
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
  private static final Set<String> TOP_LEVEL = Set.of("backend", "device", "threads",
      "precision", "policy", "tokenizer", "prompts", "reward", "optimizer", "out", "algorithm",
      "beta", "eta", "gamma", "anchorEvery", "n", "quantileSamples", "klCoefficient",
      "samplesPerPrompt", "batchSize", "maxNewTokens", "steps", "seed", "tieRule", "referenceEvery",
      "checkpointEvery", "keepCheckpoints", "rewardModel", "rewardOutput", "rewardLabel",
      "rewardMaxLength", "rewardTokenizer", "lora");
  /** Where SnakeYAML's message places the problem: {@code in 'reader', line 3, column 1}. */
  private static final Pattern YAML_MARK = Pattern.compile("in '[Rr]eader', line (\\d+)");
  /** The deepest nesting of mappings and lists a configuration file may have. */
  private static final int MAX_DEPTH = 64;
  private static final Set<String> OPTIMIZER = Set.of("learningRate", "beta1", "beta2", "epsilon",
      "weightDecay", "warmupSteps", "maxGradNorm", "microBatchSize");
  private static final Set<String> LORA = Set.of("rank", "alpha", "dropout", "targetModules");

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
    return parse(root, file.toAbsolutePath().getParent(), file.toString());
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

  private RunConfig parse(JsonNode root, Path base, String source) {
    List<InvalidArgumentException.Problem> problems = new ArrayList<>();
    unknownKeys(root, TOP_LEVEL, "", problems);
    JsonNode optimizerNode = root.path("optimizer");
    if (optimizerNode.isObject()) {
      unknownKeys(optimizerNode, OPTIMIZER, "optimizer.", problems);
    }
    Fields fields = new Fields(root, problems);
    String backend = fields.text("backend", "djl");
    ImmutableBackendOptions.Builder options = BackendOptions.builder();
    fields.ifText("device", text -> options.device(Device.parse(text)));
    fields.ifInt("threads", options::threads);
    fields.ifText("precision", text -> options.precision(Precision.parse(text)));
    JsonNode loraNode = root.path("lora");
    if (!loraNode.isMissingNode() && !loraNode.isNull()) {
      lora(loraNode, problems).ifPresent(options::lora);
    }
    String policy = fields.text("policy", null);
    if (policy == null) {
      problems.add(new InvalidArgumentException.Problem("policy", null,
          "the directory of a HuggingFace-layout policy (config.json, model.safetensors)"));
    }
    String tokenizer = fields.text("tokenizer", "byte");
    if (!Tokenizers.exists(tokenizer, base)) {
      problems.add(new InvalidArgumentException.Problem("tokenizer", tokenizer, Tokenizers.VALID));
    } else if (!tokenizer.equals("byte") && !tokenizer.equals("demo")) {
      tokenizer = base.resolve(tokenizer).normalize().toString();
    }
    String rewardTokenizer = fields.text("rewardTokenizer", null);
    if (rewardTokenizer != null && !Tokenizers.exists(rewardTokenizer, base)) {
      problems.add(new InvalidArgumentException.Problem("rewardTokenizer", rewardTokenizer,
          Tokenizers.VALID));
    } else if (rewardTokenizer != null && !rewardTokenizer.equals("byte")
        && !rewardTokenizer.equals("demo")) {
      rewardTokenizer = base.resolve(rewardTokenizer).normalize().toString();
    }
    String prompts = fields.text("prompts", null);
    if (prompts == null) {
      problems.add(new InvalidArgumentException.Problem("prompts", null,
          "a JSONL or text file of prompts"));
    }
    String reward = fields.text("reward", "lexicon");
    ImmutableRewardSpec.Builder rewardSpec = RewardSpec.builder();
    String rewardModel = fields.text("rewardModel", null);
    List<String> providers = RewardRegistry.discover().names();
    if (!reward.equals("lexicon") && !providers.contains(reward)) {
      problems.add(new InvalidArgumentException.Problem("reward", reward, "lexicon or a reward"
          + " provider on the class path (" + (providers.isEmpty() ? "none is"
          : "found: " + String.join(", ", providers)) + ")"));
    } else if (!reward.equals("lexicon") && rewardModel == null) {
      problems.add(new InvalidArgumentException.Problem("rewardModel", null,
          "the reward model's file, required when reward is " + reward));
    }
    fields.ifText("rewardOutput", rewardSpec::output);
    fields.ifInt("rewardLabel", rewardSpec::label);
    fields.ifInt("rewardMaxLength", rewardSpec::maxLength);
    ImmutableOptimizerSettings.Builder optimizer = OptimizerSettings.builder();
    Fields opt = new Fields(optimizerNode, problems, "optimizer.");
    opt.ifDouble("learningRate", optimizer::learningRate);
    opt.ifDouble("beta1", optimizer::beta1);
    opt.ifDouble("beta2", optimizer::beta2);
    opt.ifDouble("epsilon", optimizer::epsilon);
    opt.ifDouble("weightDecay", optimizer::weightDecay);
    opt.ifInt("warmupSteps", optimizer::warmupSteps);
    opt.ifDouble("maxGradNorm", optimizer::maxGradNorm);
    opt.ifInt("microBatchSize", optimizer::microBatchSize);
    ImmutableAlgorithmSettings.Builder algorithm = AlgorithmSettings.builder();
    fields.ifText("algorithm", name -> algorithm.algorithm(Algorithm.named(name)));
    fields.ifDouble("beta", algorithm::beta);
    fields.ifDouble("eta", algorithm::eta);
    fields.ifDouble("gamma", algorithm::gamma);
    fields.ifInt("anchorEvery", algorithm::anchorEvery);
    fields.ifInt("n", algorithm::n);
    fields.ifInt("quantileSamples", algorithm::quantileSamples);
    fields.ifDouble("klCoefficient", algorithm::klCoefficient);
    fields.ifInt("samplesPerPrompt", algorithm::samplesPerPrompt);
    fields.ifInt("batchSize", algorithm::batchSize);
    fields.ifInt("maxNewTokens", algorithm::maxNewTokens);
    fields.ifInt("steps", algorithm::steps);
    fields.ifLong("seed", algorithm::seed);
    fields.ifText("tieRule", rule -> algorithm.tieRule(tieRule(rule)));
    fields.ifInt("referenceEvery", algorithm::referenceEvery);
    String out = fields.text("out", "bond-runs/train");
    int[] checkpointEvery = {0};
    fields.ifInt("checkpointEvery", value -> checkpointEvery[0] = value);
    if (checkpointEvery[0] < 0) {
      problems.add(new InvalidArgumentException.Problem("checkpointEvery", checkpointEvery[0],
          "a number of steps >= 0 (0: only at the end)"));
    }
    int[] keepCheckpoints = {CheckpointStore.DEFAULT_KEEP};
    fields.ifInt("keepCheckpoints", value -> keepCheckpoints[0] = value);
    if (keepCheckpoints[0] < 1) {
      problems.add(new InvalidArgumentException.Problem("keepCheckpoints", keepCheckpoints[0],
          "a number of checkpoints >= 1"));
    }
    BackendOptions builtOptions = build(options::build, "", problems);
    if (rewardModel != null && builtOptions != null) {
      rewardSpec.model(base.resolve(rewardModel).normalize()).options(builtOptions);
    }
    RewardSpec builtReward = rewardModel == null ? null
        : build(rewardSpec::build, "reward.", problems);
    OptimizerSettings builtOptimizer = build(optimizer::build, "optimizer.", problems);
    AlgorithmSettings builtAlgorithm = build(algorithm::build, "", problems);
    if (builtAlgorithm != null) {
      Map<String, Object> given = new LinkedHashMap<>();
      root.fieldNames().forEachRemaining(key -> given.put(key, root.get(key).asText()));
      problems.addAll(builtAlgorithm.algorithm().foreignSettings(given));
    }
    if (!problems.isEmpty()) {
      Problems all = Problems.of(source);
      problems.forEach(all::add);
      all.throwIfAny();
    }
    return new RunConfig(backend, builtOptions, base.resolve(policy).normalize(), tokenizer,
        base.resolve(prompts).normalize(), reward, Optional.ofNullable(builtReward),
        rewardTokenizer, builtOptimizer, builtAlgorithm,
        base.resolve(out).normalize(), checkpointEvery[0], keepCheckpoints[0]);
  }

  /**
   * The {@code lora:} block: {@code rank} (default 8), {@code alpha} (default 2 × rank), {@code
   * dropout} (default 0) and {@code targetModules} (required: a list of PEFT module names, or one
   * comma-separated string).
   */
  private static java.util.Optional<LoraSettings> lora(JsonNode node,
      List<InvalidArgumentException.Problem> problems) {
    if (!node.isObject()) {
      problems.add(new InvalidArgumentException.Problem("lora", node.toString(),
          "a mapping with rank, alpha, dropout and targetModules"));
      return java.util.Optional.empty();
    }
    unknownKeys(node, LORA, "lora.", problems);
    Fields fields = new Fields(node, problems, "lora.");
    int[] rank = {8};
    fields.ifInt("rank", value -> rank[0] = value);
    double[] alpha = {Double.NaN};
    fields.ifDouble("alpha", value -> alpha[0] = value);
    double[] dropout = {0};
    fields.ifDouble("dropout", value -> dropout[0] = value);
    JsonNode targets = node.path("targetModules");
    List<String> modules = new ArrayList<>();
    if (targets.isArray()) {
      targets.forEach(target -> modules.add(target.asText().strip()));
    } else if (targets.isTextual()) {
      for (String part : targets.asText().split(",")) {
        modules.add(part.strip());
      }
    }
    return java.util.Optional.ofNullable(build(() -> new LoraSettings(rank[0],
        Double.isNaN(alpha[0]) ? 2.0 * rank[0] : alpha[0], dropout[0], modules), "", problems));
  }

  private static TieRule tieRule(String name) {
    for (TieRule rule : TieRule.values()) {
      if (rule.name().equalsIgnoreCase(name)) {
        return rule;
      }
    }
    throw Problems.invalid("tieRule", name, "strict or uniform");
  }

  private static <T> T build(Supplier<T> builder, String prefix,
      List<InvalidArgumentException.Problem> problems) {
    try {
      return builder.get();
    } catch (InvalidArgumentException e) {
      for (InvalidArgumentException.Problem p : e.problems()) {
        problems.add(new InvalidArgumentException.Problem(prefix + p.field(), p.value(),
            p.expected()));
      }
      return null;
    }
  }

  private static void unknownKeys(JsonNode node, Set<String> known, String prefix,
      List<InvalidArgumentException.Problem> problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        problems.add(new InvalidArgumentException.Problem(prefix + key, "(unknown key)",
            "one of " + String.join(", ", new TreeSet<>(known))));
      }
    }
  }

  /** Typed access to one mapping's values, recording type errors as problems. */
  private static final class Fields {
    private final JsonNode node;
    private final List<InvalidArgumentException.Problem> problems;
    private final String prefix;

    Fields(JsonNode node, List<InvalidArgumentException.Problem> problems) {
      this(node, problems, "");
    }

    Fields(JsonNode node, List<InvalidArgumentException.Problem> problems, String prefix) {
      this.node = node;
      this.problems = problems;
      this.prefix = prefix;
    }

    String text(String key, String fallback) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isValueNode()) {
        problems.add(new InvalidArgumentException.Problem(prefix + key, value.toString(),
            "a single value"));
        return fallback;
      }
      return value.asText();
    }

    void ifText(String key, Consumer<String> setter) {
      String value = text(key, null);
      if (value != null) {
        guard(key, value, () -> setter.accept(value));
      }
    }

    void ifDouble(String key, DoubleConsumer setter) {
      JsonNode value = node.get(key);
      if (value != null) {
        if (value.isNumber()) {
          setter.accept(value.asDouble());
        } else {
          problems.add(new InvalidArgumentException.Problem(prefix + key, shown(value),
              "a number"));
        }
      }
    }

    void ifInt(String key, IntConsumer setter) {
      JsonNode value = node.get(key);
      if (value != null) {
        if (value.isIntegralNumber() && value.canConvertToInt()) {
          setter.accept(value.asInt());
        } else {
          problems.add(new InvalidArgumentException.Problem(prefix + key, shown(value),
              "a whole number"));
        }
      }
    }

    void ifLong(String key, LongConsumer setter) {
      JsonNode value = node.get(key);
      if (value != null) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
          setter.accept(value.asLong());
        } else {
          problems.add(new InvalidArgumentException.Problem(prefix + key, shown(value),
              "a whole number"));
        }
      }
    }

    /** A scalar as its text, a list or mapping as compact JSON. */
    private static String shown(JsonNode value) {
      return value.isValueNode() ? value.asText() : value.toString();
    }

    private void guard(String key, String value, Runnable action) {
      try {
        action.run();
      } catch (InvalidArgumentException e) {
        for (InvalidArgumentException.Problem p : e.problems()) {
          problems.add(new InvalidArgumentException.Problem(prefix + key, value, p.expected()));
        }
      }
    }
  }
}
