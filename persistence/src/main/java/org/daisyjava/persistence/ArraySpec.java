package org.daisyjava.persistence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;

/**
 * What an array to create looks like: type, ROI in world units with the voxel size, chunk shape
 * in voxels, compressor, fill value, format. {@code voxel_size} and {@code offset} are written to
 * the attributes (funlib.persistence's names), so the array knows its ROI when opened again.
 */
public final class ArraySpec {
  private final DataType type;
  private final Roi roi;
  private final Coordinate voxelSize;
  private final int[] chunks;
  private ZarrFormat format = ZarrFormat.V2;
  private Compressor compressor = Compressor.zstd(3);
  private double fillValue;
  private String separator;
  private int[] transpose;

  private ArraySpec(DataType type, Roi roi, Coordinate voxelSize, int[] chunks) {
    if (roi.dims() != voxelSize.dims() || chunks.length != roi.dims()) {
      throw new IllegalArgumentException("roi " + roi + ", voxel size " + voxelSize + " and chunks "
          + Arrays.toString(chunks) + " differ in dimensions");
    }
    if (!voxelSize.allPositive()) {
      throw new IllegalArgumentException("voxel size must be positive: " + voxelSize);
    }
    if (roi.begin().firstAxisNotMultipleOf(voxelSize) >= 0
        || roi.shape().firstAxisNotMultipleOf(voxelSize) >= 0) {
      throw new IllegalArgumentException("roi " + roi + " is not a multiple of voxel size " + voxelSize);
    }
    this.type = type;
    this.roi = roi;
    this.voxelSize = voxelSize;
    this.chunks = chunks.clone();
  }

  /** An array over {@code roi} (world units) with voxels of {@code voxelSize}, chunked by {@code chunks} voxels. */
  public static ArraySpec of(DataType type, Roi roi, Coordinate voxelSize, int... chunks) {
    return new ArraySpec(type, roi, voxelSize, chunks);
  }

  public ArraySpec format(ZarrFormat format) {
    this.format = format;
    return this;
  }

  /** Default {@code zstd(3)}. */
  public ArraySpec compressor(Compressor compressor) {
    this.compressor = compressor;
    return this;
  }

  /** Default 0. */
  public ArraySpec fillValue(double fillValue) {
    this.fillValue = fillValue;
    return this;
  }

  /**
   * The chunk key separator: {@code "."} or {@code "/"} (nested directories); by default each
   * format's own default ({@code "."} for v2, {@code "/"} for v3).
   */
  public ArraySpec separator(String separator) {
    if (!separator.equals(".") && !separator.equals("/")) {
      throw new IllegalArgumentException("separator must be '.' or '/'");
    }
    this.separator = separator;
    return this;
  }

  /** v3 only: store chunks transposed to this axis order (the {@code transpose} codec). */
  public ArraySpec transpose(int... order) {
    this.transpose = order.clone();
    return this;
  }

  ArrayMetadata metadata() throws ZarrException {
    long[] shape = new long[roi.dims()];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = roi.shape(d) / voxelSize.get(d);
    }
    ObjectNode attrs = ArrayMetadata.MAPPER.createObjectNode();
    var v = attrs.putArray("voxel_size");
    var o = attrs.putArray("offset");
    for (int d = 0; d < shape.length; d++) {
      v.add(voxelSize.get(d));
      o.add(roi.begin(d));
    }
    if (transpose != null && format != ZarrFormat.V3) {
      throw new ZarrException("transpose is a v3 codec");
    }
    ArrayBlock fill = ArrayBlock.allocate(type, 1);
    fill.setDouble(0, fillValue);
    long bits = switch (type) {
      case FLOAT32 -> Float.floatToRawIntBits(fill.floats()[0]);
      case FLOAT64 -> Double.doubleToRawLongBits(fill.doubles()[0]);
      default -> fill.getLong(0);
    };
    String sep = separator != null ? separator : format == ZarrFormat.V3 ? "/" : ".";
    String prefix = format == ZarrFormat.V3 ? "c" + sep : "";
    return new ArrayMetadata(format, shape, chunks, type, ByteOrder.LITTLE_ENDIAN, bits, compressor,
        transpose, false, prefix, sep, attrs);
  }
}
