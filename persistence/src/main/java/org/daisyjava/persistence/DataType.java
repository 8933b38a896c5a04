package org.daisyjava.persistence;

/**
 * The element types an array may hold, with the names Zarr v2 ({@code "<u2"} without the byte
 * order character) and v3 ({@code "uint16"}) give them, and the Java primitive array that holds
 * them in an {@link ArrayBlock}: unsigned types live in the signed array of their width
 * ({@code uint8} in {@code byte[]}), read through {@link ArrayBlock#getDouble}/{@link
 * ArrayBlock#getLong} as unsigned.
 */
public enum DataType {
  UINT8("u1", "uint8", 1, false, true),
  UINT16("u2", "uint16", 2, false, true),
  UINT32("u4", "uint32", 4, false, true),
  UINT64("u8", "uint64", 8, false, true),
  INT8("i1", "int8", 1, false, false),
  INT16("i2", "int16", 2, false, false),
  INT32("i4", "int32", 4, false, false),
  INT64("i8", "int64", 8, false, false),
  FLOAT32("f4", "float32", 4, true, false),
  FLOAT64("f8", "float64", 8, true, false);

  private final String v2Code;
  private final String v3Name;
  private final int size;
  private final boolean floating;
  private final boolean unsigned;

  DataType(String v2Code, String v3Name, int size, boolean floating, boolean unsigned) {
    this.v2Code = v2Code;
    this.v3Name = v3Name;
    this.size = size;
    this.floating = floating;
    this.unsigned = unsigned;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  public boolean isFloating() {
    return floating;
  }

  public boolean isUnsigned() {
    return unsigned;
  }

  /** The v2 type code without its byte-order character: {@code u1}, {@code f4}, ... */
  String v2Code() {
    return v2Code;
  }

  /** The v3 {@code data_type} name: {@code uint8}, {@code float32}, ... */
  public String v3Name() {
    return v3Name;
  }

  /** A new zeroed primitive array of {@code n} elements of this type. */
  Object newArray(int n) {
    return switch (size) {
      case 1 -> new byte[n];
      case 2 -> new short[n];
      case 4 -> floating ? new float[n] : new int[n];
      default -> floating ? new double[n] : new long[n];
    };
  }

  static DataType fromV2Code(String code) {
    for (DataType t : values()) {
      if (t.v2Code.equals(code)) {
        return t;
      }
    }
    return null;
  }

  static DataType fromV3Name(String name) {
    for (DataType t : values()) {
      if (t.v3Name.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
