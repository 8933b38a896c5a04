package org.daisyjava.worker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;

/**
 * Builtin {@code fail}: fails a block with the given {@code probability} (default 0.1), decided by a
 * hash of task, block id and attempt rather than by chance, so that a run can be repeated exactly:
 * the same attempt of the same block always behaves the same, and about that share of first
 * attempts fails.
 */
final class FailBuiltin implements BlockFunction {
  static final double DEFAULT_PROBABILITY = 0.1;

  private final double probability;
  private WorkerContext context;

  FailBuiltin(double probability) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException(
          "builtin fail: option 'probability' must be between 0 and 1, got " + probability);
    }
    this.probability = probability;
  }

  static FailBuiltin fromOptions(BlockCode code) {
    return new FailBuiltin(BuiltinFunctions.numberOption(code, "probability", DEFAULT_PROBABILITY));
  }

  @Override
  public void setup(WorkerContext context) {
    this.context = context;
  }

  @Override
  public void process(Block block) throws BlockFailedException {
    int attempt = context == null ? 1 : context.attempt();
    if (fails(block.task(), block.id(), attempt, probability)) {
      throw new BlockFailedException(
          "builtin fail: failed on purpose (attempt " + attempt + ", probability " + probability + ")");
    }
  }

  /** Whether this attempt of this block fails at {@code probability}. */
  static boolean fails(String task, long blockId, int attempt, double probability) {
    return unitHash(task, blockId, attempt) < probability;
  }

  /** A number in [0, 1) that looks random but depends only on its arguments. */
  static double unitHash(String task, long blockId, int attempt) {
    byte[] digest = sha256(task + "\n" + blockId + "\n" + attempt);
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    return (bits >>> 11) * 0x1.0p-53; // the top 53 bits: every double in [0, 1) is reachable
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
