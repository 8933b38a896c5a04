package org.daisyjava.launcher.it.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers that cannot reach the head: the scheduler's port on loopback is made to drop every
 * packet (an iptables rule on {@code lo} for one port this test picks, removed afterwards), so
 * each worker's connection attempts vanish as they would behind a firewall. The run must stop
 * after the first jobs give up (not after max_restarts replacements), with exit 3 and a message
 * naming the addresses, the worker log and what to set. The workers give up after a short
 * {@code worker.connect_timeout} (the packets vanish either way; how long they wait is not what
 * is tested, and the 60 s default would only make the test wait).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class UnreachableHeadTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);
  private static final String CONNECT_TIMEOUT = "3s";
  @TempDir Path tmp;

  @Test
  void workersThatCannotConnectStopTheRunAfterTheFirstJobsWithExit3AndWhatToSet() throws Exception {
    SshRun.requireSlurm();
    requireIptables();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String name = "it-unreachable-" + UUID.randomUUID().toString().substring(0, 6);
    String prefix = "daisy-" + name + "-";
    Path run = tmp.resolve("run");
    Path blocks = tmp.resolve("blocks.txt");
    Files.writeString(tmp.resolve(name + ".yaml"), """
        name: %1$s
        run_dir: "%2$s"
        backend: slurm
        scheduler: {host: 127.0.0.1, port: %3$d, status_interval: 1s}
        worker: {java: "%4$s", jvm_options: %5$s, max_restarts: 10, connect_timeout: %7$s}
        slurm: {poll_interval: 1s, partition: debug, mem: 200M, cpus_per_task: 1}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: 2
            process: {command: 'echo "$DAISY_BLOCK_ID" >> "%6$s"'}
        """.formatted(name, run, port, SshRun.JAVA, SshRun.WORKER_JVM_OPTIONS, blocks, CONNECT_TIMEOUT));
    List<String> rule = List.of("INPUT", "-i", "lo", "-p", "tcp", "--dport", String.valueOf(port), "-j", "DROP",
        "-m", "comment", "--comment", "daisy-it " + name);
    iptables("-I", rule);
    SshRun r = null;
    long started = System.nanoTime();
    try {
      r = SshRun.startWithPath(tmp, "unreachable", tmp.resolve(name + ".yaml"));
      int code = r.awaitExit(RUN_TIMEOUT);
      double seconds = (System.nanoTime() - started) / 1e9;
      assertEquals(3, code, r.output());
      String err = r.stderr();
      for (String expected : List.of("task a: 2 worker jobs", "ended without any worker of the task ever reaching",
          "tcp://127.0.0.1:" + port, run.resolve("logs").resolve("a").toString(), "never connected: ",
          "scheduler.host", "scheduler.port",
          // the worker's reason line, quoted: the job's worker got worker.connect_timeout
          "within the connect timeout of 3000 ms")) {
        assertTrue(err.contains(expected), "missing '" + expected + "':\n" + r.output());
      }
      assertEquals(List.of(), SshRun.queued(prefix), "no job left");
      assertTrue(SshRun.lines(blocks).isEmpty(), "no block ran");
      String log = Files.readString(run.resolve("daisy-launch.log"));
      assertTrue(!log.contains("replacing it"), "no replacement counted as a lost worker:\n" + log);
      System.out.printf("[unreachable-it] exit 3 after %.1f s (worker connect timeout %s)%n", seconds,
          CONNECT_TIMEOUT);
    } finally {
      iptables("-D", rule);
      if (r != null) {
        r.kill();
      }
      SshRun.cancelAll(prefix);
    }
  }

  private static void requireIptables() throws Exception {
    String why = null;
    try {
      Process p = new ProcessBuilder("iptables", "-L", "INPUT", "-n").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        why = "iptables -L fails: " + out.strip();
      }
    } catch (IOException e) {
      why = "no iptables: " + e.getMessage();
    }
    if (why == null) {
      return;
    }
    if ("1".equals(System.getenv("DAISY_REQUIRE_SSH"))) {
      fail("DAISY_REQUIRE_SSH=1 but " + why);
    }
    Assumptions.abort(why);
  }

  private static void iptables(String op, List<String> rule) throws Exception {
    List<String> argv = new ArrayList<>(List.of("iptables", op));
    argv.addAll(rule);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + out);
    }
  }
}
