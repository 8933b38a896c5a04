package org.daisyjava.scheduler.state;

/**
 * How many blocks of a task may fail for good before the task is given up (its remaining blocks
 * are not run, its downstream blocks are orphaned): a task whose every block fails should end in
 * seconds, not after trying each of a million blocks three times. The config's
 * {@code max_failures}: a count ({@code 10}) or a share of the task's blocks ({@code 5%}).
 */
public sealed interface FailureLimit {
  /** The default: ten blocks failed for good are tolerated, the eleventh ends the task. */
  FailureLimit DEFAULT = new Blocks(10);

  /** Blocks of a task of {@code total} blocks that may fail for good; one more gives up. */
  long allowed(long total);

  /** For messages: {@code 10} or {@code 5%}. */
  String text();

  /** At most {@code count} blocks. */
  record Blocks(long count) implements FailureLimit {
    public Blocks {
      if (count < 0) {
        throw new IllegalArgumentException("max_failures must be >= 0, got " + count);
      }
    }

    @Override
    public long allowed(long total) {
      return count;
    }

    @Override
    public String text() {
      return Long.toString(count);
    }
  }

  /** At most {@code percent}% of the task's blocks (rounded down). */
  record Share(double percent) implements FailureLimit {
    public Share {
      if (!(percent >= 0 && percent <= 100)) {
        throw new IllegalArgumentException("max_failures must be between 0% and 100%, got " + percent + "%");
      }
    }

    @Override
    public long allowed(long total) {
      return percent >= 100 ? total : (long) Math.floor(total * (percent / 100.0));
    }

    @Override
    public String text() {
      String p = percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
      return p + "%";
    }
  }
}
