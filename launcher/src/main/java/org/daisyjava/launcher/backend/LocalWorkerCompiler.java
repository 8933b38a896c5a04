package org.daisyjava.launcher.backend;

import java.util.List;
import org.daisyjava.core.BlockCode;
import org.daisyjava.launcher.config.TaskConfig;

/**
 * Which of the JVM's compilers a local worker of a task uses: only the quick one (C1, {@code
 * -XX:TieredStopAtLevel=1}) when the worker JVM runs none of the user's code — the task's
 * {@code process} and {@code check} are built-ins, commands or stream processes — and both tiers
 * (the JVM's default) when either is a Java class, whose own loops want the optimizing compiler.
 *
 * <p>Why: a local worker shares the launcher's machine, and in a worker that only speaks the
 * protocol and hands blocks on, C2 compiles more than it earns back. Measured on 2 shared cores
 * ({@code bench/scripts/thread-cpu.py}): in a 10^4-block no-op run with 8 slots the JIT threads
 * of both JVMs used 3.5 of its 5.6 s of CPU, the worker's C2 alone 1.2 s; with C1 only in the
 * worker, the run took 25-35 % less CPU at 10^4 and 10^5 blocks and the same at 10^6 (29.4 vs
 * 28.3 s of worker CPU, within the noise of a loaded machine). Jobs on a cluster keep the JVM's
 * default: there the worker has its node's cpus to itself. A user's own
 * {@code -XX:TieredStopAtLevel} in {@code worker.jvm_options} comes later and wins.
 */
final class LocalWorkerCompiler {
  private LocalWorkerCompiler() {}

  /** The JVM options for a local worker of {@code task}: C1 only, or none. */
  static List<String> options(TaskConfig task) {
    return runsUserJava(task.process()) || runsUserJava(task.check()) ? List.of() : List.of("-XX:TieredStopAtLevel=1");
  }

  private static boolean runsUserJava(BlockCode code) {
    return code != null && code.kind() == BlockCode.Kind.CLASS;
  }
}
