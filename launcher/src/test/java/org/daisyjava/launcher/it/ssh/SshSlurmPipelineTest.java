package org.daisyjava.launcher.it.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.daisyjava.launcher.ssh.LocalSshd;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs through the real local SLURM, submitted over SSH: the launcher's PATH has no batch
 * command at all, and the loopback sshd (scripts/local-sshd.sh) records every command it runs.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class SshSlurmPipelineTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  @TempDir Path tmp;

  @BeforeEach
  void services() throws Exception {
    LocalSshd.require();
    SshRun.requireSlurm();
  }

  private static String runName(String what) {
    return "it-ssh-" + what + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private Path config(String name, Path run, Path blocks, Path identity, Path knownHosts, String blockCommand)
      throws Exception {
    String yaml = """
        name: %1$s
        run_dir: "%2$s"
        backend: slurm
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10}
        worker:
          java: "%3$s"
          jvm_options: %4$s
        slurm: {poll_interval: 1s, partition: debug, mem: 200M, cpus_per_task: 1}
        ssh:
          host: 127.0.0.1
          identity_file: "%5$s"
          known_hosts: "%6$s"
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [40, 40]}
            read_roi: {offset: [0, 0], shape: [10, 10]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process: {command: '%7$secho "$DAISY_TASK $DAISY_BLOCK_ID" >> "%8$s"'}
          - name: b
            total_roi: {offset: [0, 0], shape: [40, 40]}
            read_roi: {offset: [0, 0], shape: [10, 10]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            upstream: [a]
            num_workers: 2
            process: {command: '%7$secho "$DAISY_TASK $DAISY_BLOCK_ID" >> "%8$s"'}
        """.formatted(name, run, SshRun.JAVA, SshRun.WORKER_JVM_OPTIONS, identity, knownHosts, blockCommand, blocks);
    Path config = tmp.resolve(name + ".yaml");
    Files.writeString(config, yaml);
    return config;
  }

  private static String ssh() {
    return "root@127.0.0.1:" + LocalSshd.port();
  }

  /** Every block once, in dependency order; the run's jobs gone; sbatch, squeue and scancel ran over SSH. */
  @Test
  void aChainedPipelineSubmittedOverSshRunsToTheEnd() throws Exception {
    String name = runName("chain");
    String prefix = "daisy-" + name + "-";
    Path run = tmp.resolve("run");
    Path blocks = tmp.resolve("blocks.txt");
    Path config = config(name, run, blocks, LocalSshd.clientKey("ed25519"), LocalSshd.knownHosts(), "");
    SshRun r = SshRun.start(tmp, "launch", config, "--ssh", ssh());
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      List<String> left = SshRun.queued(prefix);
      assertEquals(0, code, r.output());
      assertEquals(List.of(), left, "jobs of the run still queued");
      List<String> done = SshRun.lines(blocks);
      assertEquals(32, done.size(), done.toString());
      assertEquals(32, new HashSet<>(done).size(), "a block ran twice: " + done);
      for (int i = 0; i < done.size(); i++) {
        if (done.get(i).startsWith("b ")) {
          int up = done.indexOf("a " + done.get(i).substring(2));
          assertTrue(up >= 0 && up < i, "downstream before upstream: " + done);
        }
      }
      Recovery log = CheckpointLog.recover(run.resolve("checkpoint.log"));
      assertEquals(16, log.done(0).cardinality());
      assertEquals(16, log.done(1).cardinality());
      String commands = String.join("\n", LocalSshd.commands());
      for (String task : List.of("a", "b")) {
        assertTrue(commands.matches("(?s).* sbatch --parsable --array=0-1 " + run.resolve("jobs") + "/" + task + "-\\w+-1\\.sh.*"),
            "the sshd ran sbatch for task " + task + ":\n" + commands);
      }
      assertTrue(commands.contains("squeue") && commands.contains(prefix), "squeue ran over SSH:\n" + commands);
      assertTrue(commands.contains("cat -- " + tmp + "/.daisy-probe-"), "the run-dir probe was read on the login node");
      assertWorkersAreSentToThisMachine(run);
      String launchLog = Files.readString(run.resolve("daisy-launch.log"));
      assertFalse(launchLog.contains("reconnected"), "one session for the whole run:\n" + launchLog);
      try (var s = Files.list(tmp)) {
        assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".daisy-probe-")), "probe file removed");
      }
    } finally {
      r.kill();
      SshRun.cancelAll(prefix);
    }
  }

  /** scheduler.host: auto offers the head's own interfaces (never the login node's). */
  private static void assertWorkersAreSentToThisMachine(Path run) throws Exception {
    java.util.Set<String> own = new HashSet<>();
    for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (var a : java.util.Collections.list(nic.getInetAddresses())) {
        own.add(a.getHostAddress().replaceFirst("%.*", ""));
      }
    }
    String script;
    try (var s = Files.list(run.resolve("jobs"))) {
      script = Files.readString(s.filter(p -> p.toString().endsWith(".sh")).findFirst().orElseThrow());
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("--connect (\\S+)").matcher(script);
    assertTrue(m.find(), script);
    for (String addr : m.group(1).replace("'", "").split(",")) {
      String host = addr.replaceFirst("^tcp://", "").replaceFirst(":\\d+$", "").replaceAll("[\\[\\]]", "");
      boolean local = own.contains(host);
      if (!local) {
        for (var a : java.net.InetAddress.getAllByName(host)) {
          local |= own.contains(a.getHostAddress());
        }
      }
      assertTrue(local, addr + " is not an address of this machine " + own);
    }
  }

  /** A scheduler.host that is not this machine's is exit 2 before the login node is even contacted. */
  @Test
  void aForeignSchedulerHostIsExit2BeforeAnythingHappens() throws Exception {
    String name = runName("foreign");
    Path run = tmp.resolve("run");
    Path config = config(name, run, tmp.resolve("blocks.txt"), LocalSshd.clientKey("ed25519"), LocalSshd.knownHosts(), "");
    // 192.0.2.1: TEST-NET-1 (RFC 5737), nobody's address; nothing is ever sent to it
    Files.writeString(config, Files.readString(config).replace("scheduler: {", "scheduler: {host: [127.0.0.1, 192.0.2.1], "));
    // the login node is a port of this test's own: anything else on the machine may use the sshd
    try (java.net.ServerSocket login = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      SshRun r = SshRun.start(tmp, "foreign", config, "--ssh", "root@127.0.0.1:" + login.getLocalPort());
      try {
        assertEquals(2, r.awaitExit(RUN_TIMEOUT), r.output());
        assertTrue(r.stderr().contains("scheduler.host: '192.0.2.1' is not an address of this machine"), r.output());
        assertFalse(Files.exists(run), "no run directory");
        // a connection, even one closed since, waits in the listen queue: accept would return it
        login.setSoTimeout(1);
        assertThrows(java.net.SocketTimeoutException.class, login::accept, "the login node was not contacted");
      } finally {
        r.kill();
      }
    }
  }

  @Test
  void aWrongKnownHostsEntryIsExit3NamingHostAndFingerprintAndNothingIsSubmitted() throws Exception {
    String name = runName("badkey");
    Path other = tmp.resolve("other");
    new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()).start().waitFor();
    Path kh = tmp.resolve("known_hosts");
    Files.writeString(kh, "[127.0.0.1]:" + LocalSshd.port() + " ssh-ed25519 "
        + Files.readString(tmp.resolve("other.pub")).split(" ")[1] + "\n");
    Path run = tmp.resolve("run");
    Path config = config(name, run, tmp.resolve("blocks.txt"), LocalSshd.clientKey("ed25519"), kh, "");
    int before = LocalSshd.commands().size();
    SshRun r = SshRun.start(tmp, "badkey", config, "--ssh", ssh());
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      assertEquals(3, code, r.output());
      String err = r.stderr();
      assertTrue(err.contains("[127.0.0.1]:" + LocalSshd.port()), err);
      String fp = new String(new ProcessBuilder("ssh-keygen", "-lf", LocalSshd.DIR.resolve("host_ed25519_key.pub").toString())
          .start().getInputStream().readAllBytes()).split("\\s+")[1];
      assertTrue(err.contains(fp), "fingerprint " + fp + " in:\n" + err);
      assertEquals(before, LocalSshd.commands().size(), "nothing ran on the login node");
      assertFalse(Files.exists(run), "no run directory");
      assertEquals(List.of(), SshRun.queued("daisy-" + name + "-"));
    } finally {
      r.kill();
    }
  }

  @Test
  void aMissingIdentityFileIsExit2() throws Exception {
    String name = runName("noid");
    Path run = tmp.resolve("run");
    Path missing = tmp.resolve("no_such_key");
    Path config = config(name, run, tmp.resolve("blocks.txt"), missing, LocalSshd.knownHosts(), "");
    SshRun r = SshRun.start(tmp, "noid", config, "--ssh", ssh());
    try {
      assertEquals(2, r.awaitExit(RUN_TIMEOUT), r.output());
      assertTrue(r.stderr().contains(missing + " does not exist"), r.output());
      assertFalse(Files.exists(run), "no run directory");
    } finally {
      r.kill();
    }
  }

  /**
   * The login node's sshd goes away mid-run (its sessions dropped) and comes back two seconds
   * later: the run reconnects and completes; or, if the drop cut a submission short, it ends
   * with exit 3 and {@code --resume} completes it. Either way every block is done, none twice in
   * the first case, and no job is left.
   */
  @Test
  void anSshdRestartMidRunIsSurvived() throws Exception {
    String name = runName("restart");
    String prefix = "daisy-" + name + "-";
    Path run = tmp.resolve("run");
    Path blocks = tmp.resolve("blocks.txt");
    Path config = config(name, run, blocks, LocalSshd.clientKey("ed25519"), LocalSshd.knownHosts(), "sleep 0.2; ");
    SshRun r = SshRun.start(tmp, "restart", config, "--ssh", ssh());
    SshRun resumed = null;
    try {
      long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
      while (SshRun.lines(blocks).isEmpty() && r.process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(SshRun.lines(blocks).isEmpty(), "a block ran before the restart\n" + r.output());
      LocalSshd.control("stop");
      try {
        Thread.sleep(2000);
      } finally {
        LocalSshd.control("start");
      }
      int code = r.awaitExit(RUN_TIMEOUT);
      String launchLog = Files.readString(run.resolve("daisy-launch.log"));
      assertTrue(code == 0 || code == 3, r.output());
      if (code == 3) {
        System.out.println("[ssh-it] the first launch ended with exit 3:\n" + r.output() + launchLog);
        resumed = SshRun.start(tmp, "resume", config, "--ssh", ssh(), "--resume");
        assertEquals(0, resumed.awaitExit(RUN_TIMEOUT), resumed.output());
      } else {
        assertTrue(launchLog.contains("ssh: reconnected to " + ssh()), launchLog);
        assertEquals(32, SshRun.lines(blocks).size(), "no block twice: " + SshRun.lines(blocks));
      }
      assertEquals(32, new HashSet<>(SshRun.lines(blocks)).size(), "every block done");
      assertEquals(List.of(), SshRun.queued(prefix), "jobs of the run still queued");
      System.out.println("[ssh-it] sshd restart mid-run: first launch exit " + code);
    } finally {
      r.kill();
      if (resumed != null) {
        resumed.kill();
      }
      LocalSshd.control("start");
      SshRun.cancelAll(prefix);
    }
  }
}
