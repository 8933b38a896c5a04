package org.daisyjava.launcher.doctor;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.backend.GridExecutor;
import org.daisyjava.launcher.backend.JobState;
import org.daisyjava.launcher.backend.JobScripts;
import org.daisyjava.launcher.backend.SchedulerAddresses;
import org.daisyjava.launcher.backend.Submission;
import org.daisyjava.launcher.backend.BackendRegistry;
import org.daisyjava.launcher.backend.WorkerCommand;
import org.daisyjava.launcher.config.ConfigException;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.ssh.LoginNode;
import org.daisyjava.launcher.ssh.SshCommandRunner;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * {@code daisy-launch doctor CONFIG.yaml}: can compute nodes reach the head? Submits one short
 * job (with the first task's real directives and template, through {@code --ssh} if given) that
 * runs {@link DoctorProbe} instead of a worker, answers its pings on a port of the configured
 * {@code scheduler.port} range, and prints which candidate head addresses answered from the node
 * and how fast, the node's name, CPUs, GPUs and java, and whether the run directory's file system
 * and the worker's classpath are visible there. Exit 0 if an address answered, 3 if none did (or
 * the job never ran), 2 for config errors; the probe job is cancelled in any case and the queue
 * is checked until it is gone.
 *
 * <p>Its files (script, marker, logs) go to a {@code .daisy-doctor-ID} directory beside the run
 * directory — on the same file system, which is the one being tested — and are removed after a
 * successful check (kept, and named, after a failed one).
 */
public final class Doctor {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(10);

  private Doctor() {}

  /** Runs {@code daisy-launch doctor ARGS}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options options = new Options();
    options.addOption(Option.builder().longOpt("backend").hasArg().argName("slurm").desc("overrides backend:").build());
    options.addOption(Option.builder().longOpt("ssh").hasArg().argName("[USER@]HOST[:PORT]")
        .desc("submit the probe job on a login node over SSH").build());
    options.addOption(Option.builder().longOpt("dry-run").desc("print the probe job, submit nothing").build());
    options.addOption(Option.builder().longOpt("wait").hasArg().argName("MINUTES")
        .desc("how long to wait for the probe job to run (default 10)").build());
    options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
    CommandLine cl;
    try {
      cl = new DefaultParser().parse(options, args);
    } catch (ParseException e) {
      err.println("daisy-launch doctor: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (cl.hasOption("help")) {
      new HelpFormatter().printHelp(new PrintWriter(out, true), 100, "daisy-launch doctor [options] CONFIG.yaml",
          "Submit one probe job: can the compute nodes reach this machine?", options, 2, 2, "");
      return ExitCode.OK;
    }
    if (cl.getArgList().size() != 1) {
      err.println("daisy-launch doctor: expected exactly one CONFIG.yaml, got " + cl.getArgList());
      return ExitCode.USAGE;
    }
    Duration wait = DEFAULT_WAIT;
    if (cl.hasOption("wait")) {
      try {
        wait = Duration.ofMinutes(Long.parseLong(cl.getOptionValue("wait")));
      } catch (NumberFormatException e) {
        wait = Duration.ZERO;
      }
      if (wait.isZero() || wait.isNegative() || wait.toDays() > 7) {
        err.println("daisy-launch doctor: --wait: expected minutes (1 or more), got '" + cl.getOptionValue("wait") + "'");
        return ExitCode.USAGE;
      }
    }
    try {
      PipelineConfig config = ConfigLoader.load(Path.of(cl.getArgList().get(0)));
      String backend = cl.hasOption("backend") ? cl.getOptionValue("backend") : config.backend();
      return check(config, backend, cl.getOptionValue("ssh"), cl.hasOption("dry-run"), wait, out);
    } catch (ConfigException e) {
      err.println("daisy-launch doctor: " + e.getMessage());
      return ExitCode.USAGE;
    } catch (LaunchException e) {
      err.println("daisy-launch doctor: " + e.getMessage());
      return e.exitCode();
    }
  }

  private static int check(PipelineConfig config, String backend, String ssh, boolean dryRun, Duration wait,
      PrintStream out) throws LaunchException {
    if (backend.equals("local")) {
      if (ssh != null) {
        throw new LaunchException(ExitCode.USAGE, "--ssh needs a cluster backend: use --backend slurm");
      }
      out.println("daisy-launch doctor: backend local runs its workers on this machine over loopback;"
          + " there is no network to check (use --backend slurm to test the cluster)");
      return ExitCode.OK;
    }
    GridExecutor grid = BackendRegistry.executor(backend);
    if (grid == null) {
      throw new LaunchException(ExitCode.USAGE, "doctor needs a batch-system backend, not " + backend);
    }
    String source = config.source() == null ? "config" : config.source().getFileName().toString();
    SchedulerAddresses.checkOwn(config.scheduler().hosts(), source);
    TaskConfig task = config.tasks().get(0);
    byte[] random = new byte[9];
    new SecureRandom().nextBytes(random);
    String id = HexFormat.of().formatHex(random, 0, 3);
    String token = HexFormat.of().formatHex(random);
    Path dir = besideRunDir(config.runDir()).resolve(".daisy-doctor-" + id);
    String jobName = "daisy-doctor-" + config.name() + "-" + id;
    CommandRunner runner = LoginNode.runnerFor(config, ssh, backend, config.runDir(), dryRun);
    try (ZContext zmq = new ZContext()) {
      ZMQ.Socket router = null;
      // a dry run binds nothing: it shows the configured port (or PORT for "any free one")
      int port = dryRun ? config.scheduler().portLow() : 0;
      if (!dryRun) {
        router = zmq.createSocket(SocketType.ROUTER);
        router.setLinger(0);
        port = bind(router, config.scheduler().portLow(), config.scheduler().portHigh());
      }
      List<String> addresses = SchedulerAddresses.of(config.scheduler().hosts(), port);
      if (dryRun) {
        addresses = addresses.stream().map(a -> a.replaceFirst(":0$", ":PORT")).toList();
      }
      String script = render(config, grid, task, dir, jobName, token, addresses);
      Path scriptFile = dir.resolve("probe.sh");
      if (dryRun) {
        out.println("# " + scriptFile + " — would be submitted as: "
            + String.join(" ", grid.submitCommand(new Submission(scriptFile, 1, jobName, dir.resolve("logs")))));
        out.print(script);
        out.println("# dry run: nothing was submitted");
        return ExitCode.OK;
      }
      return submitAndWait(config, grid, runner, router, dir, scriptFile, script, jobName, token, addresses,
          wait, out);
    } finally {
      if (runner instanceof SshCommandRunner s) {
        s.close();
      }
    }
  }

  private static int submitAndWait(PipelineConfig config, GridExecutor grid, CommandRunner runner,
      ZMQ.Socket router, Path dir, Path scriptFile, String script, String jobName, String token,
      List<String> addresses, Duration wait, PrintStream out) throws LaunchException {
    try {
      Files.createDirectories(dir.resolve("logs"));
      Files.writeString(dir.resolve("marker"), token + "\n");
      Files.writeString(scriptFile, script);
      Files.setPosixFilePermissions(scriptFile, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot write the probe job's files in " + dir + ": " + e.getMessage());
    }
    List<String> jobs = new ArrayList<>();
    ProbeReport report = null;
    boolean ran = false;
    try (ProbeAnswers answers = ProbeAnswers.start(router, token)) {
      try {
        CommandRunner.Result r;
        try {
          Submission probe = new Submission(scriptFile, 1, jobName, dir.resolve("logs"));
          r = runner.run(grid.submitCommand(probe), grid.submitInput(probe, script), COMMAND_TIMEOUT);
        } catch (IOException e) {
          throw new LaunchException(ExitCode.CLUSTER, "cannot submit the probe job: " + e.getMessage());
        }
        if (!r.ok()) {
          throw new LaunchException(ExitCode.CLUSTER, "the probe job was refused (exit code " + r.exitCode() + "): "
              + r.message());
        }
        String jobId;
        try {
          jobId = grid.parseJobId(r.stdout());
        } catch (IllegalArgumentException e) {
          throw new LaunchException(ExitCode.CLUSTER, e.getMessage());
        }
        jobs.addAll(grid.arrayElements(jobId, 1));
        out.println("daisy-launch doctor: submitted probe job " + jobs.get(0) + " (task " + config.tasks().get(0).name()
            + "'s directives); it tries " + String.join(", ", addresses));
        long deadline = System.nanoTime() + wait.toNanos();
        long pollInterval = config.batch().get(grid.section()).common().pollInterval().toNanos();
        long nextPoll = 0;
        JobState shown = null;
        while (System.nanoTime() < deadline) {
          if (System.nanoTime() >= nextPoll) {
            nextPoll = System.nanoTime() + pollInterval;
            JobState state = state(grid, runner, jobName, jobs.get(0));
            if (state != null && state != shown) {
              out.println("daisy-launch doctor: probe job " + jobs.get(0) + " is " + state);
              shown = state;
            }
            // ended: gone from the queue (squeue), or listed as DONE or EXIT (bjobs -a, for an hour)
            if (state != null && !state.alive()) {
              // a last look: the report may have arrived while the status command ran
              report = answers.await(Duration.ZERO);
              if (report == null) {
                ran = shown != null && shown != JobState.PENDING && shown != JobState.HELD || hasLog(dir);
                report = fromLog(dir);
                if (report != null) {
                  out.println("daisy-launch doctor: the probe's report did not come back over the network;"
                      + " read it from the job's log");
                }
              }
              break;
            }
          }
          report = answers.await(Duration.ofNanos(Math.min(nextPoll, deadline) - System.nanoTime()));
          if (report != null) {
            ran = true;
            break;
          }
        }
      } finally {
        cancel(grid, runner, jobName, jobs);
      }
    }
    if (report == null) {
      out.println("daisy-launch doctor: " + (ran ? "the probe job ended without a report" : "the probe job did not"
          + " run within " + wait.toMinutes() + " min") + "; its files are in " + dir);
      printLogTail(dir, out);
      return ExitCode.CLUSTER;
    }
    printTable(report, out);
    if (report.anyAnswered()) {
      deleteTree(dir);
      return ExitCode.OK;
    }
    out.println("No candidate address answered from the compute node: set scheduler.host to an address of"
        + " this machine the compute nodes reach, and if a firewall lies between them, scheduler.port to a range"
        + " it lets through. The probe's files are in " + dir);
    return ExitCode.CLUSTER;
  }

  private static JobState state(GridExecutor grid, CommandRunner runner, String jobName, String job) {
    try {
      CommandRunner.Result r = runner.run(grid.statusCommand(jobName), null, COMMAND_TIMEOUT);
      if (!r.ok()) {
        return null;
      }
      return grid.parseStatus(r.stdout()).getOrDefault(job, JobState.GONE);
    } catch (IOException e) {
      return null;
    }
  }

  /** Cancels the probe job and waits until the queue no longer shows it. */
  private static void cancel(GridExecutor grid, CommandRunner runner, String jobName, List<String> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
    try {
      runner.run(grid.cancelCommand(jobName, jobs), null, COMMAND_TIMEOUT);
      while (System.nanoTime() < deadline) {
        CommandRunner.Result r = runner.run(grid.statusCommand(jobName), null, COMMAND_TIMEOUT);
        // LSF lists ended jobs (DONE, EXIT) for a while after: those are gone as far as a queue goes
        if (r.ok() && grid.parseStatus(r.stdout()).values().stream().noneMatch(JobState::alive)) {
          return;
        }
        Thread.sleep(500);
      }
    } catch (IOException e) {
      // reported below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.err.println("daisy-launch doctor: the probe job " + jobs + " (job name " + jobName
        + ") may still be queued; cancel it by hand");
  }

  private static int bind(ZMQ.Socket s, int low, int high) throws LaunchException {
    if (low == 0) {
      return s.bindToRandomPort("tcp://*", 1024, 65535);
    }
    for (int p = low; p <= high; p++) {
      try {
        s.bind("tcp://*:" + p);
        return p;
      } catch (ZMQException e) {
        // taken (a running scheduler, perhaps): try the next one
      }
    }
    throw new LaunchException(ExitCode.USAGE, "no free port in scheduler.port " + low + "-" + high);
  }

  /**
   * The probe's job script: the one a run would submit for {@code task} (its directives, prologue
   * and environment, see {@link JobScripts}), an array of one, with the probe in the worker's place.
   */
  private static String render(PipelineConfig config, GridExecutor grid, TaskConfig task, Path dir, String jobName,
      String token, List<String> addresses) throws LaunchException {
    List<String> cp = new ArrayList<>();
    cp.add(WorkerCommand.ownClasspath());
    for (String e : config.worker().classpath()) {
      cp.add(Path.of(e).toAbsolutePath().toString());
    }
    String classpath = String.join(File.pathSeparator, cp);
    List<String> argv = new ArrayList<>();
    argv.add(config.worker().java());
    argv.addAll(config.worker().jvmOptions());
    argv.addAll(List.of("-cp", classpath, DoctorProbe.class.getName(), "--token", token, "--marker",
        dir.resolve("marker").toString(), "--classpath", classpath, "--connect", String.join(",", addresses)));
    WorkerCommand probe = new WorkerCommand(List.copyOf(argv), Map.copyOf(config.worker().env()))
        .withEnv(task.env());
    return new JobScripts(grid, config.name(), jobName, config.runDir().toAbsolutePath())
        .render(task, 1, dir.resolve("logs"), probe);
  }

  /** The nearest existing directory of the run directory's path (the run directory need not exist). */
  private static Path besideRunDir(Path runDir) throws LaunchException {
    Path p = runDir.toAbsolutePath().normalize();
    while (p != null && !Files.isDirectory(p)) {
      p = p.getParent();
    }
    if (p == null) {
      throw new LaunchException(ExitCode.USAGE, "run_dir " + runDir + ": no part of it exists");
    }
    return p;
  }

  private static boolean hasLog(Path dir) {
    try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
      return s.findAny().isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /** The report the probe printed to its job's stdout, if it got that far. */
  private static ProbeReport fromLog(Path dir) {
    try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".out")).toList()) {
        if (Files.size(p) <= ProbeReport.MAX_BYTES) {
          ProbeReport r = ProbeReport.parse(Files.readString(p));
          if (r != null) {
            return r;
          }
        }
      }
    } catch (IOException e) {
      // no log: no report
    }
    return null;
  }

  private static void printLogTail(Path dir, PrintStream out) {
    try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
      for (Path p : s.sorted().toList()) {
        List<String> lines = Files.readAllLines(p);
        out.println("  " + p.getFileName() + ":");
        for (String l : lines.subList(Math.max(0, lines.size() - 8), lines.size())) {
          out.println("    " + l);
        }
      }
    } catch (IOException e) {
      // nothing to show
    }
  }

  private static void printTable(ProbeReport r, PrintStream out) {
    out.println();
    out.println("node " + r.node() + ": " + r.cpus() + " CPUs, " + r.gpus() + " GPUs, java " + r.java());
    int w = 12;
    for (ProbeReport.Answer a : r.addresses()) {
      w = Math.max(w, a.address().length());
    }
    out.printf("  %-" + w + "s  %s%n", "head address", "from the compute node");
    for (ProbeReport.Answer a : r.addresses()) {
      out.printf("  %-" + w + "s  %s%n", a.address(), a.answered()
          ? "reachable (answered in " + a.millis() + " ms)"
          : "unreachable (no answer within " + DoctorWire.ANSWER_WAIT.toSeconds() + " s)");
    }
    out.printf("  %-" + w + "s  %s%n", "run_dir", r.runDir());
    out.printf("  %-" + w + "s  %s%n", "worker jar", r.jar());
    out.println();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover probe directory is harmless; its name says what it is
    }
  }
}
