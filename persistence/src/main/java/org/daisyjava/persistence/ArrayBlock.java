package org.daisyjava.persistence;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An n-D box of elements in one Java primitive array, C order (the last axis varies fastest):
 * what {@link ZarrArray#read} returns and {@link ZarrArray#write} takes. At most
 * {@link Integer#MAX_VALUE} elements (a block, not a volume).
 *
 * <p>Elements are reached through the typed array ({@link #bytes()}, {@link #floats()}, ...) with
 * {@link #index} and {@link #strides()}, or type-independently through {@link #getDouble} and
 * {@link #setDouble}, which read unsigned types as unsigned.
 */
public final class ArrayBlock {
  private final DataType type;
  private final long[] shape;
  private final long[] strides;
  private final int size;
  private final Object data;

  private ArrayBlock(DataType type, long[] shape, Object data) {
    if (type == null) {
      throw new IllegalArgumentException("type must not be null");
    }
    this.type = type;
    this.shape = shape.clone();
    this.strides = new long[shape.length];
    long n = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] < 0) {
        throw new IllegalArgumentException("negative shape " + Arrays.toString(shape));
      }
      strides[d] = n;
      n *= shape[d];
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a block of shape " + Arrays.toString(shape)
            + " has more than " + Integer.MAX_VALUE + " elements");
      }
    }
    this.size = (int) n;
    this.data = data == null ? type.newArray(size) : data;
    if (java.lang.reflect.Array.getLength(this.data) != size
        || this.data.getClass() != type.newArray(0).getClass()) {
      throw new IllegalArgumentException("a " + type + " block of shape " + Arrays.toString(shape)
          + " needs a " + type.newArray(0).getClass().getSimpleName() + " of " + size + " elements");
    }
  }

  /** A new block of zeros. */
  public static ArrayBlock allocate(DataType type, long... shape) {
    return new ArrayBlock(type, shape, null);
  }

  /** A block over an existing array (not copied) of the primitive type {@code type} is held in. */
  public static ArrayBlock wrap(DataType type, Object array, long... shape) {
    return new ArrayBlock(type, shape, array);
  }

  public DataType type() {
    return type;
  }

  public int dims() {
    return shape.length;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long shape(int axis) {
    return shape[axis];
  }

  /** Elements between neighbours along each axis. */
  public long[] strides() {
    return strides.clone();
  }

  public int size() {
    return size;
  }

  /** The flat index of an element. */
  public int index(long... position) {
    if (position.length != shape.length) {
      throw new IllegalArgumentException(position.length + " coordinates for " + shape.length + " axes");
    }
    long i = 0;
    for (int d = 0; d < shape.length; d++) {
      if (position[d] < 0 || position[d] >= shape[d]) {
        throw new IndexOutOfBoundsException("position " + Arrays.toString(position)
            + " outside shape " + Arrays.toString(shape));
      }
      i += position[d] * strides[d];
    }
    return (int) i;
  }

  /** The backing array itself: a {@code byte[]}, {@code short[]}, {@code int[]}, ... */
  public Object array() {
    return data;
  }

  public byte[] bytes() {
    return typed(byte[].class);
  }

  public short[] shorts() {
    return typed(short[].class);
  }

  public int[] ints() {
    return typed(int[].class);
  }

  public long[] longs() {
    return typed(long[].class);
  }

  public float[] floats() {
    return typed(float[].class);
  }

  public double[] doubles() {
    return typed(double[].class);
  }

  private <T> T typed(Class<T> c) {
    if (data.getClass() != c) {
      throw new IllegalStateException("a " + type + " block is held in a "
          + data.getClass().getSimpleName() + ", not a " + c.getSimpleName());
    }
    return c.cast(data);
  }

  /** Element {@code i} as a double (unsigned types as unsigned; uint64 beyond 2^53 rounds). */
  public double getDouble(int i) {
    return switch (type) {
      case UINT8 -> ((byte[]) data)[i] & 0xff;
      case INT8 -> ((byte[]) data)[i];
      case UINT16 -> ((short[]) data)[i] & 0xffff;
      case INT16 -> ((short[]) data)[i];
      case UINT32 -> ((int[]) data)[i] & 0xffffffffL;
      case INT32 -> ((int[]) data)[i];
      case UINT64 -> unsignedToDouble(((long[]) data)[i]);
      case INT64 -> ((long[]) data)[i];
      case FLOAT32 -> ((float[]) data)[i];
      case FLOAT64 -> ((double[]) data)[i];
    };
  }

  /** Element {@code i} as a long (floats truncated toward zero; uint64 as its bit pattern). */
  public long getLong(int i) {
    return switch (type) {
      case UINT8 -> ((byte[]) data)[i] & 0xff;
      case INT8 -> ((byte[]) data)[i];
      case UINT16 -> ((short[]) data)[i] & 0xffff;
      case INT16 -> ((short[]) data)[i];
      case UINT32 -> ((int[]) data)[i] & 0xffffffffL;
      case INT32 -> ((int[]) data)[i];
      case UINT64, INT64 -> ((long[]) data)[i];
      case FLOAT32 -> (long) ((float[]) data)[i];
      case FLOAT64 -> (long) ((double[]) data)[i];
    };
  }

  /** Sets element {@code i}; integer types take the value truncated to their width (no clamping). */
  public void setDouble(int i, double v) {
    switch (type) {
      case UINT8, INT8 -> ((byte[]) data)[i] = (byte) (long) v;
      case UINT16, INT16 -> ((short[]) data)[i] = (short) (long) v;
      case UINT32, INT32 -> ((int[]) data)[i] = (int) (long) v;
      case UINT64 -> ((long[]) data)[i] = v >= 0x1p63 ? (long) (v - 0x1p63) ^ Long.MIN_VALUE : (long) v;
      case INT64 -> ((long[]) data)[i] = (long) v;
      case FLOAT32 -> ((float[]) data)[i] = (float) v;
      case FLOAT64 -> ((double[]) data)[i] = v;
    }
  }

  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
  }

  /** Sets every element to {@code value}, given as the raw bits of the type (see {@link FillValue}). */
  void fill(long bits) {
    fillRun(0, size, bits);
  }

  private void fillRun(int from, int to, long bits) {
    if (data instanceof byte[] a) {
      Arrays.fill(a, from, to, (byte) bits);
    } else if (data instanceof short[] a) {
      Arrays.fill(a, from, to, (short) bits);
    } else if (data instanceof int[] a) {
      Arrays.fill(a, from, to, (int) bits);
    } else if (data instanceof long[] a) {
      Arrays.fill(a, from, to, bits);
    } else if (data instanceof float[] a) {
      Arrays.fill(a, from, to, Float.intBitsToFloat((int) bits));
    } else if (data instanceof double[] a) {
      Arrays.fill(a, from, to, Double.longBitsToDouble(bits));
    } else {
      throw new IllegalStateException(data.getClass().toString());
    }
  }

  /**
   * Copies the box {@code extent} at {@code srcStart} of {@code src} to {@code dstStart} of {@code
   * dst} (both the same type), one contiguous run of the last axis at a time.
   */
  static void copy(ArrayBlock src, long[] srcStart, ArrayBlock dst, long[] dstStart, long[] extent) {
    if (src.type != dst.type) {
      throw new IllegalArgumentException("cannot copy " + src.type + " into " + dst.type);
    }
    forEachRun(extent, (pos, run) -> {
      long s = 0;
      long t = 0;
      for (int d = 0; d < pos.length; d++) {
        s += (srcStart[d] + pos[d]) * src.strides[d];
        t += (dstStart[d] + pos[d]) * dst.strides[d];
      }
      System.arraycopy(src.data, (int) s, dst.data, (int) t, run);
    });
  }

  /** Fills the box {@code extent} at {@code start} with the raw bits {@code bits}. */
  void fill(long[] start, long[] extent, long bits) {
    forEachRun(extent, (pos, run) -> {
      long t = 0;
      for (int d = 0; d < pos.length; d++) {
        t += (start[d] + pos[d]) * strides[d];
      }
      fillRun((int) t, (int) t + run, bits);
    });
  }

  private interface RunVisitor {
    void run(long[] position, int length);
  }

  /** Visits every run of the last axis of a box: its first position (box-relative) and length. */
  private static void forEachRun(long[] extent, RunVisitor visitor) {
    int dims = extent.length;
    for (long e : extent) {
      if (e <= 0) {
        return;
      }
    }
    if (dims == 0) {
      visitor.run(new long[0], 1);
      return;
    }
    long[] pos = new long[dims];
    int run = (int) extent[dims - 1];
    while (true) {
      visitor.run(pos, run);
      int d = dims - 2;
      while (d >= 0 && ++pos[d] == extent[d]) {
        pos[d] = 0;
        d--;
      }
      if (d < 0) {
        return;
      }
    }
  }

  /**
   * The elements as bytes in {@code order}, C order. For 1-byte types this is the block's own
   * array, not a copy (chunk encoding only reads it): callers must not change it.
   */
  byte[] toBytes(ByteOrder order) {
    if (data instanceof byte[] a) {
      return a;
    }
    ByteBuffer b = ByteBuffer.allocate(size * type.size()).order(order);
    if (data instanceof byte[] a) {
      b.put(a);
    } else if (data instanceof short[] a) {
      b.asShortBuffer().put(a);
    } else if (data instanceof int[] a) {
      b.asIntBuffer().put(a);
    } else if (data instanceof long[] a) {
      b.asLongBuffer().put(a);
    } else if (data instanceof float[] a) {
      b.asFloatBuffer().put(a);
    } else if (data instanceof double[] a) {
      b.asDoubleBuffer().put(a);
    } else {
      throw new IllegalStateException(data.getClass().toString());
    }
    return b.array();
  }

  /**
   * A block of {@code shape} from bytes in {@code order}, C order. For 1-byte types the block
   * wraps {@code bytes} itself (a decoded chunk, owned by nobody else).
   */
  static ArrayBlock fromBytes(DataType type, long[] shape, byte[] bytes, ByteOrder order) {
    if (type.size() == 1) {
      return wrap(type, bytes, shape);
    }
    ArrayBlock block = allocate(type, shape);
    if (bytes.length != (long) block.size * type.size()) {
      throw new IllegalArgumentException(bytes.length + " bytes for " + block.size + " elements of "
          + type);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
    if (block.data instanceof byte[] a) {
      b.get(a);
    } else if (block.data instanceof short[] a) {
      b.asShortBuffer().get(a);
    } else if (block.data instanceof int[] a) {
      b.asIntBuffer().get(a);
    } else if (block.data instanceof long[] a) {
      b.asLongBuffer().get(a);
    } else if (block.data instanceof float[] a) {
      b.asFloatBuffer().get(a);
    } else if (block.data instanceof double[] a) {
      b.asDoubleBuffer().get(a);
    } else {
      throw new IllegalStateException(block.data.getClass().toString());
    }
    return block;
  }

  @Override
  public String toString() {
    return type + Arrays.toString(shape);
  }
}
