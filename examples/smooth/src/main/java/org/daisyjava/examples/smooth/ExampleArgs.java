package org.daisyjava.examples.smooth;

import java.nio.file.Path;
import java.util.Map;
import org.daisyjava.worker.WorkerContext;

/** The {@code args:} of one of the example's tasks, read with clear errors for missing or bad values. */
final class ExampleArgs {
  private final Map<String, String> args;
  private final String task;
  private final Path runDir;

  ExampleArgs(WorkerContext context) {
    this.args = context.args();
    this.task = context.task();
    this.runDir = context.runDir();
  }

  String string(String name, String fallback) {
    return args.getOrDefault(name, fallback);
  }

  double number(String name, double fallback) {
    String v = args.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw bad(name, "a number", v);
    }
  }

  long[] longs(String name) {
    String v = args.get(name);
    if (v == null) {
      throw new IllegalArgumentException("task " + task + ": args." + name + " is required");
    }
    String[] parts = v.split(",");
    long[] out = new long[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        out[i] = Long.parseLong(parts[i].trim());
      }
    } catch (NumberFormatException e) {
      throw bad(name, "a list of integers", v);
    }
    return out;
  }

  /** The Zarr container: {@code args.container} (default {@code smooth.zarr}), relative to the run directory. */
  Path container() {
    Path p = Path.of(string("container", "smooth.zarr"));
    if (!p.isAbsolute()) {
      if (runDir == null) {
        throw new IllegalArgumentException("task " + task + ": no run directory to find " + p + " in");
      }
      p = runDir.resolve(p);
    }
    return p;
  }

  private IllegalArgumentException bad(String name, String expected, String got) {
    return new IllegalArgumentException("task " + task + ": args." + name + " must be " + expected
        + ", got '" + got + "'");
  }
}
