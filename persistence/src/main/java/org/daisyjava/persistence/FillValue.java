package org.daisyjava.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;

/**
 * An array's {@code fill_value} (what missing chunks hold) as the raw bits of its type, and its
 * JSON: a number, v2's {@code null} (taken as 0), or for floats {@code "NaN"}, {@code
 * "Infinity"}, {@code "-Infinity"} or v3's hex bit pattern {@code "0x7fc00000"}.
 */
final class FillValue {
  private FillValue() {}

  static long parse(JsonNode n, DataType type) throws ZarrException {
    if (n == null || n.isNull()) {
      return 0;
    }
    if (type.isFloating()) {
      double v;
      if (n.isTextual()) {
        String s = n.asText();
        if (s.startsWith("0x")) {
          long bits = Long.parseUnsignedLong(s.substring(2), 16);
          return bits;
        }
        v = switch (s) {
          case "NaN" -> Double.NaN;
          case "Infinity" -> Double.POSITIVE_INFINITY;
          case "-Infinity" -> Double.NEGATIVE_INFINITY;
          default -> throw new ZarrException("fill_value: not a number: '" + s + "'");
        };
      } else if (n.isNumber()) {
        v = n.asDouble();
      } else {
        throw new ZarrException("fill_value: expected a number, got " + n);
      }
      return type == DataType.FLOAT32 ? Float.floatToRawIntBits((float) v) : Double.doubleToRawLongBits(v);
    }
    if (n.isBoolean()) {
      return n.asBoolean() ? 1 : 0;
    }
    if (!n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))) {
      throw new ZarrException("fill_value: expected an integer for " + type.v3Name() + ", got " + n);
    }
    BigInteger v = n.isIntegralNumber() ? n.bigIntegerValue() : BigInteger.valueOf((long) n.asDouble());
    return v.longValue();
  }

  static JsonNode toJson(long bits, DataType type) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (type.isFloating()) {
      double v = type == DataType.FLOAT32 ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
      if (Double.isNaN(v)) {
        return f.textNode("NaN");
      }
      if (Double.isInfinite(v)) {
        return f.textNode(v > 0 ? "Infinity" : "-Infinity");
      }
      return f.numberNode(v);
    }
    if (type == DataType.UINT64 && bits < 0) {
      return f.numberNode(new BigInteger(Long.toUnsignedString(bits)));
    }
    return f.numberNode(type.isUnsigned() ? bits & mask(type) : bits);
  }

  private static long mask(DataType type) {
    return type.size() == 8 ? -1L : (1L << (8 * type.size())) - 1;
  }
}
