package org.daisyjava.launcher.observe;

import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.progress.RunState;

/**
 * How a run ended, as every listener reports it: {@code state} is {@link RunState#FINISHED},
 * {@link RunState#FAILED} (with the first line of the reason) or {@link RunState#INTERRUPTED};
 * {@code workerLosses} says, per task that lost workers, how its lost jobs ended
 * ({@code "2 x TIMEOUT — raise slurm.time (now 00:01:00)"}); {@code seconds} is the run's wall time.
 */
public record RunEnding(RunState state, String reason, Map<String, List<String>> workerLosses, long seconds) {
  public RunEnding {
    if (state == null || state == RunState.RUNNING) {
      throw new IllegalArgumentException("a run ends finished, failed or interrupted, not " + state);
    }
    if ((reason != null) != (state == RunState.FAILED)) {
      throw new IllegalArgumentException("a reason comes with a failed run, and only then");
    }
    workerLosses = Map.copyOf(workerLosses);
  }
}
