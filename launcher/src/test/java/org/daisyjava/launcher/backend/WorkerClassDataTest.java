package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.RunDirectory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers' class-data archive reaches a local worker's command before worker.jvm_options,
 * only for a worker of the launcher's own java, and only while the file is there; and the JVM
 * behaviour this relies on holds: an archive that is missing, garbage, or made from another jar
 * never changes what the JVM does or prints.
 */
class WorkerClassDataTest {
  @TempDir Path tmp;

  private PipelineConfig config(String worker) throws Exception {
    return ConfigLoader.parse("""
        name: cds
        %s
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {command: "true"}
        """.formatted(worker), "cds.yaml", tmp, "cds");
  }

  /** The argv a local worker of {@code config} would run, as the dry run prints it. */
  private List<String> localCommand(PipelineConfig config, WorkerClassData classData) throws Exception {
    RunDirectory dir = RunDirectory.open(tmp.resolve("run"), false,
        GeometryFingerprint.of(config.geometries())).dir();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LocalBackend.Factory(classData).dryRun(config, dir, new PrintStream(out, true, StandardCharsets.UTF_8));
    String line = out.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains(WorkerCommand.MAIN)).findFirst().orElseThrow();
    return List.of(line.split(" "));
  }

  @Test
  void anArchiveComesRightAfterJavaSoThatTheUsersJvmOptionsWin() throws Exception {
    Path archive = Files.writeString(tmp.resolve("worker.jsa"), "not really an archive");
    List<String> argv = localCommand(config("worker: {jvm_options: [-Xshare:off, -Xmx64m]}"),
        WorkerClassData.of(archive.toString()));
    assertEquals(WorkerCommand.currentJava(), argv.get(0));
    assertEquals(List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xlog:cds*=off",
        "-XX:TieredStopAtLevel=1", "-Xshare:off", "-Xmx64m", "-cp"), argv.subList(1, 7), argv.toString());
  }

  @Test
  void noArchiveAnotherJavaOrARemovedFileLeaveTheCommandAsItWas() throws Exception {
    PipelineConfig plain = config("");
    List<String> without = localCommand(plain, WorkerClassData.NONE);
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-cp"), without.subList(1, 3), without.toString());
    assertFalse(without.stream().anyMatch(a -> a.contains("SharedArchiveFile")), without.toString());

    Path gone = Files.writeString(tmp.resolve("removed.jsa"), "x");
    WorkerClassData removed = WorkerClassData.of(gone.toString());
    Files.delete(gone);
    assertEquals(without, localCommand(plain, removed), "an archive removed since the launcher started is left out");
    Path cut = Files.writeString(tmp.resolve("cut.jsa"), "longer");
    WorkerClassData shortened = WorkerClassData.of(cut.toString());
    Files.writeString(cut, "short");
    assertEquals(without, localCommand(plain, shortened), "an archive cut since the launcher started is left out");
    assertEquals(WorkerClassData.NONE, WorkerClassData.of(tmp.resolve("never.jsa").toString()));

    Path archive = Files.writeString(tmp.resolve("worker.jsa"), "x");
    List<String> other = localCommand(config("worker: {java: /opt/other-jdk/bin/java}"),
        WorkerClassData.of(archive.toString()));
    assertEquals("/opt/other-jdk/bin/java", other.get(0));
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-cp"), other.subList(1, 3),
        "the archive is of this launcher's java only: " + other);
  }

  @Test
  void thePropertyNamesTheArchiveAndABlankOneNone() throws Exception {
    Path archive = Files.writeString(tmp.resolve("w.jsa"), "12345");
    assertEquals(new WorkerClassData(Optional.of(archive.toAbsolutePath()), 5), WorkerClassData.of(archive.toString()));
    assertEquals(WorkerClassData.NONE, WorkerClassData.of(null));
    assertEquals(WorkerClassData.NONE, WorkerClassData.of(" "));
    assertEquals(WorkerClassData.NONE, WorkerClassData.of(tmp.toString()), "a directory is no archive");
  }

  /** Run by the JVMs below: prints one line. */
  static final class Hello {
    public static void main(String[] args) {
      System.out.println("hello from " + args[0]);
    }
  }

  @Test
  void aMissingGarbageOrForeignArchiveChangesNothingTheJvmDoesOrPrints() throws Exception {
    Path jar = helloJar(tmp.resolve("a/hello.jar"));
    Path archive = tmp.resolve("a/hello.jsa");
    Run dump = java(List.of("-XX:ArchiveClassesAtExit=" + archive), jar, "dump");
    assertEquals(0, dump.code, dump.output);
    assertTrue(Files.size(archive) > 0, "the JVM made an archive");

    List<String> use = WorkerClassData.of(archive.toString()).jvmOptions();
    assertEquals(new Run(0, "hello from own\n"), java(use, jar, "own"), "its own jar maps it");

    // (one cut short with its header intact is not among them: the JVM dies of SIGBUS mapping
    // it, which is why class-data.sh checks sizes and jvmOptions() looks again)
    Path zeros = Files.write(tmp.resolve("zeros.jsa"), new byte[64 * 1024]);
    Path garbage = Files.writeString(tmp.resolve("garbage.jsa"), "daisy".repeat(1000));
    for (Path bad : List.of(zeros, garbage)) {
      assertEquals(new Run(0, "hello from bad\n"), java(List.of("-XX:SharedArchiveFile=" + bad, "-Xlog:cds*=off"),
          jar, "bad"), bad.toString());
    }
    assertEquals(new Run(0, "hello from missing\n"),
        java(List.of("-XX:SharedArchiveFile=" + tmp.resolve("missing.jsa"), "-Xlog:cds*=off"), jar, "missing"));

    // another jar at another path, and the same jar rebuilt (its mtime changed): the JVM refuses
    // the archive by itself; the options keep its warning out of the output
    Path other = helloJar(tmp.resolve("b/hello.jar"));
    assertEquals(new Run(0, "hello from other\n"), java(use, other, "other"));
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5000));
    assertEquals(new Run(0, "hello from rebuilt\n"), java(use, jar, "rebuilt"));
  }

  @Test
  void anAotCacheOfJava25IsUsedByItsOwnJarAndAMissingGarbageOrForeignOneChangesNothing() throws Exception {
    String java = java25();
    Assumptions.assumeTrue(java != null, "no Java 25 or later in /usr/lib/jvm");
    Path jar = helloJar(tmp.resolve("a/hello.jar"));
    Path conf = tmp.resolve("a/hello.aotconf");
    Path cache = tmp.resolve("a/hello.aot");
    assertEquals(0, java(java, List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf), jar, "record").code);
    Run create = java(java, List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + conf, "-XX:AOTCache=" + cache),
        jar, null);
    assertEquals(0, create.code, create.output);
    List<String> use = WorkerClassData.of(cache.toString()).jvmOptions();
    assertEquals(List.of("-XX:AOTCache=" + cache.toAbsolutePath(), "-Xlog:aot*=off", "-Xlog:cds*=off"), use);
    List<String> loud = new ArrayList<>(use);
    loud.add("-Xlog:aot=info");
    assertTrue(java(java, loud, jar, "own").output.contains("Opened AOT cache"), "its own jar maps it");
    assertEquals(new Run(0, "hello from own\n"), java(java, use, jar, "own"));

    Path zeros = Files.write(tmp.resolve("zeros.aot"), new byte[64 * 1024]);
    Path garbage = Files.writeString(tmp.resolve("garbage.aot"), "daisy".repeat(1000));
    for (Path bad : List.of(zeros, garbage, tmp.resolve("missing.aot"))) {
      List<String> options = List.of("-XX:AOTCache=" + bad, "-Xlog:aot*=off", "-Xlog:cds*=off");
      assertEquals(new Run(0, "hello from bad\n"), java(java, options, jar, "bad"), bad.toString());
    }
    Path other = helloJar(tmp.resolve("b/hello.jar"));
    assertEquals(new Run(0, "hello from other\n"), java(java, use, other, "other"));
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5000));
    assertEquals(new Run(0, "hello from rebuilt\n"), java(java, use, jar, "rebuilt"));
  }

  /** The java of a JDK 25 or later under /usr/lib/jvm (by its release file), or null. */
  private static String java25() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    try (var dirs = Files.list(jvms)) {
      for (Path jdk : dirs.sorted().toList()) {
        Path release = jdk.resolve("release");
        Path java = jdk.resolve("bin/java");
        if (!Files.isReadable(release) || !Files.isExecutable(java)) {
          continue;
        }
        for (String line : Files.readAllLines(release)) {
          Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(line);
          if (m.lookingAt() && Integer.parseInt(m.group(1)) >= 25) {
            return java.toString();
          }
        }
      }
    }
    return null;
  }

  private record Run(int code, String output) {}

  private static Run java(List<String> options, Path jar, String arg) throws IOException, InterruptedException {
    return java(WorkerCommand.currentJava(), options, jar, arg);
  }

  /** Runs {@link Hello} with {@code arg}, or (arg null) no main class: a JVM making an AOT cache. */
  private static Run java(String java, List<String> options, Path jar, String arg)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(java);
    argv.addAll(options);
    argv.addAll(List.of("-cp", jar.toString()));
    if (arg != null) {
      argv.addAll(List.of(Hello.class.getName(), arg));
    }
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang guard");
    return new Run(p.exitValue(), out);
  }

  /** A jar holding only {@link Hello}. */
  private static Path helloJar(Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    String entry = Hello.class.getName().replace('.', '/') + ".class";
    try (InputStream in = WorkerClassDataTest.class.getClassLoader().getResourceAsStream(entry);
        OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
