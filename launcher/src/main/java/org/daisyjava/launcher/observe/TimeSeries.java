package org.daisyjava.launcher.observe;

import java.util.Arrays;

/**
 * Per-task completed and running blocks over the run, for the throughput and concurrency plots
 * and statistics, in bounded memory: a point at most every {@code step} seconds; when
 * {@link #MAX_POINTS} are kept, every other point is dropped and the step doubles, so a run of a
 * week keeps as many points as a run of ten minutes. Not thread-safe; its owner locks.
 */
final class TimeSeries {
  static final int MAX_POINTS = 600;
  private final int tasks;
  private double step = 1.0;
  private int size;
  private double[] seconds = new double[MAX_POINTS];
  /** [point][task]: completed (without skipped), running. */
  private long[][] completed = new long[MAX_POINTS][];
  private long[][] running = new long[MAX_POINTS][];
  /** Time-weighted sum of running blocks per task (from every sample). */
  private final double[] runningSeconds;
  private double lastSample = -1;
  private long[] lastRunning;

  TimeSeries(int tasks) {
    this.tasks = tasks;
    this.runningSeconds = new double[tasks];
  }

  /** A sample at {@code t} seconds into the run; kept as a point if a step has passed. */
  void sample(double t, long[] done, long[] busy) {
    if (lastSample >= 0 && t > lastSample) {
      for (int i = 0; i < tasks; i++) {
        runningSeconds[i] += lastRunning[i] * (t - lastSample);
      }
    }
    lastSample = t;
    lastRunning = busy.clone();
    if (size > 0 && t - seconds[size - 1] < step) {
      return;
    }
    if (size == MAX_POINTS) {
      thin();
    }
    seconds[size] = t;
    completed[size] = done.clone();
    running[size] = busy.clone();
    size++;
  }

  /** The last sample is always kept as the final point (for the end of the run). */
  void close(double t, long[] done, long[] busy) {
    step = 0;
    sample(t, done, busy);
  }

  private void thin() {
    int kept = 0;
    for (int i = 0; i < size; i += 2) {
      seconds[kept] = seconds[i];
      completed[kept] = completed[i];
      running[kept] = running[i];
      kept++;
    }
    Arrays.fill(completed, kept, size, null);
    Arrays.fill(running, kept, size, null);
    size = kept;
    step *= 2;
  }

  /** Mean blocks running over the run so far. */
  double meanRunning(int task) {
    return lastSample <= 0 ? 0 : runningSeconds[task] / lastSample;
  }

  /** Copies: seconds, then per point completed and running of {@code task}. */
  double[][] points(int task) {
    double[][] out = new double[3][size];
    for (int i = 0; i < size; i++) {
      out[0][i] = seconds[i];
      out[1][i] = completed[i][task];
      out[2][i] = running[i][task];
    }
    return out;
  }
}
