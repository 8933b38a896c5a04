package org.daisyjava.worker;

import org.daisyjava.core.BlockCode;

/**
 * {@code process: {builtin: NAME, ...}}: the block functions that come with daisy, for trying a
 * cluster setup and for benchmarks.
 */
final class BuiltinFunctions {
  private BuiltinFunctions() {}

  /**
   * The builtin {@code code} names, its options checked.
   *
   * @throws IllegalArgumentException for an unknown name or a bad option, naming it
   */
  static BlockFunction create(BlockCode code) {
    if (code == null || code.kind() != BlockCode.Kind.BUILTIN) {
      throw new IllegalArgumentException("code must be a builtin, got " + code);
    }
    return switch (code.value()) {
      case "noop" -> block -> {};
      case "sleep" -> SleepBuiltin.fromOptions(code);
      case "fail" -> FailBuiltin.fromOptions(code);
      case "touch" -> new TouchBuiltin(DoneMarker.dirOption(code));
      default -> throw new IllegalArgumentException(
          "unknown builtin '" + code.value() + "' (known: noop, sleep, fail, touch)");
    };
  }

  /** A builtin's number option, or {@code fallback}; the message names the option. */
  static double numberOption(BlockCode code, String name, double fallback) {
    String text = code.option(name, null);
    if (text == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text.trim());
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "builtin " + code.value() + ": option '" + name + "' must be a number, got '" + text + "'");
  }
}
