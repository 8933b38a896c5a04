package org.daisyjava.worker;

import java.util.concurrent.Callable;

/**
 * Runs blocks through a {@link BlockFunction} on the runner thread: a user's class, a builtin, or a
 * function handed over in-process. Cancelling a block interrupts the thread.
 */
final class FunctionRunner implements BlockRunner {
  private final String description;
  private final Callable<BlockFunction> factory;
  private BlockFunction function;

  /**
   * @param factory makes the function in {@link #start}, on the runner thread, so that loading a
   *     class and failing to do so happen where setup does
   */
  FunctionRunner(String description, Callable<BlockFunction> factory) {
    if (description == null || factory == null) {
      throw new IllegalArgumentException("description and factory must not be null");
    }
    this.description = description;
    this.factory = factory;
  }

  @Override
  public void start(LiveWorkerContext context) throws Exception {
    function = factory.call();
    function.setup(context);
  }

  @Override
  public void run(HeldBlock held) throws Exception {
    Thread runner = Thread.currentThread();
    held.cancellation().onCancel(runner::interrupt);
    try {
      if (held.cancellation().isCancelled()) {
        throw new BlockFailedException("block was stopped before it started");
      }
      function.process(held.block());
    } finally {
      held.cancellation().clearAction();
    }
  }

  @Override
  public void stop() throws Exception {
    if (function != null) {
      function.teardown();
    }
  }

  @Override
  public String description() {
    return description;
  }
}
