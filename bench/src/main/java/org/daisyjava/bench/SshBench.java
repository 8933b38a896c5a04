package org.daisyjava.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.backend.LocalCommandRunner;
import org.daisyjava.launcher.config.SshSettings;
import org.daisyjava.launcher.ssh.SshCommandRunner;
import org.daisyjava.launcher.ssh.SshTarget;

/**
 * What one batch command costs over SSH: a new session (connect, key exchange, host-key check,
 * login), a command ({@code true}) over an established session, and the same command run
 * locally. The numbers behind reusing one session for a whole run.
 *
 * <p>Arguments: {@code USER@HOST:PORT IDENTITY_FILE KNOWN_HOSTS [repetitions, default 30]},
 * e.g. against scripts/local-sshd.sh: {@code root@127.0.0.1:2222
 * /run/daisy-local-sshd/client_ed25519 /run/daisy-local-sshd/known_hosts}.
 */
public final class SshBench {
  private SshBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    SshTarget target = SshTarget.resolve(args[0], new SshSettings("unused", null, null, Path.of(args[1]),
        Path.of(args[2])), Path.of("/nonexistent"), System.getProperty("user.name"), System.getProperty("user.home"));
    Duration t = Duration.ofSeconds(60);
    List<Double> connect = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      try (SshCommandRunner r = SshCommandRunner.open(target, null)) {
        connect.add((System.nanoTime() - t0) / 1e6);
      }
    }
    List<Double> reused = new ArrayList<>();
    try (SshCommandRunner r = SshCommandRunner.open(target, null)) {
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        r.run(List.of("true"), null, t);
        reused.add((System.nanoTime() - t0) / 1e6);
      }
    }
    List<Double> local = new ArrayList<>();
    CommandRunner l = new LocalCommandRunner();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      l.run(List.of("true"), null, t);
      local.add((System.nanoTime() - t0) / 1e6);
    }
    System.out.printf("ssh to %s, %d repetitions each (ms: min / median / max)%n", target, n);
    print("new session (connect + login)", connect);
    print("command over the reused session", reused);
    print("same command run locally", local);
  }

  private static void print(String what, List<Double> ms) {
    List<Double> s = new ArrayList<>(ms);
    Collections.sort(s);
    System.out.printf("  %-34s %7.1f / %7.1f / %7.1f%n", what, s.get(0), s.get(s.size() / 2), s.get(s.size() - 1));
  }
}
