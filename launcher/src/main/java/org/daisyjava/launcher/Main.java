package org.daisyjava.launcher;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.daisyjava.core.LogLineFormatter;
import org.daisyjava.launcher.backend.BackendRegistry;
import org.daisyjava.launcher.config.ConfigException;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.doctor.Doctor;
import org.daisyjava.launcher.plan.PlanCommand;
import org.daisyjava.launcher.progress.StatusCommand;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.ScriptText;

/** {@code daisy-launch}: run, resume or plan a pipeline, or show the status of a run. */
public final class Main {
  private static final List<String> BACKENDS = BackendRegistry.names();

  private Main() {}

  public static void main(String[] args) {
    // first: a SIGTERM from here on exits 130 (see SignalTrap), not the JVM's 143
    SignalTrap.installEarly();
    configureLogging();
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** Runs the command line and returns the exit code (for tests: no System.exit). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("plan")) {
      return plan(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args.length > 0 && args[0].equals("status")) {
      return StatusCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err,
          out == System.out && System.console() != null);
    }
    if (args.length > 0 && args[0].equals("doctor")) {
      return Doctor.run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args.length > 0 && args[0].equals("view")) {
      return org.daisyjava.launcher.view.ViewCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    Options options = launchOptions();
    CommandLine cl;
    try {
      cl = new DefaultParser().parse(options, args);
    } catch (ParseException e) {
      return usageError(e.getMessage(), options, err);
    }
    if (cl.hasOption("help")) {
      printHelp(options, out);
      return ExitCode.OK;
    }
    if (cl.hasOption("version")) {
      out.println("daisy-launch " + version());
      return ExitCode.OK;
    }
    if (cl.getArgList().size() != 1) {
      return usageError("expected exactly one CONFIG.yaml, got " + cl.getArgList(), options, err);
    }
    String backend = cl.getOptionValue("backend");
    if (backend != null && !BACKENDS.contains(backend)) {
      return usageError("--backend must be one of " + String.join(", ", BACKENDS) + ", got '" + backend + "'",
          options, err);
    }
    if (cl.hasOption("run-dir")) {
      try {
        ScriptText.check("--run-dir", cl.getOptionValue("run-dir"));
      } catch (LaunchException e) {
        return usageError(e.getMessage(), options, err);
      }
    }
    LaunchOptions launch = new LaunchOptions(
        Path.of(cl.getArgList().get(0)),
        backend,
        cl.hasOption("resume"),
        cl.hasOption("dry-run"),
        cl.hasOption("run-dir") ? Path.of(cl.getOptionValue("run-dir")) : null,
        cl.getOptionValue("ssh"),
        cl.hasOption("quiet"));
    PipelineConfig config;
    try {
      config = ConfigLoader.load(launch.config());
    } catch (ConfigException e) {
      err.println("daisy-launch: " + e.getMessage());
      return ExitCode.USAGE;
    }
    return Launch.run(config, launch, out, err);
  }

  private static int plan(String[] args, PrintStream out, PrintStream err) {
    Options options = new Options();
    options.addOption(Option.builder().longOpt("json").desc("one JSON line per block").build());
    options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
    CommandLine cl;
    try {
      cl = new DefaultParser().parse(options, args);
    } catch (ParseException e) {
      err.println("daisy-launch plan: " + e.getMessage());
      err.println("usage: daisy-launch plan [--json] CONFIG.yaml");
      return ExitCode.USAGE;
    }
    if (cl.hasOption("help")) {
      new HelpFormatter().printHelp(new PrintWriter(out, true), 100,
          "daisy-launch plan [--json] CONFIG.yaml",
          "Show the blocks of every task without running anything.", options, 2, 2, "");
      return ExitCode.OK;
    }
    if (cl.getArgList().size() != 1) {
      err.println("daisy-launch plan: expected exactly one CONFIG.yaml, got " + cl.getArgList());
      err.println("usage: daisy-launch plan [--json] CONFIG.yaml");
      return ExitCode.USAGE;
    }
    PipelineConfig config;
    try {
      config = ConfigLoader.load(Path.of(cl.getArgList().get(0)));
    } catch (ConfigException e) {
      err.println("daisy-launch: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (cl.hasOption("json")) {
      try {
        OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        PlanCommand.printJson(config.graph(), buffered);
        buffered.flush();
      } catch (IOException e) {
        err.println("daisy-launch plan: " + e.getMessage());
        return ExitCode.BLOCKS_FAILED;
      }
    } else {
      PlanCommand.printSummary(config.graph(), out);
    }
    return ExitCode.OK;
  }

  private static Options launchOptions() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("backend").hasArg().argName(String.join("|", BACKENDS))
        .desc("where workers run (overrides backend: in the config; default local)").build());
    o.addOption(Option.builder().longOpt("resume")
        .desc("continue the run in the existing run directory; logged blocks are not run again").build());
    o.addOption(Option.builder().longOpt("dry-run")
        .desc("write and print the job scripts, submit nothing, run nothing").build());
    o.addOption(Option.builder().longOpt("run-dir").hasArg().argName("DIR")
        .desc("overrides run_dir: in the config").build());
    o.addOption(Option.builder().longOpt("ssh").hasArg().argName("[USER@]HOST[:PORT]")
        .desc("submit, poll and cancel cluster jobs on a login node over SSH").build());
    o.addOption(Option.builder().longOpt("quiet").desc("no progress display").build());
    o.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
    o.addOption(Option.builder().longOpt("version").desc("print the version").build());
    return o;
  }

  private static int usageError(String message, Options options, PrintStream err) {
    err.println("daisy-launch: " + message);
    err.println("usage: daisy-launch [options] CONFIG.yaml | daisy-launch plan [--json] CONFIG.yaml"
        + " | daisy-launch status [RUN_DIR|CONFIG.yaml] [--watch]"
        + " | daisy-launch doctor [options] CONFIG.yaml (--help for options)");
    return ExitCode.USAGE;
  }

  private static void printHelp(Options options, PrintStream out) {
    new HelpFormatter().printHelp(new PrintWriter(out, true), 100,
        "daisy-launch [options] CONFIG.yaml\n       daisy-launch plan [--json] CONFIG.yaml"
            + "\n       daisy-launch status [RUN_DIR|CONFIG.yaml] [--watch]"
            + "\n       daisy-launch doctor [--ssh ...] [--dry-run] CONFIG.yaml",
        "Run (or resume) the blockwise pipeline in CONFIG.yaml.\n\nOptions:", options, 2, 2,
        "\nExit codes: 0 all blocks done, 1 some blocks failed or orphaned, 2 usage or config"
            + " error, 3 the cluster refused or lost the run, 130 interrupted.");
  }

  /**
   * One line per log record; the console shows warnings and errors only (progress has the
   * terminal), the run directory's daisy-launch.log gets everything from INFO up.
   */
  static void configureLogging() {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    for (java.util.logging.Handler h : root.getHandlers()) {
      if (h instanceof java.util.logging.ConsoleHandler) {
        h.setLevel(java.util.logging.Level.WARNING);
        h.setFormatter(logFormatter());
      }
    }
  }

  /**
   * The launcher's log lines: {@link LogLineFormatter}'s, or {@code SimpleFormatter}'s if the user
   * gave it a format ({@code -Djava.util.logging.SimpleFormatter.format=...}).
   */
  static java.util.logging.Formatter logFormatter() {
    return System.getProperty("java.util.logging.SimpleFormatter.format") != null
        ? new java.util.logging.SimpleFormatter() : new LogLineFormatter();
  }

  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
