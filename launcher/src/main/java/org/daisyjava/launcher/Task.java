package org.daisyjava.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.core.Roi;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.FailureLimit;
import org.daisyjava.worker.BlockCheck;
import org.daisyjava.worker.BlockFunction;

/**
 * A task of a pipeline built in code, for {@link Daisy#run}: the same settings as a config
 * file's task, with the block function given as an object (a lambda) instead of a class name.
 *
 * <pre>{@code
 * Task smooth = Task.builder("smooth")
 *     .totalRoi(Roi.of(new long[] {0, 0, 0}, new long[] {1024, 1024, 1024}))
 *     .readRoi(Roi.of(new long[] {-8, -8, -8}, new long[] {80, 80, 80}))
 *     .writeRoi(Roi.of(new long[] {0, 0, 0}, new long[] {64, 64, 64}))
 *     .numWorkers(4)
 *     .process(block -> smooth(block))
 *     .build();
 * }</pre>
 */
public final class Task {
  private final TaskGeometry geometry;
  private final int numWorkers;
  private final int maxRetries;
  private final Duration timeout;
  private final FailureLimit maxFailures;
  private final BlockFunction process;
  private final BlockCheck check;

  private Task(Builder b) {
    this.geometry = new TaskGeometry(b.name, b.totalRoi, b.readRoi, b.writeRoi, b.fit,
        b.readWriteConflict, b.upstream);
    this.numWorkers = b.numWorkers;
    this.maxRetries = b.maxRetries;
    this.timeout = b.timeout;
    this.maxFailures = b.maxFailures;
    this.process = b.process;
    this.check = b.check;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return geometry.name();
  }

  /** The scheduler's view of the task; not part of the API (its types are the scheduler's). */
  TaskGeometry geometry() {
    return geometry;
  }

  public int numWorkers() {
    return numWorkers;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public Duration timeout() {
    return timeout;
  }

  /** The scheduler's form of the failure limit; not part of the API. */
  FailureLimit maxFailures() {
    return maxFailures;
  }

  public BlockFunction process() {
    return process;
  }

  public BlockCheck check() {
    return check;
  }

  /** Collects a task's settings; {@link #build} validates them. Defaults as in config files. */
  public static final class Builder {
    private final String name;
    private Roi totalRoi;
    private Roi readRoi;
    private Roi writeRoi;
    private Fit fit = Fit.VALID;
    private boolean readWriteConflict = true;
    private final List<String> upstream = new ArrayList<>();
    private int numWorkers = 1;
    private int maxRetries = 2;
    private Duration timeout;
    private FailureLimit maxFailures = FailureLimit.DEFAULT;
    private BlockFunction process;
    private BlockCheck check;

    private Builder(String name) {
      this.name = name;
    }

    public Builder totalRoi(Roi roi) {
      this.totalRoi = roi;
      return this;
    }

    public Builder readRoi(Roi roi) {
      this.readRoi = roi;
      return this;
    }

    public Builder writeRoi(Roi roi) {
      this.writeRoi = roi;
      return this;
    }

    /** How blocks treat the total ROI's border (daisy's {@code fit}); default {@link Fit#VALID}. */
    public Builder fit(Fit fit) {
      this.fit = fit;
      return this;
    }

    public Builder readWriteConflict(boolean conflict) {
      this.readWriteConflict = conflict;
      return this;
    }

    /** Tasks whose output this one reads; they must be in the same {@link Daisy#run} call. */
    public Builder upstream(Task... tasks) {
      for (Task t : tasks) {
        upstream.add(t.name());
      }
      return this;
    }

    public Builder numWorkers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("numWorkers must be >= 1, got " + n);
      }
      this.numWorkers = n;
      return this;
    }

    public Builder maxRetries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, got " + n);
      }
      this.maxRetries = n;
      return this;
    }

    /** A block running longer is failed and retried. */
    public Builder timeout(Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * How many blocks may fail for good (after their retries) before the task is given up: its
     * remaining blocks are not run and the blocks downstream of them are orphaned, so that a task
     * whose every block fails ends early. Default 10, as {@code max_failures} in a config.
     */
    public Builder maxFailures(long blocks) {
      if (blocks < 0) {
        throw new IllegalArgumentException("maxFailures must be >= 0, got " + blocks);
      }
      this.maxFailures = new FailureLimit.Blocks(blocks);
      return this;
    }

    /** As {@link #maxFailures}, as a share of the task's blocks: {@code 5} is 5 % (rounded down). */
    public Builder maxFailurePercent(double percent) {
      if (!(percent >= 0 && percent <= 100)) {
        throw new IllegalArgumentException("maxFailurePercent must be between 0 and 100, got " + percent);
      }
      this.maxFailures = new FailureLimit.Share(percent);
      return this;
    }

    /** The code run for each block, in worker threads of this JVM. */
    public Builder process(BlockFunction process) {
      this.process = process;
      return this;
    }

    /** Says whether a block is already done (then it is skipped). */
    public Builder check(BlockCheck check) {
      this.check = check;
      return this;
    }

    public Task build() {
      if (process == null) {
        throw new IllegalArgumentException("task " + name + ": process must be given");
      }
      return new Task(this);
    }
  }
}
