package org.daisyjava.worker;

/**
 * The task's code failed this block and cannot run any other either (a stream process that dies
 * each time it is started): the worker releases the block as failed and leaves with exit code 4.
 */
final class BrokenCodeException extends Exception {
  BrokenCodeException(String error) {
    super(error);
  }
}
