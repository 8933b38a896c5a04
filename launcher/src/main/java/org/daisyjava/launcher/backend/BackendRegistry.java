package org.daisyjava.launcher.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.BatchSection;
import org.daisyjava.launcher.run.LaunchException;

/**
 * The backends, by the name {@code --backend} and {@code backend:} take: the one list the command
 * line, the config validator and the factory read. A batch system is one line here (its executor
 * names its config section and template). {@code external}: workers started by the user.
 */
public final class BackendRegistry {
  /** A backend's name and how to make it, given what runs its batch commands. */
  private record Entry(String name, Function<CommandRunner, BackendFactory> factory, GridExecutor grid) {}

  private static final List<Entry> ENTRIES = List.of(
      new Entry("local", runner -> new LocalBackend.Factory(), null),
      batch(new SlurmExecutor()),
      batch(new LsfExecutor()),
      new Entry("external", runner -> new ExternalBackend.Factory(), null));

  private BackendRegistry() {}

  private static Entry batch(GridExecutor grid) {
    return new Entry(grid.name(), runner -> new ClusterBackend.Factory(grid, runner), grid);
  }

  /** {@code local, slurm, lsf, external}. */
  public static List<String> names() {
    return ENTRIES.stream().map(Entry::name).toList();
  }

  /** The config sections of the batch systems ({@code slurm:}, {@code lsf:}). */
  public static List<BatchSection<?>> sections() {
    List<BatchSection<?>> out = new ArrayList<>();
    for (Entry e : ENTRIES) {
      if (e.grid != null) {
        out.add(e.grid.section());
      }
    }
    return List.copyOf(out);
  }

  /** The factory of backend {@code name}, its batch commands run on this machine. */
  public static BackendFactory factory(String name) throws LaunchException {
    return factory(name, new LocalCommandRunner());
  }

  /** The factory of backend {@code name}, its batch commands run by {@code runner} (e.g. over SSH). */
  public static BackendFactory factory(String name, CommandRunner runner) throws LaunchException {
    return entry(name).factory.apply(runner);
  }

  /** The batch system of backend {@code name}, or null for a backend that is none. */
  public static GridExecutor executor(String name) throws LaunchException {
    return entry(name).grid;
  }

  private static Entry entry(String name) throws LaunchException {
    for (Entry e : ENTRIES) {
      if (e.name.equals(name)) {
        return e;
      }
    }
    throw new LaunchException(ExitCode.USAGE, "unknown backend " + name + " (use one of "
        + String.join(", ", names()) + ")");
  }
}
