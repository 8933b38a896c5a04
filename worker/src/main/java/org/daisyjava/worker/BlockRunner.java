package org.daisyjava.worker;

/**
 * Runs a task's blocks one way ({@code class}, {@code command}, {@code stream}, {@code builtin}, an
 * in-process function). All methods are called on the runner thread, in the order start, run...,
 * stop; only a block's {@link Cancellation} reaches in from the poll loop.
 */
interface BlockRunner {
  /** Gets ready to run blocks (load a class, start a process). Throwing means exit 4. */
  void start(LiveWorkerContext context) throws Exception;

  /**
   * Runs one block. Returns on success; throws on failure, the exception's text being the error
   * ({@link BlockFailedException}: its message verbatim). Throws {@link BrokenCodeException} when no
   * further block can run either. Must register with the block's cancellation how to stop it.
   */
  void run(HeldBlock block) throws Exception;

  /** Releases what {@link #start} took (teardown, end the process). */
  void stop() throws Exception;

  /** What runs, for log lines: {@code command 'make-block'}. */
  String description();

  /** Whether blocks run in processes of their own, whose memory the worker's reports must include. */
  default boolean startsProcesses() {
    return false;
  }
}
