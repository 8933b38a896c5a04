package org.daisyjava.core;

/**
 * An immutable, axis-aligned, half-open n-D region {@code [begin, begin + shape)}.
 *
 * <p>Shapes are never negative; a ROI with a zero extent on any axis is empty. Operations that
 * may produce nothing (such as {@link #intersect}) return an empty ROI, never {@code null}.
 */
public final class Roi {
  private final Coordinate begin;
  private final Coordinate shape;

  private Roi(Coordinate begin, Coordinate shape) {
    this.begin = begin;
    this.shape = shape;
  }

  /** The ROI starting at {@code offset} with extent {@code shape}; shape components must be >= 0. */
  public static Roi of(Coordinate offset, Coordinate shape) {
    if (offset == null) {
      throw new IllegalArgumentException("offset must not be null");
    }
    offset.checkDims("shape", shape);
    for (int i = 0; i < shape.dims(); i++) {
      if (shape.get(i) < 0) {
        throw new IllegalArgumentException(
            "shape must not be negative, got " + shape + " (axis " + i + ")");
      }
      Math.addExact(offset.get(i), shape.get(i)); // the end must be representable
    }
    return new Roi(offset, shape);
  }

  public static Roi of(long[] offset, long[] shape) {
    return of(Coordinate.of(offset), Coordinate.of(shape));
  }

  public int dims() {
    return begin.dims();
  }

  public Coordinate begin() {
    return begin;
  }

  /** The exclusive upper corner. */
  public Coordinate end() {
    return begin.plus(shape);
  }

  public Coordinate shape() {
    return shape;
  }

  public long begin(int axis) {
    return begin.get(axis);
  }

  public long end(int axis) {
    return begin.get(axis) + shape.get(axis);
  }

  public long shape(int axis) {
    return shape.get(axis);
  }

  /** True if the ROI holds no point. */
  public boolean isEmpty() {
    for (int i = 0; i < shape.dims(); i++) {
      if (shape.get(i) == 0) {
        return true;
      }
    }
    return false;
  }

  /** The number of points in the ROI. */
  public long size() {
    return shape.product();
  }

  /** This ROI extended by {@code low} below and {@code high} above (negative values shrink). */
  public Roi grow(Coordinate low, Coordinate high) {
    begin.checkDims("low", low);
    begin.checkDims("high", high);
    return of(begin.minus(low), shape.plus(low).plus(high));
  }

  /** This ROI moved by {@code by}. */
  public Roi shift(Coordinate by) {
    begin.checkDims("by", by);
    return of(begin.plus(by), shape);
  }

  /** The common part of both ROIs; empty (never null) if they do not overlap. */
  public Roi intersect(Roi other) {
    checkDims("other", other);
    long[] b = new long[dims()];
    long[] s = new long[dims()];
    for (int i = 0; i < b.length; i++) {
      b[i] = Math.max(begin(i), other.begin(i));
      long e = Math.min(end(i), other.end(i));
      // compared before subtracting: far-apart ROIs near both ends of the long range would
      // otherwise wrap around to a positive extent
      s[i] = e <= b[i] ? 0 : e - b[i];
    }
    return new Roi(Coordinate.of(b), Coordinate.of(s));
  }

  /**
   * True if both ROIs share at least one point. Touching is not intersecting: {@code [0,10)}
   * and {@code [10,20)} do not intersect.
   */
  public boolean intersects(Roi other) {
    checkDims("other", other);
    for (int i = 0; i < dims(); i++) {
      if (begin(i) >= other.end(i) || other.begin(i) >= end(i)) {
        return false;
      }
    }
    return !isEmpty() && !other.isEmpty();
  }

  /** The smallest ROI containing both; an empty operand is ignored. */
  public Roi union(Roi other) {
    checkDims("other", other);
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    Coordinate lo = Coordinate.min(begin, other.begin);
    Coordinate hi = Coordinate.max(end(), other.end());
    return of(lo, hi.minus(lo));
  }

  /** True if every point of {@code other} lies in this ROI (an empty ROI is contained in any). */
  public boolean contains(Roi other) {
    checkDims("other", other);
    if (other.isEmpty()) {
      return true;
    }
    for (int i = 0; i < dims(); i++) {
      if (other.begin(i) < begin(i) || other.end(i) > end(i)) {
        return false;
      }
    }
    return true;
  }

  /** True if the point lies in this ROI (the end is exclusive). */
  public boolean contains(Coordinate point) {
    begin.checkDims("point", point);
    for (int i = 0; i < dims(); i++) {
      if (point.get(i) < begin(i) || point.get(i) >= end(i)) {
        return false;
      }
    }
    return true;
  }

  /** How {@link #snapToGrid} moves a boundary that is not on the grid. */
  public enum Snap {
    /** Begin down, end up: the result contains this ROI. */
    GROW,
    /** Begin up, end down: the result is contained in this ROI. */
    SHRINK,
    /** Each boundary to the nearest grid line (ties go outwards). */
    CLOSEST
  }

  /**
   * This ROI with begin and end moved onto multiples of {@code grid}.
   *
   * @throws ArithmeticException if a snapped boundary is beyond the {@code long} range
   */
  public Roi snapToGrid(Coordinate grid, Snap mode) {
    begin.checkDims("grid", grid);
    if (!grid.allPositive()) {
      throw new IllegalArgumentException("grid must be positive on every axis, got " + grid);
    }
    long[] b = new long[dims()];
    long[] s = new long[dims()];
    for (int i = 0; i < b.length; i++) {
      long g = grid.get(i);
      long lo = begin(i);
      long hi = end(i);
      long newLo;
      long newHi;
      switch (mode) {
        // exact arithmetic: rounding outwards near the ends of the range leaves it
        case GROW -> {
          newLo = floorTo(lo, g);
          newHi = ceilTo(hi, g);
        }
        case SHRINK -> {
          newLo = ceilTo(lo, g);
          newHi = floorTo(hi, g);
        }
        default -> {
          // nearest, ties outwards: lo to floor((2lo + g - 1) / 2g)·g, hi to ceil((2hi - g + 1) / 2g)·g
          long g2 = Math.multiplyExact(2L, g);
          newLo = Math.multiplyExact(
              Math.floorDiv(Math.addExact(Math.multiplyExact(2L, lo), g - 1), g2), g);
          newHi = Math.multiplyExact(Math.negateExact(Math.floorDiv(
              Math.negateExact(Math.addExact(Math.multiplyExact(2L, hi), 1 - g)), g2)), g);
        }
      }
      b[i] = newLo;
      s[i] = newHi <= newLo ? 0 : Math.subtractExact(newHi, newLo);
    }
    return new Roi(Coordinate.of(b), Coordinate.of(s));
  }

  /** The largest multiple of {@code g} (> 0) not above {@code v}. */
  private static long floorTo(long v, long g) {
    return Math.multiplyExact(Math.floorDiv(v, g), g);
  }

  /** The smallest multiple of {@code g} (> 0) not below {@code v}. */
  private static long ceilTo(long v, long g) {
    long q = Math.floorDiv(v, g);
    return Math.multiplyExact(Math.floorMod(v, g) == 0 ? q : Math.addExact(q, 1), g);
  }

  private void checkDims(String name, Roi other) {
    if (other == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    begin.checkDims(name, other.begin);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Roi r && begin.equals(r.begin) && shape.equals(r.shape);
  }

  @Override
  public int hashCode() {
    return 31 * begin.hashCode() + shape.hashCode();
  }

  /** {@code [(0, 0):(10, 20)]} — begin and end, as daisy prints ROIs (shape in braces). */
  @Override
  public String toString() {
    return "[" + begin + ":" + end() + "] {" + shape + "}";
  }
}
