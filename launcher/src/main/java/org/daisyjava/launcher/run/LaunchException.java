package org.daisyjava.launcher.run;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** A launch that cannot go on, with the exit code the contract gives for it. */
public final class LaunchException extends Exception {
  private final int exitCode;

  public LaunchException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public LaunchException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /**
   * The operating system's words for an I/O error, for a message: NIO's exceptions often carry
   * only the path ({@code NoSuchFileException: /x/status.json.tmp}), which says nothing alone.
   */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "No such file or directory (" + e.getMessage() + ")";
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied (" + e.getMessage() + ")";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + (f.getFile() == null ? "" : " (" + f.getFile() + ")");
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
