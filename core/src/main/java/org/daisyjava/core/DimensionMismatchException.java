package org.daisyjava.core;

/** Two geometric values that must have the same number of dimensions do not. */
public final class DimensionMismatchException extends IllegalArgumentException {
  private final int expected;
  private final int actual;

  public DimensionMismatchException(int expected, int actual) {
    super("dimension mismatch: " + expected + " dimensions vs " + actual + " dimensions");
    this.expected = expected;
    this.actual = actual;
  }

  public int expected() {
    return expected;
  }

  public int actual() {
    return actual;
  }
}
