package org.daisyjava.worker;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A {@link Worker} running on its own thread, as the in-process Java API runs them. */
final class RunningWorker implements AutoCloseable {
  private final Worker worker;
  private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
  private final Thread thread;
  private volatile boolean interruptedAfterRun;

  private RunningWorker(Worker worker) {
    this.worker = worker;
    thread = new Thread(() -> {
      try {
        int code = worker.run();
        interruptedAfterRun = Thread.currentThread().isInterrupted();
        exitCode.complete(code);
      } catch (Throwable t) {
        exitCode.completeExceptionally(t);
      }
    }, "test-worker");
    thread.setDaemon(true);
    thread.start();
  }

  static RunningWorker start(List<String> addresses, String task, WorkerOptions options) {
    return new RunningWorker(new Worker(addresses, task, options));
  }

  static RunningWorker start(FakeScheduler scheduler, String task, WorkerOptions options) {
    return start(List.of(scheduler.address()), task, options);
  }

  Worker worker() {
    return worker;
  }

  /** Interrupts the thread running the worker, as an executor's shutdownNow would. */
  void interrupt() {
    thread.interrupt();
  }

  /** Whether the worker's thread still had its interrupt status when run() returned. */
  boolean interruptedAfterRun() {
    return interruptedAfterRun;
  }

  int awaitExit() {
    return awaitExit(FakeScheduler.PATIENCE);
  }

  int awaitExit(Duration timeout) {
    try {
      return exitCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("the worker did not exit within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw new AssertionError("the worker threw", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  boolean hasExited() {
    return exitCode.isDone();
  }

  @Override
  public void close() {
    worker.stop();
    try {
      exitCode.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the test has failed already or the worker threw: nothing to clean up beyond stopping it
    }
  }
}
