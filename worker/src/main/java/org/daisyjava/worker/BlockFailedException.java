package org.daisyjava.worker;

/** A block failed for a reason the runner has already put into words (the release's error). */
final class BlockFailedException extends Exception {
  BlockFailedException(String error) {
    super(error);
  }
}
