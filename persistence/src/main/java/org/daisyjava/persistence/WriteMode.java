package org.daisyjava.persistence;

/**
 * Whether {@link ZarrArray#write} may touch chunks it does not cover whole. Two blocks writing
 * parts of one chunk at the same time race (each reads the chunk, changes its part, writes it
 * back: one change is lost), so the default refuses such writes; a caller whose blocks never
 * share a chunk, or are kept apart by the scheduler, opts in.
 */
public enum WriteMode {
  /** Every written region starts on a chunk boundary and ends on one or at the array's end. */
  CHUNK_ALIGNED,
  /** Partly covered chunks are read, changed and written back (not safe for concurrent writers). */
  READ_MODIFY_WRITE
}
