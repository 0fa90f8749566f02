/**
 * The studies behind figures in {@code BENCHMARKS.md} that are not benchmarks: fp32 against bf16
 * J-BOND curves over seeds ({@link dev.bond4j.study.PrecisionStudy}), LoRA against full
 * fine-tuning on the demo ({@link dev.bond4j.study.LoraJBondComparison}) and full fine-tuning
 * with some weights frozen ({@link dev.bond4j.study.FrozenWeightsStudy}). Programs with a
 * {@code main}, run from the {@code bond} jar.
 */
package dev.bond4j.study;
