/** Runnable examples: the Java quick start on the exact testbed and the ONNX serving comparison. */
package dev.bond4j.examples;
