/**
 * The ONNX Runtime backend: {@link dev.bond4j.onnx.OnnxRewardModel} scores completions with a
 * sequence-classification model, {@link dev.bond4j.onnx.OnnxPolicy} samples a decoder (GPT-2 or
 * the Llama family) in the HuggingFace-optimum convention with a KV cache, and {@link
 * dev.bond4j.onnx.export} writes such decoders of both families from HuggingFace weights.
 */
package dev.bond4j.onnx;
