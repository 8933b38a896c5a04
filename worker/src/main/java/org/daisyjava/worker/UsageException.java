package org.daisyjava.worker;

/** Bad command-line arguments for daisy-worker (exit code 2); the message says what is wrong. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message);
  }
}
