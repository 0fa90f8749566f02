package dev.bond4j.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.bond4j.BondException;
import dev.bond4j.Problems;
import dev.bond4j.decoder.DecoderConfig;
import dev.bond4j.decoder.DecoderLayout;
import dev.bond4j.decoder.RotaryEmbedding;
import dev.bond4j.decoder.WeightFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bond init}: a randomly initialised model folder of any supported shape, in HuggingFace's
 * layout ({@code config.json}, single or sharded safetensors in F32, BF16 or F16), and optionally
 * a word-level {@code tokenizer.json} covering its vocabulary: for benchmarks and tests of real
 * model sizes without downloading a model.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Write a randomly initialised model folder (config.json, safetensors).")
public final class InitCommand implements Callable<Integer> {
  private static final Map<String, String> DTYPES = Map.of("float32", "F32", "bfloat16", "BF16",
      "float16", "F16");

  @Option(names = "--out", required = true, description = "The folder to write; must not exist.")
  private Path out;

  @Option(names = "--model-type", defaultValue = "llama",
      description = "gpt2, llama, qwen2 or mistral (default: ${DEFAULT-VALUE}).")
  private String modelType;

  @Option(names = "--vocab", required = true, description = "Vocabulary size.")
  private int vocabulary;

  @Option(names = "--hidden", required = true, description = "Hidden size.")
  private int hidden;

  @Option(names = "--intermediate", description = "MLP width (default: 4 x hidden).")
  private Integer intermediate;

  @Option(names = "--layers", required = true, description = "Layers.")
  private int layers;

  @Option(names = "--heads", required = true, description = "Attention heads.")
  private int heads;

  @Option(names = "--kv-heads", description = "Key-value heads (default: --heads).")
  private Integer kvHeads;

  @Option(names = "--head-dim", description = "Head size (default: hidden / heads).")
  private Integer headDim;

  @Option(names = "--positions", defaultValue = "2048", description = "Context length.")
  private int positions;

  @Option(names = "--tied", description = "Tie the head to the token embedding (Llama family).")
  private boolean tied;

  @Option(names = "--rope-theta", defaultValue = "10000", description = "RoPE base.")
  private double ropeTheta;

  @Option(names = "--norm-eps", defaultValue = "1e-5", description = "Norm epsilon.")
  private double epsilon;

  @Option(names = "--eos", description = "End-of-sequence id (default: the last id).")
  private Integer eos;

  @Option(names = "--dtype", defaultValue = "float32",
      description = "float32, bfloat16 or float16 (default: ${DEFAULT-VALUE}).")
  private String dtype;

  @Option(names = "--shard-size", defaultValue = "5GB",
      description = "Largest shard, e.g. 100MB or 5GB (default: ${DEFAULT-VALUE}).")
  private String shardSize;

  @Option(names = "--word-tokenizer",
      description = "Also write a word-level tokenizer.json (<unk>, w1, w2, ..., </s>).")
  private boolean wordTokenizer;

  @Option(names = "--seed", defaultValue = "0", description = "Initialisation seed.")
  private long seed;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    long shardBytes = bytes(shardSize);
    Problems.of("bond init")
        .check(DTYPES.containsKey(dtype), "--dtype", dtype, "float32, bfloat16 or float16")
        .check(!Files.exists(out), "--out", out, "a folder that does not exist yet")
        .check(shardBytes > 0, "--shard-size", shardSize, "a size such as 100MB or 5GB")
        .throwIfAny();
    DecoderConfig config = config().withDtype(dtype);
    DecoderLayout layout = new DecoderLayout(config);
    config.write(out);
    WeightFiles.write(out, layout.tensorsOf(layout.initialValues(seed)), DTYPES.get(dtype),
        shardBytes);
    if (wordTokenizer) {
      writeWordTokenizer(config);
    }
    PrintWriter printer = spec.commandLine().getOut();
    printer.printf(Locale.ROOT, "%s: %s, %,d parameters, %s%n", out, config.modelType(),
        layout.parameterCount(), dtype);
    printer.flush();
    return 0;
  }

  private DecoderConfig config() {
    int inner = intermediate == null ? 4 * hidden : intermediate;
    int eosId = eos == null ? vocabulary - 1 : eos;
    if (modelType.equals("gpt2")) {
      return DecoderConfig.gpt2(vocabulary, positions, hidden, layers, heads, inner, epsilon,
          "gelu_new", eosId);
    }
    int kv = kvHeads == null ? heads : kvHeads;
    int size = headDim != null ? headDim : heads > 0 ? hidden / heads : 0;
    boolean qwen = modelType.equals("qwen2");
    return new DecoderConfig(modelType, vocabulary, positions, hidden, layers, heads, kv, size,
        inner, epsilon, "silu", tied, qwen, false, false, RotaryEmbedding.plain(ropeTheta),
        0, List.of(eosId), null);
  }

  private static long bytes(String size) {
    String text = size.trim().toUpperCase(Locale.ROOT);
    long unit = text.endsWith("GB") ? 1L << 30 : text.endsWith("MB") ? 1L << 20
        : text.endsWith("KB") ? 1L << 10 : 1;
    String digits = text.replaceAll("[KMG]?B$", "");
    try {
      return Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      return -1;
    }
  }

  /** A WordLevel tokenizer: id 0 {@code <unk>}, the EOS id {@code </s>}, every other id wN. */
  private void writeWordTokenizer(DecoderConfig config) {
    JsonObject vocab = new JsonObject();
    for (int id = 0; id < config.vocabularySize(); id++) {
      vocab.addProperty(id == 0 ? "<unk>" : config.isEos(id) ? "</s>" : "w" + id, id);
    }
    JsonObject model = new JsonObject();
    model.addProperty("type", "WordLevel");
    model.add("vocab", vocab);
    model.addProperty("unk_token", "<unk>");
    JsonObject preTokenizer = new JsonObject();
    preTokenizer.addProperty("type", "Whitespace");
    JsonObject json = new JsonObject();
    json.addProperty("version", "1.0");
    json.add("truncation", JsonNull.INSTANCE);
    json.add("padding", JsonNull.INSTANCE);
    json.add("added_tokens", new JsonArray());
    json.add("normalizer", JsonNull.INSTANCE);
    json.add("pre_tokenizer", preTokenizer);
    json.add("post_processor", JsonNull.INSTANCE);
    json.add("decoder", JsonNull.INSTANCE);
    json.add("model", model);
    JsonObject generation = new JsonObject();
    generation.addProperty("eos_token_id", config.eosToken());
    try {
      Files.writeString(out.resolve("tokenizer.json"),
          new GsonBuilder().serializeNulls().create().toJson(json), StandardCharsets.UTF_8);
      Files.writeString(out.resolve("generation_config.json"),
          new GsonBuilder().setPrettyPrinting().create().toJson(generation) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BondException("Cannot write the tokenizer in " + out + ": " + e, e);
    }
  }
}
