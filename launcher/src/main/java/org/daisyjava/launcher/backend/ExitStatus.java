package org.daisyjava.launcher.backend;

/**
 * What a worker's exit status says about how it ended, for messages: 128 + n is signal n (the
 * shell's and the JVM's convention); a SIGKILL nobody asked for is most often the kernel's or the
 * batch system's out-of-memory killer.
 */
final class ExitStatus {
  private ExitStatus() {}

  /** " (SIGKILL: out of memory?)" for 137, " (SIGTERM)" for 143, "" for plain codes. */
  static String explain(int code) {
    return switch (code) {
      case 137 -> " (SIGKILL: out of memory?)";
      case 143 -> " (SIGTERM: stopped from outside)";
      case 134 -> " (SIGABRT: the JVM crashed?)";
      case 139 -> " (SIGSEGV: the JVM crashed?)";
      case 127 -> " (command not found: check worker.java)";
      case 126 -> " (command not executable: check worker.java)";
      default -> code > 128 && code < 160 ? " (signal " + (code - 128) + ")" : "";
    };
  }
}
