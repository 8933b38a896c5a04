package org.daisyjava.launcher.it.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.stream.Stream;
import org.daisyjava.launcher.ssh.LocalSshd;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code daisy-launch doctor} through the login node (the loopback sshd) and the local SLURM.
 * Of two candidate head addresses, 127.0.0.2 is made unreachable on the doctor's port by an
 * iptables DROP rule (removed afterwards), 127.0.0.1 is not: the table must say exactly that.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DoctorTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  @TempDir Path tmp;

  @BeforeEach
  void services() throws Exception {
    LocalSshd.require();
    SshRun.requireSlurm();
  }

  private Path config(String name, String hosts, int port) throws IOException {
    Path config = tmp.resolve(name + ".yaml");
    Files.writeString(config, """
        name: %1$s
        run_dir: "%2$s"
        backend: slurm
        scheduler: {host: %3$s, port: %4$d}
        worker: {java: "%5$s", jvm_options: %6$s}
        slurm: {poll_interval: 1s, partition: debug, mem: 200M, cpus_per_task: 1}
        ssh: {host: 127.0.0.1, identity_file: "%7$s", known_hosts: "%8$s"}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {command: "true"}
        """.formatted(name, tmp.resolve("run"), hosts, port, SshRun.JAVA, SshRun.WORKER_JVM_OPTIONS,
        LocalSshd.clientKey("ed25519"), LocalSshd.knownHosts()));
    return config;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void theTableShowsTheDroppedAddressUnreachableAndTheOtherReachable() throws Exception {
    int port = freePort();
    String name = "it-doctor-" + UUID.randomUUID().toString().substring(0, 6);
    Path config = config(name, "[127.0.0.2, 127.0.0.1]", port);
    List<String> rule = List.of("INPUT", "-i", "lo", "-d", "127.0.0.2", "-p", "tcp", "--dport", String.valueOf(port),
        "-j", "DROP", "-m", "comment", "--comment", "daisy-it " + name);
    iptables("-I", rule);
    SshRun r = null;
    try {
      r = SshRun.doctor(tmp, "doctor", config, "--ssh", "root@127.0.0.1:" + LocalSshd.port());
      int code = r.awaitExit(RUN_TIMEOUT);
      String out = Files.readString(r.stdout);
      assertEquals(0, code, r.output());
      assertTrue(out.matches("(?s).*tcp://127\\.0\\.0\\.2:" + port + " +unreachable \\(no answer within 5 s\\).*"), out);
      assertTrue(out.matches("(?s).*tcp://127\\.0\\.0\\.1:" + port + " +reachable \\(answered in \\d+ ms\\).*"), out);
      assertTrue(out.matches("(?s).*run_dir +visible.*") && out.matches("(?s).*worker jar +visible.*"), out);
      assertTrue(out.contains("java " + System.getProperty("java.version")), out);
      assertEquals(List.of(), SshRun.queued("daisy-doctor-" + name), "no probe job left");
      assertTrue(String.join("\n", LocalSshd.commands()).contains("/probe.sh"), "the probe job was submitted over SSH");
      try (Stream<Path> s = Files.list(tmp)) {
        assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".daisy-doctor-")), "its files removed");
      }
      System.out.println("[doctor-it]\n" + out);
    } finally {
      iptables("-D", rule);
      if (r != null) {
        r.kill();
      }
      SshRun.cancelAll("daisy-doctor-" + name);
    }
  }

  @Test
  void noReachableAddressIsExit3AndADryRunSubmitsNothing() throws Exception {
    int port = freePort();
    String name = "it-doctor-none-" + UUID.randomUUID().toString().substring(0, 6);
    Path config = config(name, "[127.0.0.2]", port);
    SshRun dry = SshRun.doctor(tmp, "dry", config, "--ssh", "root@127.0.0.1:" + LocalSshd.port(), "--dry-run");
    assertEquals(0, dry.awaitExit(RUN_TIMEOUT), dry.output());
    String dryOut = Files.readString(dry.stdout);
    assertTrue(dryOut.contains("would be submitted as: sbatch") && dryOut.contains("DoctorProbe")
        && dryOut.contains("tcp://127.0.0.2:" + port), dryOut);
    assertEquals(List.of(), SshRun.queued("daisy-doctor-" + name));

    List<String> rule = List.of("INPUT", "-i", "lo", "-d", "127.0.0.2", "-p", "tcp", "--dport", String.valueOf(port),
        "-j", "DROP", "-m", "comment", "--comment", "daisy-it " + name);
    iptables("-I", rule);
    SshRun r = null;
    try {
      r = SshRun.doctor(tmp, "none", config, "--ssh", "root@127.0.0.1:" + LocalSshd.port());
      int code = r.awaitExit(RUN_TIMEOUT);
      String out = Files.readString(r.stdout);
      assertEquals(3, code, r.output());
      assertTrue(out.contains("tcp://127.0.0.2:" + port) && out.contains("unreachable"), out);
      assertTrue(out.contains("set scheduler.host"), out);
      assertEquals(List.of(), SshRun.queued("daisy-doctor-" + name), "no probe job left");
      assertFalse(out.contains("reachable (answered"), out);
    } finally {
      iptables("-D", rule);
      if (r != null) {
        r.kill();
      }
      SshRun.cancelAll("daisy-doctor-" + name);
    }
  }

  static void iptables(String op, List<String> rule) throws Exception {
    List<String> argv = new ArrayList<>(List.of("iptables", op));
    argv.addAll(rule);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + out);
    }
  }
}
