package org.daisyjava.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CoordinateTest {
  @Test
  void arithmeticIsComponentWise() {
    Coordinate a = Coordinate.of(1, -2, 3);
    Coordinate b = Coordinate.of(10, 20, 30);
    assertEquals(Coordinate.of(11, 18, 33), a.plus(b));
    assertEquals(Coordinate.of(9, 22, 27), b.minus(a));
    assertEquals(Coordinate.of(10, -40, 90), a.times(b));
    assertEquals(Coordinate.of(-1, 2, -3), a.negate());
    assertEquals(Coordinate.of(10, 20, 30), Coordinate.max(a, b));
    assertEquals(Coordinate.of(1, -2, 3), Coordinate.min(a, b));
    assertEquals(6000, b.product());
  }

  @Test
  void floorDivRoundsTowardsNegativeInfinity() {
    assertEquals(Coordinate.of(-1, 0, 2), Coordinate.of(-1, 3, 9).floorDiv(Coordinate.of(4, 4, 4)));
  }

  @Test
  void isImmutable() {
    long[] values = {1, 2};
    Coordinate c = Coordinate.of(values);
    values[0] = 99;
    assertEquals(1, c.get(0));
    c.toArray()[1] = 99;
    assertEquals(2, c.get(1));
  }

  @Test
  void dimensionMismatchNamesBothDimensions() {
    DimensionMismatchException e = assertThrows(DimensionMismatchException.class,
        () -> Coordinate.of(1, 2, 3).plus(Coordinate.of(1, 2)));
    assertEquals(3, e.expected());
    assertEquals(2, e.actual());
    assertTrue(e.getMessage().contains("3 dimensions") && e.getMessage().contains("2 dimensions"),
        e.getMessage());
  }

  @Test
  void overflowIsAnErrorNotAWrongAnswer() {
    assertThrows(ArithmeticException.class,
        () -> Coordinate.of(Long.MAX_VALUE).plus(Coordinate.of(1)));
    assertThrows(ArithmeticException.class,
        () -> Coordinate.of(1L << 40, 1L << 40).product());
  }

  @Test
  void multiplesOfAGrid() {
    assertEquals(-1, Coordinate.of(8, -16, 0).firstAxisNotMultipleOf(Coordinate.of(4, 8, 3)));
    assertEquals(1, Coordinate.of(8, 5, 0).firstAxisNotMultipleOf(Coordinate.of(4, 4, 4)));
  }

  @Test
  void equalityAndText() {
    assertEquals(Coordinate.of(1, 2), Coordinate.of(1, 2));
    assertEquals(Coordinate.of(1, 2).hashCode(), Coordinate.of(1, 2).hashCode());
    assertNotEquals(Coordinate.of(1, 2), Coordinate.of(2, 1));
    assertNotEquals(Coordinate.of(1, 2), Coordinate.of(1, 2, 0));
    assertEquals("(1, -2, 3)", Coordinate.of(1, -2, 3).toString());
    assertEquals("1,-2,3", Coordinate.of(1, -2, 3).toCsv());
    assertArrayEquals(new long[] {0, 0}, Coordinate.filled(2, 0).toArray());
  }
}
