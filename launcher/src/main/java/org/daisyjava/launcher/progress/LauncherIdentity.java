package org.daisyjava.launcher.progress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The host this launcher runs on, as written into {@code status.json} and compared by
 * {@code status}, and as the live page names itself when it listens on every address.
 */
public final class LauncherIdentity {
  private static final String HOST = lookUp();

  private LauncherIdentity() {}

  public static String host() {
    return HOST;
  }

  /**
   * The kernel's host name where there is one (instant), else the resolver's answer, which may
   * wait for DNS.
   */
  private static String lookUp() {
    try {
      String kernel = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
      if (!kernel.isEmpty()) {
        return kernel;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: ask the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "localhost" : env;
    }
  }
}
