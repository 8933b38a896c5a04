package org.daisyjava.core;

import java.util.Locale;

/** How blocks treat the border of the total ROI (daisy's {@code fit}). */
public enum Fit {
  /** Only blocks whose write ROI lies wholly inside the total write ROI. */
  VALID,
  /** Every block whose write ROI begins inside the total write ROI; ROIs may stick out. */
  OVERHANG,
  /** Like {@link #OVERHANG}, then write and read ROIs are cut back to the total ROIs. */
  SHRINK;

  /** The name used in config files: {@code valid}, {@code overhang}, {@code shrink}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config name; null if it is not one of them. */
  public static Fit fromConfigName(String s) {
    for (Fit f : values()) {
      if (f.configName().equals(s)) {
        return f;
      }
    }
    return null;
  }
}
