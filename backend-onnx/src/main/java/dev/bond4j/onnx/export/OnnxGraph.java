package dev.bond4j.onnx.export;

import dev.bond4j.BondException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds an ONNX model (one graph in the default domain) and encodes it with the field numbers of
 * the public {@code onnx.proto}: enough for the decoders and reward models bond4j writes. Values
 * are referred to by name; {@link #node} returns the name of its (first) output.
 *
 * <p>Models use IR version {@value #IR_VERSION} and opset {@value #OPSET} (the first with
 * {@code LayerNormalization}). They are held in memory while written, so one model must stay
 * under protobuf's 2 GB limit.
 */
public final class OnnxGraph implements GraphBuilder {
  /** The ONNX IR version written. */
  public static final int IR_VERSION = 8;
  /** The default-domain opset written. */
  public static final int OPSET = 17;

  /** Element types, with their {@code TensorProto.DataType} numbers. */
  public enum ElementType {
    FLOAT(1), INT64(7), BOOL(9);

    final int code;

    ElementType(int code) {
      this.code = code;
    }

    /** The {@code TensorProto.DataType} number, as the {@code to} attribute of Cast takes it. */
    public int code() {
      return code;
    }
  }

  /** One node attribute: build with the static factories. */
  public static final class Attribute {
    private final ProtoWriter proto;

    private Attribute(ProtoWriter proto) {
      this.proto = proto;
    }

    /** An integer attribute. */
    public static Attribute of(String name, long value) {
      return new Attribute(new ProtoWriter().string(1, name).varint(3, value).varint(20, 2));
    }

    /** A float attribute. */
    public static Attribute of(String name, float value) {
      return new Attribute(new ProtoWriter().string(1, name).float32(2, value).varint(20, 1));
    }

    /** A string attribute. */
    public static Attribute of(String name, String value) {
      return new Attribute(new ProtoWriter().string(1, name).string(4, value).varint(20, 3));
    }

    /** A list-of-integers attribute. */
    public static Attribute ints(String name, long... values) {
      ProtoWriter proto = new ProtoWriter().string(1, name);
      for (long value : values) {
        proto.varint(8, value);
      }
      return new Attribute(proto.varint(20, 7));
    }

    /**
     * Attributes from name and value pairs ({@link GraphBuilder#ops}): {@code Integer}/{@code
     * Long}, {@code Float}/{@code Double}, {@code long[]} or {@code String} values.
     */
    public static Attribute[] fromPairs(Object... pairs) {
      if (pairs.length % 2 != 0) {
        throw new IllegalArgumentException("Attributes come in name and value pairs");
      }
      Attribute[] out = new Attribute[pairs.length / 2];
      for (int i = 0; i < pairs.length; i += 2) {
        String name = (String) pairs[i];
        Object value = pairs[i + 1];
        if (value instanceof Integer || value instanceof Long) {
          out[i / 2] = of(name, ((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
          out[i / 2] = of(name, ((Number) value).floatValue());
        } else if (value instanceof long[] ints) {
          out[i / 2] = ints(name, ints);
        } else {
          out[i / 2] = of(name, (String) value);
        }
      }
      return out;
    }
  }

  private final String name;
  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private final List<ProtoWriter> inputs = new ArrayList<>();
  private final List<ProtoWriter> outputs = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private int counter;

  /** An empty graph called {@code name}. */
  public OnnxGraph(String name) {
    this.name = name;
  }

  /**
   * Declares a graph input.
   *
   * @param dims each a {@code Long} (fixed size) or a {@code String} (a named dynamic axis)
   * @return the input's name
   */
  public String input(String inputName, ElementType type, Object... dims) {
    inputs.add(valueInfo(claim(inputName), type, dims));
    return inputName;
  }

  /** Declares {@code value} as the graph output {@code outputName} (through an Identity node). */
  public void output(String outputName, String value, ElementType type, Object... dims) {
    nodes.add(nodeProto("Identity", List.of(value), List.of(claim(outputName)), List.of()));
    outputs.add(valueInfo(outputName, type, dims));
  }

  /** A float32 constant of the given shape, stored in the model. */
  public String constant(String constantName, long[] shape, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    initializers.add(tensor(claim(constantName), ElementType.FLOAT, shape, raw.array()));
    return constantName;
  }

  /** A float32 scalar constant. */
  public String scalar(float value) {
    return constant(fresh("const"), new long[0], new float[] {value});
  }

  @Override
  public String scalar(double value) {
    return scalar((float) value);
  }

  /** An int64 vector constant (shape {@code [values.length]}). */
  @Override
  public String longs(long... values) {
    return longConstant(new long[] {values.length}, values);
  }

  /** An int64 scalar constant. */
  public String longScalar(long value) {
    return longConstant(new long[0], new long[] {value});
  }

  private String longConstant(long[] shape, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    String constantName = fresh("const");
    initializers.add(tensor(claim(constantName), ElementType.INT64, shape, raw.array()));
    return constantName;
  }

  /** A node with one output; returns the output's name. */
  public String node(String op, List<String> nodeInputs, Attribute... attributes) {
    return nodes(op, 1, nodeInputs, attributes)[0];
  }

  /** A node with {@code outputCount} outputs; returns their names. */
  public String[] nodes(String op, int outputCount, List<String> nodeInputs,
      Attribute... attributes) {
    String[] out = new String[outputCount];
    for (int i = 0; i < outputCount; i++) {
      out[i] = claim(fresh(op));
    }
    nodes.add(nodeProto(op, nodeInputs, List.of(out), List.of(attributes)));
    return out;
  }

  @Override
  public String[] ops(String op, int outputCount, List<String> nodeInputs, Object... attributes) {
    return nodes(op, outputCount, nodeInputs, Attribute.fromPairs(attributes));
  }

  /** The encoded {@code ModelProto}. */
  public byte[] toBytes() {
    ProtoWriter graph = new ProtoWriter();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, name);
    initializers.forEach(t -> graph.message(5, t));
    inputs.forEach(v -> graph.message(11, v));
    outputs.forEach(v -> graph.message(12, v));
    return new ProtoWriter()
        .varint(1, IR_VERSION)
        .string(2, "bond4j")
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").varint(2, OPSET))
        .toByteArray();
  }

  /** Writes the model to {@code file} atomically (a temporary file, then a rename). */
  public void write(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
      Files.write(temporary, toBytes());
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BondException("Cannot write the ONNX model " + file + ": " + e, e);
    }
  }

  private String fresh(String prefix) {
    return prefix + "_" + counter++;
  }

  private String claim(String valueName) {
    if (!names.add(valueName)) {
      throw new BondException("The ONNX graph " + name + " already has a value named " + valueName);
    }
    return valueName;
  }

  private static ProtoWriter nodeProto(String op, List<String> in, List<String> out,
      List<Attribute> attributes) {
    ProtoWriter node = new ProtoWriter();
    in.forEach(i -> node.string(1, i));
    out.forEach(o -> node.string(2, o));
    node.string(3, out.get(0)).string(4, op);
    attributes.forEach(a -> node.message(5, a.proto));
    return node;
  }

  private static ProtoWriter tensor(String tensorName, ElementType type, long[] shape,
      byte[] raw) {
    ProtoWriter tensor = new ProtoWriter();
    for (long dim : shape) {
      tensor.varint(1, dim);
    }
    return tensor.varint(2, type.code).string(8, tensorName).bytes(9, raw);
  }

  private static ProtoWriter valueInfo(String valueName, ElementType type, Object... dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Object dim : dims) {
      ProtoWriter d = new ProtoWriter();
      if (dim instanceof String param) {
        d.string(2, param);
      } else {
        d.varint(1, ((Number) dim).longValue());
      }
      shape.message(1, d);
    }
    ProtoWriter tensorType = new ProtoWriter().varint(1, type.code).message(2, shape);
    return new ProtoWriter().string(1, valueName).message(2,
        new ProtoWriter().message(1, tensorType));
  }
}
