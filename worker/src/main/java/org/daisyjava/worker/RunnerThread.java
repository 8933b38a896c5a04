package org.daisyjava.worker;

import java.time.Duration;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The thread of one slot, which runs the task's code so that the poll loop keeps heartbeating
 * while a block runs. It sets its slot's code up, then takes blocks from the {@link HeldBlocks}
 * all slots share, one at a time, until they are closed, then tears the code down. It reports each
 * step to the poll loop as a {@link RunnerEvent} and wakes it.
 */
final class RunnerThread {
  private static final Logger LOG = Logger.getLogger(RunnerThread.class.getName());
  /** Errors longer than this are cut in the middle: a release carries a few lines, not a log. */
  static final int MAX_ERROR_LENGTH = 2000;

  private final BlockRunner runner;
  private final LiveWorkerContext context;
  private final HeldBlocks held;
  private final Queue<RunnerEvent> events;
  private final Wakeup wakeup;
  private final Thread thread;

  RunnerThread(
      BlockRunner runner,
      LiveWorkerContext context,
      HeldBlocks held,
      Queue<RunnerEvent> events,
      Wakeup wakeup,
      ClassLoader userClasses) {
    this.runner = runner;
    this.context = context;
    this.held = held;
    this.events = events;
    this.wakeup = wakeup;
    this.thread = new Thread(this::work, "daisy-runner-" + context.task() + "-" + context.workerId() + "-" + context.slot());
    // a block that ignores cancellation must not keep the JVM alive once the worker has left
    thread.setDaemon(true);
    thread.setContextClassLoader(userClasses);
  }

  void start() {
    thread.start();
  }

  /** Whether this slot's blocks run in processes of their own (see {@link BlockRunner#startsProcesses}). */
  boolean startsProcesses() {
    return runner.startsProcesses();
  }

  /** Waits for the thread to end, at most {@code timeout} (null: for as long as it takes). */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    if (timeout == null) {
      thread.join();
    } else {
      thread.join(Math.max(1, timeout.toMillis()));
    }
    return !thread.isAlive();
  }

  private void work() {
    try {
      runner.start(context);
    } catch (BrokenCodeException e) {
      post(new RunnerEvent.SetupFailed(runner.description() + ": " + e.getMessage(), e.breakage()));
      return;
    } catch (Throwable t) {
      LOG.log(Level.FINE, "setup failed", t);
      post(new RunnerEvent.SetupFailed(runner.description() + ": " + describe(t), Breakage.THIS_WORKER));
      return;
    }
    post(new RunnerEvent.Ready());
    try {
      while (true) {
        HeldBlock next;
        try {
          next = held.takeNext();
        } catch (InterruptedException stray) {
          continue; // meant for a block that has finished already
        }
        if (next == null || !runOne(next)) {
          return;
        }
      }
    } finally {
      try {
        runner.stop();
      } catch (Throwable t) {
        LOG.log(Level.WARNING, "teardown of " + runner.description() + " failed: " + t, t);
      }
    }
  }

  /** Runs one block and reports it; false if the code can run no more blocks. */
  private boolean runOne(HeldBlock block) {
    Thread.interrupted(); // an interrupt meant for the previous block must not hit this one
    context.setAttempt(block.attempt());
    String error = null;
    Breakage breakage = Breakage.NONE;
    long started = System.nanoTime();
    try {
      if (block.cancellation().isCancelled()) {
        // stopped (abandon, SIGTERM) between being taken and starting: do not start it at all
        throw new BlockFailedException("cancelled before it started");
      }
      runner.run(block);
    } catch (BrokenCodeException e) {
      error = e.getMessage();
      breakage = e.breakage();
    } catch (BlockFailedException e) {
      error = e.getMessage();
    } catch (Throwable t) {
      error = describe(t);
      if (!block.cancellation().isCancelled()) {
        LOG.log(Level.WARNING, "block " + block.id() + " failed: " + t, t);
      }
    } finally {
      Thread.interrupted();
      context.setAttempt(0);
    }
    held.finished(block);
    post(new RunnerEvent.Finished(block, error == null, error == null ? null : cap(error),
        System.nanoTime() - started, breakage));
    return breakage == Breakage.NONE;
  }

  private void post(RunnerEvent event) {
    events.add(event);
    wakeup.signal();
  }

  /** The exception and its causes, one per line. */
  static String describe(Throwable t) {
    StringBuilder text = new StringBuilder(t.toString());
    int depth = 0;
    for (Throwable cause = t.getCause(); cause != null && cause != t && depth < 3; cause = cause.getCause()) {
      text.append("\ncaused by ").append(cause);
      depth++;
    }
    return text.toString();
  }

  /** Keeps the start (what failed) and the end (the last words) of a long error. */
  static String cap(String error) {
    if (error.length() <= MAX_ERROR_LENGTH) {
      return error;
    }
    int head = MAX_ERROR_LENGTH / 5;
    int tail = MAX_ERROR_LENGTH - head - 5;
    return error.substring(0, head) + "\n...\n" + error.substring(error.length() - tail);
  }
}
