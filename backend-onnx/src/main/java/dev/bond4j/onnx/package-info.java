/**
 * The ONNX Runtime backend: {@link dev.bond4j.onnx.OnnxRewardModel} scores completions with a
 * sequence-classification model, {@link dev.bond4j.onnx.OnnxPolicy} samples a GPT-2-family decoder
 * in the HuggingFace-optimum convention with a KV cache, and {@link dev.bond4j.onnx.export} writes
 * such decoders from HuggingFace-layout weights.
 */
package dev.bond4j.onnx;
