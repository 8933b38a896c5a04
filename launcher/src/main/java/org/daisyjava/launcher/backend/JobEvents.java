package org.daisyjava.launcher.backend;

import java.util.List;

/**
 * What a batch-system backend tells the run's event stream about its jobs. Called on the
 * launcher's supervising thread, like the backend itself.
 */
public interface JobEvents {
  JobEvents NONE = new JobEvents() {
    @Override
    public void submitted(String task, String jobId, int workers) {}

    @Override
    public void cancelled(String task, List<String> jobIds) {}
  };

  /** An array of {@code workers} jobs was submitted for {@code task} as {@code jobId}. */
  void submitted(String task, String jobId, int workers);

  /**
   * Cancels were sent for {@code jobIds} (array elements, or whole arrays); {@code task} is
   * null when they are every job of the run at its end.
   */
  void cancelled(String task, List<String> jobIds);
}
