package org.daisyjava.worker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.daisyjava.core.LogLineFormatter;

/**
 * {@code daisy-worker --connect ADDR[,ADDR...] --task NAME [--run-dir DIR] [--key-file FILE]
 * [--connect-timeout DURATION]}: what a job script runs on a compute node. Logs one line per event
 * to stderr; exits with a {@link WorkerExitCodes} value. On SIGTERM (e.g. {@code scancel}) it kills
 * the running block's process, says goodbye and exits promptly; on SIGUSR1 (the walltime is near)
 * it hands back its block, says goodbye and exits 0, as it does at {@code --drain-after}
 * ({@link DrainClock}).
 */
public final class WorkerMain {
  /** How long the shutdown hook waits for the worker to say goodbye and stop its block. */
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

  private WorkerMain() {}

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.manager") == null) {
      // before anything logs: the JDK's manager would drop what we log while stopping on SIGTERM
      System.setProperty("java.util.logging.manager", WorkerLogManager.class.getName());
    }
    installLogFormat();
    System.exit(run(args, System.getenv()));
  }

  /** Everything but the logging setup and the exit, for tests: returns the exit code. */
  static int run(String[] args, Map<String, String> env) {
    if (WorkerArguments.wantsHelp(args)) {
      System.out.print(WorkerArguments.usage());
      return 0;
    }
    WorkerArguments arguments;
    try {
      arguments = WorkerArguments.parse(args);
    } catch (UsageException e) {
      System.err.println("daisy-worker: " + e.getMessage());
      System.err.print(WorkerArguments.usage());
      return WorkerExitCodes.USAGE;
    }
    Worker worker = new Worker(arguments.addresses(), arguments.task(),
        WorkerOptions.defaults()
            .withRunDir(arguments.runDir())
            .withKey(arguments.key())
            .withJob(ClusterJobId.fromEnvironment(env))
            .withLog(logFile(env))
            .withConnectTimeout(arguments.connectTimeout())
            .withSlots(arguments.slots())
            .withWorkerId(arguments.workerId()));
    CountDownLatch finished = new CountDownLatch(1);
    Thread onSignal = new Thread(() -> {
      // SIGTERM/SIGINT: the JVM exits once this hook returns, so wait for the goodbye to go out
      worker.stop();
      try {
        finished.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "daisy-worker-shutdown");
    Runtime.getRuntime().addShutdownHook(onSignal);
    onWalltimeWarning(worker);
    if (arguments.drainAfter() != null) {
      DrainClock.start(worker, arguments.drainAfter());
    }
    try {
      return worker.run();
    } finally {
      finished.countDown();
    }
  }

  /**
   * SIGUSR1, which the job scripts ask SLURM ({@code --signal=B:USR1@…}) and LSF ({@code -wa USR1})
   * to send shortly before the walltime: the worker drains and exits 0. Without this handler USR1
   * would kill the JVM. A JVM that keeps the signal for itself ({@code -Xrs}) simply has no drain.
   */
  private static void onWalltimeWarning(Worker worker) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("USR1"), sig -> {
        Logger.getLogger(WorkerMain.class.getName()).info("SIGUSR1: the batch system's walltime warning");
        worker.drain();
      });
    } catch (IllegalArgumentException e) {
      Logger.getLogger(WorkerMain.class.getName()).warning("no walltime drain: cannot handle SIGUSR1 (" + e.getMessage() + ")");
    }
  }

  /** The worker's log file as the job script or the local backend names it, or null. */
  private static String logFile(Map<String, String> env) {
    String log = env.get("DAISY_LOG");
    return log == null || log.isBlank() ? null : log;
  }

  /**
   * Compact one-line log records on stderr, unless the user configured java.util.logging through
   * its system properties.
   */
  private static void installLogFormat() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    ConsoleHandler stderr = new ConsoleHandler();
    stderr.setFormatter(new LogLineFormatter());
    stderr.setLevel(Level.ALL);
    root.addHandler(stderr);
  }
}
