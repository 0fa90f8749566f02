/**
 * Best-of-N serving against one sample of a distilled policy: the cost BOND removes at inference
 * ({@link dev.bond4j.onnx.serving.ServingComparison}).
 */
package dev.bond4j.onnx.serving;
