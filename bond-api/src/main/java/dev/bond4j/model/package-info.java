/**
 * The backend contract: {@link dev.bond4j.model.Policy}, {@link dev.bond4j.model.TrainablePolicy},
 * {@link dev.bond4j.model.PolicySnapshot}, {@link dev.bond4j.model.RewardModel} and {@link
 * dev.bond4j.model.Tokenizer}. Backends see only (prompt, completion, weight).
 */
package dev.bond4j.model;
