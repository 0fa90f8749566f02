/**
 * Writing ONNX models without an ONNX or protobuf dependency: a minimal encoder of the public
 * {@code onnx.proto} ({@link dev.bond4j.onnx.export.OnnxGraph}), decoders of both families
 * (GPT-2, and Llama, Qwen2 and Mistral) in the HuggingFace-optimum convention and classifiers on
 * their bodies ({@link dev.bond4j.onnx.export.DecoderOnnxExport}),
 * and small mean-embedding reward models ({@link dev.bond4j.onnx.export.MeanEmbeddingRewardExport}).
 */
package dev.bond4j.onnx.export;
