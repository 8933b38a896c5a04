package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/class-data.sh, run by bash as daisy-launch runs it: which archive it finds for a jar
 * (keyed to the jar and the JVM, whole files only), and that training — here by a stand-in for
 * java that writes what the real one dumps, or fails — never fails the launch it runs before.
 */
class ClassDataScriptTest {
  @TempDir Path tmp;

  private static Path script() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("scripts/class-data.sh");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new AssertionError("no scripts/class-data.sh above " + Path.of("").toAbsolutePath());
  }

  /** What bash printed (stdout, then "|" and stderr) after running {@code body} with the script sourced. */
  private String bash(String body, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; . \"$1\"; " + body, "bash",
        script().toString());
    pb.environment().put("HOME", tmp.resolve("home").toString());
    pb.environment().remove("XDG_CACHE_HOME");
    pb.environment().remove("DAISY_CDS");
    pb.environment().putAll(env);
    pb.directory(tmp.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] err = p.getErrorStream().readAllBytes();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang guard");
    assertEquals(0, p.exitValue(), out + new String(err, StandardCharsets.UTF_8));
    return out + "|" + new String(err, StandardCharsets.UTF_8);
  }

  private static final String LOCATE = "daisy_cds_locate \"$JAR\" \"$JAVA\"; "
      + "printf '%s\\n%s\\n%s\\n' \"$daisy_cds_key\" \"$daisy_cds_launcher\" \"$daisy_cds_worker\"";

  private List<String> locate(Path jar, String java, Map<String, String> more) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(Map.of("JAR", jar.toString(), "JAVA", java));
    env.putAll(more);
    String out = bash(LOCATE, env);
    return List.of(out.substring(0, out.indexOf('|')).split("\n", -1)).subList(0, 3);
  }

  private Path jar() throws IOException {
    Files.createDirectories(tmp.resolve("install"));
    return Files.writeString(tmp.resolve("install/daisy-java.jar"), "a jar");
  }

  private static void write(Path file, int bytes) throws IOException {
    Files.write(file, new byte[bytes]);
  }

  @Test
  void onlyWholeArchivesOfThisJarAndThisJvmAreFound() throws Exception {
    Path jar = jar();
    String java = WorkerCommand.currentJava();
    List<String> none = locate(jar, java, Map.of());
    String key = none.get(0);
    assertFalse(key.isEmpty(), "a JDK's java has a key");
    assertEquals(List.of(key, "", ""), none);

    Path launcher = tmp.resolve("install/daisy-java-cds." + key + ".launcher.10.jsa");
    Path worker = tmp.resolve("install/daisy-java-cds." + key + ".worker.7.jsa");
    write(launcher, 10);
    assertEquals(List.of(key, "", ""), locate(jar, java, Map.of()), "the worker's is missing");
    write(worker, 7);
    assertEquals(List.of(key, launcher.toString(), worker.toString()), locate(jar, java, Map.of()));

    write(worker, 6);
    assertEquals(List.of(key, "", ""), locate(jar, java, Map.of()), "cut short: not used");
    write(worker, 7);

    assertEquals(List.of("", "", ""), locate(jar, java, Map.of("DAISY_CDS", "off")));

    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 3000));
    List<String> rebuilt = locate(jar, java, Map.of());
    assertFalse(rebuilt.get(0).equals(key), "a rebuilt jar has another key");
    assertEquals(List.of(rebuilt.get(0), "", ""), rebuilt, "and no archive");

    Path other = Files.writeString(tmp.resolve("daisy-java.jar"), "a jar");
    assertFalse(locate(other, java, Map.of()).get(0).equals(rebuilt.get(0)), "nor has a jar elsewhere");
  }

  @Test
  void aJavaOutsideAJdkGetsNoArchives() throws Exception {
    Path fake = fakeJava("exit 0");
    assertEquals(List.of("", "", ""), locate(jar(), fake.toString(), Map.of()));
  }

  /** A stand-in for {@code bin/java} inside a fake JDK (so that it has a libjvm.so to key to). */
  private Path fakeJava(String body) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("jdk-" + body.hashCode() + "/bin"));
    if (!body.equals("exit 0")) {
      Path lib = Files.createDirectories(bin.getParent().resolve("lib/server"));
      Files.writeString(lib.resolve("libjvm.so"), "jvm");
    }
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return java;
  }

  private static final String TRAIN = "daisy_cds_locate \"$JAR\" \"$JAVA\"; daisy_cds_train \"$JAR\" \"$JAVA\"; "
      + "printf '%s\\n%s\\n' \"$daisy_cds_launcher\" \"$daisy_cds_worker\"";

  @Test
  void trainingRenamesWholeArchivesIntoPlaceAndClearsThoseOfEarlierBuilds() throws Exception {
    Path jar = jar();
    // what the JVMs dump at exit: the launcher's file from its option, the worker's from the yaml
    Path java = fakeJava("""
        for a in "$@"; do case "$a" in -XX:ArchiveClassesAtExit=*) printf 'launcher!' > "${a#*=}";; esac; done
        yaml="${@: -1}"
        w="$(sed -n 's/.*ArchiveClassesAtExit=\\([^"]*\\)".*/\\1/p' "$yaml")"
        printf 'worker' > "$w"
        """);
    // the key: the jar path's checksum, the jar's size-mtime, the JVM's size-mtime (mtimes in s.ns)
    String[] key = locate(jar, java.toString(), Map.of()).get(0).split("\\.");
    assertEquals(5, key.length, String.join(".", key));
    String build = key[0] + "." + key[1] + "." + key[2];
    Path stale = tmp.resolve("install/daisy-java-cds." + key[0] + ".1-2.3.4-5.6.launcher.5.jsa");
    Path staleOfOtherJvm = tmp.resolve("install/daisy-java-cds." + key[0] + ".1-2.3.7-8.9.worker.5.jsa");
    Path otherJvm = tmp.resolve("install/daisy-java-cds." + build + ".7-8.9.launcher.5.jsa");
    Path foreign = tmp.resolve("install/daisy-java-cds.999.1-2.3.4-5.6.launcher.5.jsa");
    for (Path p : List.of(stale, staleOfOtherJvm, otherJvm, foreign)) {
      write(p, 5);
    }
    String out = bash(TRAIN, Map.of("JAR", jar.toString(), "JAVA", java.toString()));
    String[] found = out.substring(0, out.indexOf('|')).split("\n");
    assertTrue(found[0].endsWith(".launcher.9.jsa"), out);
    assertTrue(found[1].endsWith(".worker.6.jsa"), out);
    assertEquals("launcher!", Files.readString(Path.of(found[0])));
    assertTrue(out.contains("preparing class-data archives"), out);
    assertFalse(Files.exists(stale), "an earlier build's archive of this jar is removed");
    assertFalse(Files.exists(staleOfOtherJvm), "also one another JVM made");
    assertTrue(Files.exists(otherJvm), "another JVM's archive of this build stays (two JDKs taking turns)");
    assertTrue(Files.exists(foreign), "another jar's archive is left alone");
    try (Stream<Path> s = Files.list(tmp.resolve("install"))) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".daisy-java-cds")).toList(),
          "no temporary directory left");
    }
    String again = bash(TRAIN, Map.of("JAR", jar.toString(), "JAVA", java.toString()));
    assertFalse(again.contains("preparing"), "archives there: no training: " + again);
  }

  @Test
  void aFailedTrainingCostsTheArchivesOnlyAndIsNotRepeated() throws Exception {
    Path jar = jar();
    Path count = tmp.resolve("calls");
    Path java = fakeJava("echo call >> " + count + "; echo 'it broke' >&2; exit 3");
    String out = bash(TRAIN + "; echo launch goes on",
        Map.of("JAR", jar.toString(), "JAVA", java.toString()));
    assertTrue(out.startsWith("\n\nlaunch goes on\n|"), out);
    assertTrue(out.contains("no class-data archives"), out);
    List<Path> failed = new ArrayList<>();
    try (Stream<Path> s = Files.list(tmp.resolve("install"))) {
      s.filter(p -> p.toString().endsWith(".failed")).forEach(failed::add);
    }
    assertEquals(1, failed.size(), failed.toString());
    assertTrue(Files.readString(failed.get(0)).contains("it broke"), "the marker keeps the log");
    bash(TRAIN, Map.of("JAR", jar.toString(), "JAVA", java.toString()));
    assertEquals(1, Files.readAllLines(count).size(), "not tried again");
  }

  @Test
  void aSignalDuringTrainingStopsItRemovesItsFilesAndExits130() throws Exception {
    Path jar = jar();
    Path stopped = tmp.resolve("stopped");
    Path java = fakeJava("trap 'echo TERM > " + stopped + "; exit 130' TERM; echo started >&2; sleep 60 & wait $!");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; . \"$1\"; "
        + "trap 'exit 99' TERM; " + TRAIN, "bash", script().toString());
    pb.environment().put("HOME", tmp.resolve("home").toString());
    pb.environment().put("JAR", jar.toString());
    pb.environment().put("JAVA", java.toString());
    pb.redirectError(tmp.resolve("err").toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    // the stand-in's log goes to training.log inside the temporary directory: wait for it to say so
    long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!trainingStarted() && System.nanoTime() < guard) {
      Thread.sleep(20);
    }
    assertTrue(trainingStarted(), "the training started");
    p.destroy(); // SIGTERM to bash
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hang guard");
    assertEquals(130, p.exitValue(), Files.readString(tmp.resolve("err")));
    // once (a fresh clone beside two busy loops) the stand-in's file was not there yet when the
    // script had exited 130; what is asserted is that the training got the signal, at all
    long writeGuard = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(stopped) && System.nanoTime() < writeGuard) {
      Thread.sleep(20);
    }
    assertEquals("TERM\n", Files.readString(stopped), "the training was stopped");
    assertTrue(Files.readString(tmp.resolve("err")).contains("interrupted before the launcher started"));
    try (Stream<Path> s = Files.list(tmp.resolve("install"))) {
      assertEquals(List.of(jar), s.toList(), "nothing left but the jar");
    }
  }

  private boolean trainingStarted() throws IOException {
    try (Stream<Path> s = Files.walk(tmp.resolve("install"))) {
      return s.anyMatch(f -> f.getFileName().toString().equals("training.log") && readQuietly(f).contains("started"));
    }
  }

  private static String readQuietly(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void aJarDirectoryThatCannotHoldArchivesSendsThemToTheUsersCache() throws Exception {
    // the jar's directory is replaced by a file where archives would go: mkdir -p fails there as it
    // would on a read-only install (the tests may run as root, who may write anywhere)
    Path jar = jar();
    Path java = fakeJava("""
        for a in "$@"; do case "$a" in -XX:ArchiveClassesAtExit=*) printf 'l' > "${a#*=}";; esac; done
        w="$(sed -n 's/.*ArchiveClassesAtExit=\\([^"]*\\)".*/\\1/p' "${@: -1}")"; printf 'w' > "$w"
        """);
    Path cache = tmp.resolve("cache");
    String out = bash("mkdir() { [[ \"$*\" == *install* ]] && return 1; command mkdir \"$@\"; }; " + TRAIN,
        Map.of("JAR", jar.toString(), "JAVA", java.toString(), "XDG_CACHE_HOME", cache.toString()));
    String[] found = out.substring(0, out.indexOf('|')).split("\n");
    assertTrue(found[0].startsWith(cache.resolve("daisy-java").toString()), out);
    assertTrue(found[1].startsWith(cache.resolve("daisy-java").toString()), out);
  }

  @Test
  void aJava25MakesAndFindsAotCachesWhichGetTheirOwnOptions() throws Exception {
    Path jar = jar();
    // a JDK 25 stand-in: the training's launcher and worker record a configuration each
    // (AOTMode=record), then two more calls make the caches from them (AOTMode=create)
    Path java = fakeJava("""
        mode="" conf="" cache=""
        for a in "$@"; do case "$a" in -XX:AOTMode=*) mode="${a#*=}";; -XX:AOTConfiguration=*) conf="${a#*=}";;
          -XX:AOTCache=*) cache="${a#*=}";; -XX:ArchiveClassesAtExit=*) exit 7;; esac; done
        if [ "$mode" = create ]; then printf 'cache of %s' "$(cat "$conf")" > "$cache"; exit 0; fi
        [ "$mode" = record ] && printf 'launcher' > "$conf"
        yaml="${@: -1}"
        w="$(sed -n 's/.*AOTConfiguration=\\([^"]*\\)".*/\\1/p' "$yaml")"
        printf 'worker' > "$w"
        """);
    Files.writeString(java.getParent().getParent().resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"25.0.1\"\n");
    String out = bash(TRAIN, Map.of("JAR", jar.toString(), "JAVA", java.toString()));
    String[] found = out.substring(0, out.indexOf('|')).split("\n");
    assertTrue(found[0].endsWith(".launcher." + "cache of launcher".length() + ".aot"), out);
    assertTrue(found[1].endsWith(".worker." + "cache of worker".length() + ".aot"), out);
    assertEquals("cache of launcher", Files.readString(Path.of(found[0])));
    assertEquals("cache of worker", Files.readString(Path.of(found[1])));
    String options = bash("o=(); daisy_cds_options \"$A\" o; printf '%s\\n' \"${o[@]}\"", Map.of("A", found[0]));
    assertEquals("-XX:AOTCache=" + found[0] + "\n-Xlog:aot*=off\n-Xlog:cds*=off\n|", options);
    try (Stream<Path> s = Files.list(tmp.resolve("install"))) {
      assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".jsa") || p.toString().endsWith(".failed")).toList());
    }

    // the same JDK as a Java 21: dynamic archives (its stand-in refuses AOT flags), found apart
    Files.writeString(java.getParent().getParent().resolve("release"), "JAVA_VERSION=\"21.0.4\"\n");
    assertEquals(List.of("", ""), locate(jar, java.toString(), Map.of()).subList(1, 3),
        "a Java 21 does not take the AOT caches");
  }
}
