package org.daisyjava.worker;

import org.daisyjava.core.BlockCode;

/** Chooses the {@link BlockRunner} for a task's {@code process:} or an in-process function. */
final class BlockRunners {
  private BlockRunners() {}

  /**
   * What a welcomed worker runs: its own function if it brought one (the welcome's process is then
   * ignored), else the welcome's process. With neither, a runner whose setup fails (exit 4).
   */
  static BlockRunner forWelcome(BlockCode process, BlockFunction function, ClassLoader loader) {
    if (function != null) {
      return forFunction(function);
    }
    if (process != null) {
      return forCode(process, loader);
    }
    return new FunctionRunner("no code", () -> {
      throw new IllegalStateException(
          "the scheduler's welcome names no process and this worker brought no function");
    });
  }

  static BlockRunner forFunction(BlockFunction function) {
    if (function == null) {
      throw new IllegalArgumentException("function must not be null");
    }
    Class<?> type = function.getClass();
    // a lambda's class name says nothing a reader could use
    String description = type.isHidden() ? "in-process function" : "in-process " + type.getName();
    return new FunctionRunner(description, () -> function);
  }

  /** A class that cannot be loaded or made cannot run on any worker: the whole task fails. */
  private static BlockFunction loadClass(String className, ClassLoader loader)
      throws BrokenCodeException {
    try {
      return UserClasses.instantiate(className, BlockFunction.class, loader, "process");
    } catch (IllegalArgumentException e) {
      throw new BrokenCodeException(Breakage.WHOLE_TASK, e.getMessage()
          + (e.getCause() != null && e.getCause() != e ? " (" + e.getCause() + ")" : ""));
    }
  }

  /**
   * @param loader where {@code class:} code is looked up (the worker's classpath with the user's jars)
   */
  static BlockRunner forCode(BlockCode process, ClassLoader loader) {
    if (process == null) {
      throw new IllegalArgumentException("process must not be null");
    }
    String value = process.value();
    return switch (process.kind()) {
      case CLASS -> new FunctionRunner("class " + value, () -> loadClass(value, loader));
      case COMMAND -> new CommandRunner(value);
      case STREAM -> new StreamRunner(value);
      case BUILTIN -> new FunctionRunner(
          "builtin " + value, () -> BuiltinFunctions.create(process));
    };
  }
}
