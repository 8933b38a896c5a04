package org.daisyjava.worker;

import java.util.concurrent.TimeUnit;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;

/** Builtin {@code sleep}: each block takes {@code seconds} (default 0.05) and succeeds. */
final class SleepBuiltin implements BlockFunction {
  static final double DEFAULT_SECONDS = 0.05;

  private final long nanos;

  SleepBuiltin(double seconds) {
    if (!(seconds >= 0) || seconds > 1e9) {
      throw new IllegalArgumentException("builtin sleep: option 'seconds' must be >= 0, got " + seconds);
    }
    this.nanos = Math.round(seconds * 1e9);
  }

  static SleepBuiltin fromOptions(BlockCode code) {
    return new SleepBuiltin(BuiltinFunctions.numberOption(code, "seconds", DEFAULT_SECONDS));
  }

  @Override
  public void process(Block block) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(nanos);
  }
}
