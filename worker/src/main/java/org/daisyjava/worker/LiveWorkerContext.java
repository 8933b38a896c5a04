package org.daisyjava.worker;

import java.nio.file.Path;

/** The worker's context as the runner thread keeps it up to date: fixed ids, the current attempt. */
final class LiveWorkerContext implements WorkerContext {
  private final String task;
  private final long workerId;
  private final Path runDir;
  // written by the runner thread, read by user code that may have handed the context elsewhere
  private volatile int attempt;

  LiveWorkerContext(String task, long workerId, Path runDir) {
    this.task = task;
    this.workerId = workerId;
    this.runDir = runDir == null ? null : runDir.toAbsolutePath();
  }

  @Override
  public String task() {
    return task;
  }

  @Override
  public long workerId() {
    return workerId;
  }

  @Override
  public Path runDir() {
    return runDir;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  void setAttempt(int attempt) {
    this.attempt = attempt;
  }

  @Override
  public String toString() {
    return "worker " + workerId + " of task " + task;
  }
}
