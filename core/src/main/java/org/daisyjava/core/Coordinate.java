package org.daisyjava.core;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * An immutable point or extent in n-D space with {@code long} components.
 *
 * <p>Arithmetic is component-wise. Every binary operation checks that both operands have the
 * same number of dimensions and says which two numbers differ when they do not.
 */
public final class Coordinate {
  private final long[] values;

  private Coordinate(long[] values) {
    this.values = values;
  }

  /** A coordinate with the given components (copied). */
  public static Coordinate of(long... values) {
    if (values == null) {
      throw new IllegalArgumentException("values must not be null");
    }
    return new Coordinate(values.clone());
  }

  /** A coordinate of {@code dims} dimensions, every component {@code value}. */
  public static Coordinate filled(int dims, long value) {
    if (dims < 0) {
      throw new IllegalArgumentException("dims must be >= 0, got " + dims);
    }
    long[] v = new long[dims];
    Arrays.fill(v, value);
    return new Coordinate(v);
  }

  public int dims() {
    return values.length;
  }

  public long get(int axis) {
    return values[axis];
  }

  /** A copy of the components. */
  public long[] toArray() {
    return values.clone();
  }

  public Coordinate plus(Coordinate other) {
    checkDims("other", other);
    long[] r = new long[values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.addExact(values[i], other.values[i]);
    }
    return new Coordinate(r);
  }

  public Coordinate minus(Coordinate other) {
    checkDims("other", other);
    long[] r = new long[values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.subtractExact(values[i], other.values[i]);
    }
    return new Coordinate(r);
  }

  public Coordinate times(Coordinate other) {
    checkDims("other", other);
    long[] r = new long[values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.multiplyExact(values[i], other.values[i]);
    }
    return new Coordinate(r);
  }

  /** Component-wise division rounding towards negative infinity. */
  public Coordinate floorDiv(Coordinate divisor) {
    checkDims("divisor", divisor);
    long[] r = new long[values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.floorDiv(values[i], divisor.values[i]);
    }
    return new Coordinate(r);
  }

  public Coordinate negate() {
    long[] r = new long[values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.negateExact(values[i]);
    }
    return new Coordinate(r);
  }

  public static Coordinate max(Coordinate a, Coordinate b) {
    a.checkDims("b", b);
    long[] r = new long[a.values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.max(a.values[i], b.values[i]);
    }
    return new Coordinate(r);
  }

  public static Coordinate min(Coordinate a, Coordinate b) {
    a.checkDims("b", b);
    long[] r = new long[a.values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.min(a.values[i], b.values[i]);
    }
    return new Coordinate(r);
  }

  /**
   * The first axis whose component is not a multiple of the corresponding component of
   * {@code grid}, or -1 if every component is.
   */
  public int firstAxisNotMultipleOf(Coordinate grid) {
    checkDims("grid", grid);
    for (int i = 0; i < values.length; i++) {
      if (Math.floorMod(values[i], grid.values[i]) != 0) {
        return i;
      }
    }
    return -1;
  }

  /** The product of all components (the number of elements of a shape), overflow-checked. */
  public long product() {
    long p = 1;
    for (long v : values) {
      p = Math.multiplyExact(p, v);
    }
    return p;
  }

  /** True if every component is {@code > 0}. */
  public boolean allPositive() {
    for (long v : values) {
      if (v <= 0) {
        return false;
      }
    }
    return true;
  }

  /** Throws if {@code other} has a different number of dimensions, naming both. */
  void checkDims(String name, Coordinate other) {
    if (other == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    if (other.values.length != values.length) {
      throw new DimensionMismatchException(values.length, other.values.length);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Coordinate c && Arrays.equals(values, c.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  /** {@code (1, 2, 3)}. */
  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", "(", ")");
    for (long v : values) {
      j.add(Long.toString(v));
    }
    return j.toString();
  }

  /** {@code 1,2,3}: the form of the {@code DAISY_*} environment variables. */
  public String toCsv() {
    StringJoiner j = new StringJoiner(",");
    for (long v : values) {
      j.add(Long.toString(v));
    }
    return j.toString();
  }
}
