package org.daisyjava.persistence;

/** Which Zarr specification an array or group follows. */
public enum ZarrFormat {
  /** Zarr v2: {@code .zarray}/{@code .zgroup}/{@code .zattrs}, chunk keys {@code 0.0.0} or {@code 0/0/0}. */
  V2,
  /** Zarr v3: {@code zarr.json}, default chunk keys {@code c/0/0/0}. */
  V3
}
