package org.daisyjava.launcher.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.daisyjava.core.protocol.ServerKeys;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.ConfigException;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.SchedulerSettings.Encryption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launch's CURVE keys, worker.key, and scheduler.encryption. */
class WorkerKeysTest {
  @TempDir Path tmp;

  private static final String TASKS = """
      tasks:
        - name: a
          total_roi: {offset: [0], shape: [100]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
      """;

  @Test
  void curveIsTheDefaultAndWorkerKeyHoldsTheClientPairAndTheServerPublicKeyOnly() throws Exception {
    PipelineConfig c = ConfigLoader.parse(TASKS, "pipeline.yaml", Path.of("."), "pipeline");
    assertEquals(Encryption.CURVE, c.scheduler().encryption());
    WorkerKeys keys = WorkerKeys.generate(Encryption.CURVE);
    RunDirectory dir = RunDirectory.open(tmp.resolve("run"), false,
        GeometryFingerprint.of(c.geometries())).dir();
    dir.create("x", List.of("a"), keys, false);
    Path file = dir.keyFile();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String text = Files.readString(file);
    WorkerKeyFile worker = assertInstanceOf(WorkerKeyFile.class, WorkerKeyFile.read(text));
    ServerKeys server = assertInstanceOf(ServerKeys.class, keys.server());
    assertEquals(server.server().publicKey(), worker.serverPublicKey());
    assertEquals(server.clientPublicKey(), worker.client().publicKey());
    assertTrue(!text.contains(server.server().secretKey()), "the server secret reached the file");
    // a new launch (a resume too) gets new keys
    assertNotEquals(worker, WorkerKeyFile.read(WorkerKeys.generate(Encryption.CURVE).workerFileText()));
  }

  @Test
  void encryptionOffIsAllowedOnlyOnLoopbackAndThenTheKeyFileSaysSo() throws Exception {
    PipelineConfig c = ConfigLoader.parse("scheduler: {encryption: off}\n" + TASKS, "p.yaml",
        Path.of("."), "p");
    assertEquals(Encryption.OFF, c.scheduler().encryption());
    WorkerKeys.check(Encryption.OFF, 1, "127.0.0.1", "p.yaml"); // local backend: allowed
    LaunchException e = assertThrows(LaunchException.class,
        () -> WorkerKeys.check(Encryption.OFF, 1, "*", "p.yaml"));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().startsWith("p.yaml:1: scheduler.encryption: off"), e.getMessage());
    WorkerKeys plain = WorkerKeys.generate(Encryption.OFF);
    assertEquals(ServerSecurity.PLAIN, plain.server());
    assertEquals(WorkerSecurity.PLAIN, WorkerKeyFile.read(plain.workerFileText()));

    ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "scheduler: {encryption: tls}\n" + TASKS, "p.yaml", Path.of("."), "p"));
    assertTrue(bad.getMessage().contains("encryption") && bad.getMessage().contains("curve, off"),
        bad.getMessage());
  }
}
