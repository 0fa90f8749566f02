/**
 * Writing ONNX models without an ONNX or protobuf dependency: a minimal encoder of the public
 * {@code onnx.proto} ({@link dev.bond4j.onnx.export.OnnxGraph}), GPT-2 decoders in the
 * HuggingFace-optimum convention and GPT-2 classifiers ({@link dev.bond4j.onnx.export.Gpt2OnnxExport}),
 * and small mean-embedding reward models ({@link dev.bond4j.onnx.export.MeanEmbeddingRewardExport}).
 */
package dev.bond4j.onnx.export;
