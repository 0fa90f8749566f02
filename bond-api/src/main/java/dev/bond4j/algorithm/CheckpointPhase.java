package dev.bond4j.algorithm;

/**
 * The phases of one checkpoint write, in order, as {@link CheckpointStore#write} passes them. A
 * crash in any phase leaves the previous checkpoints and the {@code latest} pointer usable: the
 * new folder becomes visible only once complete and synced, and old folders are deleted only after
 * the pointer names the new one.
 */
public enum CheckpointPhase {
  /** The files are written into {@code step-N.tmp}. */
  WRITTEN,
  /** The manifest of SHA-256 digests is written and every file and folder is synced to disk. */
  SYNCED,
  /** {@code step-N.tmp} is renamed to {@code step-N} and the parent folder synced. */
  RENAMED,
  /** The {@code latest} pointer is atomically switched to {@code step-N}. */
  POINTED,
  /** Checkpoints beyond the retention count are deleted. */
  PRUNED
}
