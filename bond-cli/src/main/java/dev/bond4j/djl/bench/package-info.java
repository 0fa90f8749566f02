/** The DJL backend's benchmark program: J-BOND step throughput, GEMM rate and update MFU. */
package dev.bond4j.djl.bench;
