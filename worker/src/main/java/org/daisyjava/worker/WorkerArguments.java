package org.daisyjava.worker;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.daisyjava.core.DurationText;

/**
 * The command line of daisy-worker:
 * {@code --connect ADDR[,ADDR...] --task NAME [--run-dir DIR] [--key-file FILE] [--connect-timeout DURATION]
 * [--slots N] [--worker-id N] [--drain-after DURATION]}.
 *
 * @param key the key file's contents (checked to be a {@link WorkerKeyFile}), or null
 * @param drainAfter when to leave cleanly, counted from the job's start ({@link DrainClock}), or
 *     null for no clock (the walltime warning signal alone)
 */
record WorkerArguments(
    List<String> addresses, String task, Path runDir, String key, Duration connectTimeout, int slots,
    long workerId, Duration drainAfter) {

  static Options options() {
    Options options = new Options();
    options.addOption(Option.builder().longOpt("connect").hasArg().argName("ADDR[,ADDR...]")
        .desc("scheduler addresses to try in order, e.g. tcp://head:40000").build());
    options.addOption(Option.builder().longOpt("task").hasArg().argName("NAME")
        .desc("the task to serve").build());
    options.addOption(Option.builder().longOpt("run-dir").hasArg().argName("DIR")
        .desc("the run directory (DAISY_RUN_DIR)").build());
    options.addOption(Option.builder().longOpt("key-file").hasArg().argName("FILE")
        .desc("file holding the run's key").build());
    options.addOption(Option.builder().longOpt("connect-timeout").hasArg().argName("DURATION")
        .desc("give up reaching the scheduler after this long (default 60s)").build());
    options.addOption(Option.builder().longOpt("slots").hasArg().argName("N")
        .desc("blocks to run at once (default 1, at most " + WorkerOptions.MAX_SLOTS + ")").build());
    options.addOption(Option.builder().longOpt("worker-id").hasArg().argName("N")
        .desc("the worker id to ask the scheduler for (launchers pass the number their log files"
            + " carry; default: the scheduler chooses)").build());
    options.addOption(Option.builder().longOpt("drain-after").hasArg().argName("DURATION")
        .desc("leave cleanly, as at SIGUSR1, this long after the job started (job scripts pass the"
            + " walltime less the drain, in case the batch system's warning is lost)").build());
    options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
    return options;
  }

  static String usage() {
    StringWriter text = new StringWriter();
    new HelpFormatter().printHelp(new PrintWriter(text), 100,
        "daisy-worker --connect ADDR[,ADDR...] --task NAME [--run-dir DIR] [--key-file FILE] [--slots N]",
        "Connects to a daisy scheduler, runs blocks of one task, reports back.", options(),
        2, 2, "Exit codes: 0 done, 2 usage, 3 no scheduler, 4 task code failed.");
    return text.toString();
  }

  /** True if the arguments ask for help (which then wins over anything wrong with them). */
  static boolean wantsHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help")) {
        return true;
      }
    }
    return false;
  }

  static WorkerArguments parse(String[] args) throws UsageException {
    CommandLine line;
    try {
      line = new DefaultParser().parse(options(), args);
    } catch (ParseException e) {
      throw new UsageException(e.getMessage());
    }
    if (!line.getArgList().isEmpty()) {
      throw new UsageException("unexpected argument '" + line.getArgList().get(0) + "'");
    }
    return new WorkerArguments(
        addresses(required(line, "connect")),
        required(line, "task").trim(),
        line.hasOption("run-dir") ? path("--run-dir", line.getOptionValue("run-dir")) : null,
        line.hasOption("key-file") ? key(path("--key-file", line.getOptionValue("key-file"))) : null,
        line.hasOption("connect-timeout")
            ? duration("--connect-timeout", line.getOptionValue("connect-timeout"))
            : WorkerOptions.DEFAULT_CONNECT_TIMEOUT,
        line.hasOption("slots") ? slots(line.getOptionValue("slots")) : 1,
        line.hasOption("worker-id") ? workerId(line.getOptionValue("worker-id")) : 0,
        line.hasOption("drain-after") ? duration("--drain-after", line.getOptionValue("drain-after")) : null);
  }

  private static long workerId(String text) throws UsageException {
    long id;
    try {
      id = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--worker-id: '" + text + "' is not a whole number");
    }
    if (id < 1) {
      throw new UsageException("--worker-id: " + id + " is not positive");
    }
    return id;
  }

  private static int slots(String text) throws UsageException {
    int slots;
    try {
      slots = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--slots: '" + text + "' is not a whole number");
    }
    if (slots < 1 || slots > WorkerOptions.MAX_SLOTS) {
      throw new UsageException("--slots: " + slots + " is not between 1 and " + WorkerOptions.MAX_SLOTS);
    }
    return slots;
  }

  private static String required(CommandLine line, String option) throws UsageException {
    String value = line.getOptionValue(option);
    if (value == null || value.isBlank()) {
      throw new UsageException("--" + option + " is required");
    }
    return value;
  }

  private static List<String> addresses(String list) throws UsageException {
    List<String> addresses = new ArrayList<>();
    for (String part : list.split(",")) {
      String address = part.trim();
      if (address.isEmpty()) {
        continue;
      }
      if (!address.matches("[a-z]+://\\S+")) {
        throw new UsageException("--connect: '" + address + "' is not an address like tcp://host:port");
      }
      addresses.add(address);
    }
    if (addresses.isEmpty()) {
      throw new UsageException("--connect names no address");
    }
    return List.copyOf(addresses);
  }

  private static Path path(String option, String value) throws UsageException {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageException(option + ": not a path: " + e.getMessage());
    }
  }

  private static String key(Path file) throws UsageException {
    String key;
    try {
      // a key file is a few short lines: look at the size before reading anything
      if (Files.size(file) > WorkerKeyFile.MAX_BYTES) {
        throw new UsageException("--key-file: " + file + " is larger than " + WorkerKeyFile.MAX_BYTES
            + " bytes: not a worker key file");
      }
      key = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("--key-file: cannot read " + file + ": " + e);
    }
    try {
      WorkerKeyFile.read(key);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--key-file: " + file + ": " + e.getMessage());
    }
    return key;
  }

  /** A duration in the project's one grammar ({@link DurationText}: 500ms, 30s, 10m, 2h). */
  static Duration duration(String option, String text) throws UsageException {
    Duration d;
    try {
      d = DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
    if (d.toMillis() < 1) {
      throw new UsageException(option + ": '" + text + "' must be at least 1ms");
    }
    return d;
  }
}
