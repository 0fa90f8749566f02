/** The ONNX Runtime benchmark program ({@link dev.bond4j.onnx.bench.OnnxBenchmark}). */
package dev.bond4j.onnx.bench;
