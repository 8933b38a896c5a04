package org.daisyjava.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;

/**
 * A chunked n-D array on a file system (Zarr v2 or v3), read and written by ROI in world units.
 *
 * <p>The array knows where it lies in the world ({@link #roi()}, from its attributes: see {@link
 * WorldGeometry}); {@link #read} and {@link #write} take ROIs in world units that are multiples of
 * the voxel size. Reads may reach outside the array (that part, like missing chunks, holds the
 * fill value); writes must lie inside it and, unless {@link WriteMode#READ_MODIFY_WRITE} is asked
 * for, cover whole chunks. Each chunk is written whole under a temporary name and renamed, so a
 * killed writer leaves the old chunk or the new one.
 *
 * <p>Immutable and safe to share between threads (concurrent writes of the same chunk excepted).
 */
public final class ZarrArray {
  private final Path dir;
  private final ArrayMetadata meta;
  private final WorldGeometry geometry;

  private ZarrArray(Path dir, ArrayMetadata meta) throws IOException {
    this.dir = dir;
    this.meta = meta;
    this.geometry = WorldGeometry.of(dir, meta);
  }

  /** Opens an existing array (a directory with {@code .zarray} or an array's {@code zarr.json}). */
  public static ZarrArray open(Path dir) throws IOException {
    return new ZarrArray(dir, ArrayMetadata.read(dir));
  }

  /** Creates a new array; an array already there is an error. */
  public static ZarrArray create(Path dir, ArraySpec spec) throws IOException {
    ArrayMetadata meta = spec.metadata();
    if (!writeMetadata(dir, meta)) {
      throw new ZarrException(dir + " already exists");
    }
    return new ZarrArray(dir, meta);
  }

  /**
   * Opens the array, creating it first if there is none. Many workers may call this at once for
   * the same array: one creates it whole, the others open it. An existing array that differs from
   * {@code spec} (type, shape, chunks, voxel size, offset) is an error.
   */
  public static ZarrArray openOrCreate(Path dir, ArraySpec spec) throws IOException {
    ArrayMetadata wanted = spec.metadata();
    if (!ArrayMetadata.isArray(dir)) {
      writeMetadata(dir, wanted);
    }
    ZarrArray found = open(dir);
    ZarrArray expected = new ZarrArray(dir, wanted);
    if (found.meta.type != wanted.type || !Arrays.equals(found.meta.shape, wanted.shape)
        || !Arrays.equals(found.meta.chunks, wanted.chunks) || !found.roi().equals(expected.roi())
        || !found.voxelSize().equals(expected.voxelSize())) {
      throw new ZarrException(dir + " exists as " + found + ", not as asked: " + expected);
    }
    return found;
  }

  /** False if the array's main document existed already. */
  private static boolean writeMetadata(Path dir, ArrayMetadata meta) throws IOException {
    ArrayMetadata.Document main = null;
    for (ArrayMetadata.Document d : meta.documents()) {
      if (d.name().equals(ArrayMetadata.V2_ARRAY) || d.name().equals(ArrayMetadata.V3_NODE)) {
        main = d;
      } else if (!Files.exists(dir.resolve(d.name()))) {
        AtomicFiles.write(dir.resolve(d.name()), d.bytes()); // .zattrs before .zarray: never seen without it
      }
    }
    return AtomicFiles.createNew(dir.resolve(main.name()), main.bytes());
  }

  public Path path() {
    return dir;
  }

  public ZarrFormat format() {
    return meta.format;
  }

  public DataType dataType() {
    return meta.type;
  }

  /** Shape in voxels. */
  public long[] shape() {
    return meta.shape.clone();
  }

  /** Chunk shape in voxels. */
  public int[] chunkShape() {
    return meta.chunks.clone();
  }

  public Coordinate voxelSize() {
    return geometry.voxelSize();
  }

  /** World coordinates of voxel 0. */
  public Coordinate offset() {
    return geometry.offset();
  }

  /** The array's extent in world units. */
  public Roi roi() {
    long[] shape = new long[meta.shape.length];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = meta.shape[d] * geometry.voxelSize().get(d);
    }
    return Roi.of(geometry.offset(), Coordinate.of(shape));
  }

  public Compressor compressor() {
    return meta.compressor;
  }

  /** The fill value as a double (what missing chunks and reads outside the array hold). */
  public double fillValue() {
    ArrayBlock one = ArrayBlock.allocate(meta.type, 1);
    one.fill(meta.fillBits);
    return one.getDouble(0);
  }

  /** A copy of the array's attributes. */
  public JsonNode attributes() {
    return meta.attributes.deepCopy();
  }

  /** Reads {@code roi} (world units, a multiple of the voxel size) into a new block. */
  public ArrayBlock read(Roi roi) throws IOException {
    long[][] box = voxelBox(roi);
    long[] lo = box[0];
    long[] hi = box[1];
    int dims = lo.length;
    long[] outShape = new long[dims];
    long[] clo = new long[dims];
    long[] chi = new long[dims];
    boolean inside = true;
    boolean empty = false;
    for (int d = 0; d < dims; d++) {
      outShape[d] = hi[d] - lo[d];
      clo[d] = Math.max(lo[d], 0);
      chi[d] = Math.min(hi[d], meta.shape[d]);
      inside &= clo[d] == lo[d] && chi[d] == hi[d];
      empty |= chi[d] <= clo[d];
    }
    ArrayBlock out = ArrayBlock.allocate(meta.type, outShape);
    if (!inside || empty) {
      out.fill(meta.fillBits);
    }
    if (empty) {
      return out;
    }
    forEachChunk(clo, chi, (index, origin, ilo, ihi) -> {
      ArrayBlock chunk = loadChunk(index);
      long[] extent = minus(ihi, ilo);
      if (chunk == null) {
        out.fill(minus(ilo, lo), extent, meta.fillBits);
      } else {
        ArrayBlock.copy(chunk, minus(ilo, origin), out, minus(ilo, lo), extent);
      }
    });
    return out;
  }

  /** Writes {@code block} to {@code roi}, which must cover whole chunks ({@link WriteMode#CHUNK_ALIGNED}). */
  public void write(Roi roi, ArrayBlock block) throws IOException {
    write(roi, block, WriteMode.CHUNK_ALIGNED);
  }

  public void write(Roi roi, ArrayBlock block, WriteMode mode) throws IOException {
    long[][] box = voxelBox(roi);
    long[] lo = box[0];
    long[] hi = box[1];
    if (block.type() != meta.type) {
      throw new ZarrException("cannot write a " + block.type() + " block to " + this);
    }
    if (!Arrays.equals(block.shape(), minus(hi, lo))) {
      throw new ZarrException("block of shape " + Arrays.toString(block.shape()) + " written to "
          + roi + ", which is " + Arrays.toString(minus(hi, lo)) + " voxels");
    }
    for (int d = 0; d < lo.length; d++) {
      if (lo[d] < 0 || hi[d] > meta.shape[d]) {
        throw new ZarrException("write to " + roi + " reaches outside " + this);
      }
      if (mode == WriteMode.CHUNK_ALIGNED
          && (lo[d] % meta.chunks[d] != 0 || (hi[d] % meta.chunks[d] != 0 && hi[d] != meta.shape[d]))) {
        throw new ZarrException("write to " + roi + " is not aligned to the chunks of " + this
            + " (axis " + d + "): two blocks could race on one chunk; align the write ROI to the"
            + " chunks or ask for WriteMode.READ_MODIFY_WRITE");
      }
    }
    if (block.size() == 0) {
      return;
    }
    forEachChunk(lo, hi, (index, origin, ilo, ihi) -> {
      boolean whole = true;
      for (int d = 0; d < lo.length; d++) {
        whole &= ilo[d] == origin[d] && ihi[d] == Math.min(origin[d] + meta.chunks[d], meta.shape[d]);
      }
      ArrayBlock chunk = whole ? null : loadChunk(index);
      if (chunk == null) {
        chunk = ArrayBlock.allocate(meta.type, toLongs(meta.chunks));
        if (meta.fillBits != 0) {
          chunk.fill(meta.fillBits);
        }
      }
      ArrayBlock.copy(block, minus(ilo, lo), chunk, minus(ilo, origin), minus(ihi, ilo));
      storeChunk(index, chunk);
    });
  }

  private long[][] voxelBox(Roi roi) throws ZarrException {
    int dims = meta.shape.length;
    if (roi.dims() != dims) {
      throw new ZarrException(roi + " has " + roi.dims() + " dimensions, " + this + " has " + dims);
    }
    long[] lo = new long[dims];
    long[] hi = new long[dims];
    for (int d = 0; d < dims; d++) {
      long v = geometry.voxelSize().get(d);
      long b = roi.begin(d) - geometry.offset().get(d);
      if (b % v != 0 || roi.shape(d) % v != 0) {
        throw new ZarrException(roi + " is not a multiple of the voxel size " + geometry.voxelSize()
            + " of " + this);
      }
      lo[d] = Math.floorDiv(b, v);
      hi[d] = lo[d] + roi.shape(d) / v;
    }
    return new long[][] {lo, hi};
  }

  private interface ChunkVisitor {
    void visit(long[] index, long[] origin, long[] lo, long[] hi) throws IOException;
  }

  /** Visits every chunk meeting voxel box [lo, hi) (inside the array) with the part of the box in it. */
  private void forEachChunk(long[] lo, long[] hi, ChunkVisitor visitor) throws IOException {
    int dims = lo.length;
    long[] first = new long[dims];
    long[] last = new long[dims];
    for (int d = 0; d < dims; d++) {
      first[d] = lo[d] / meta.chunks[d];
      last[d] = (hi[d] - 1) / meta.chunks[d];
    }
    long[] index = first.clone();
    while (true) {
      long[] origin = new long[dims];
      long[] ilo = new long[dims];
      long[] ihi = new long[dims];
      for (int d = 0; d < dims; d++) {
        origin[d] = index[d] * meta.chunks[d];
        ilo[d] = Math.max(lo[d], origin[d]);
        ihi[d] = Math.min(hi[d], origin[d] + meta.chunks[d]);
      }
      visitor.visit(index.clone(), origin, ilo, ihi);
      int d = dims - 1;
      while (d >= 0 && index[d] == last[d]) {
        index[d] = first[d];
        d--;
      }
      if (d < 0) {
        return;
      }
      index[d]++;
    }
  }

  private Path chunkPath(long[] index) {
    return dir.resolve(meta.chunkKey(index));
  }

  /** The chunk decoded, or null if it was never written. */
  private ArrayBlock loadChunk(long[] index) throws IOException {
    Path file = chunkPath(index);
    byte[] bytes;
    try {
      long size = Files.size(file);
      // a compressor may grow incompressible data a little, never by half
      if (size > meta.chunkBytes() * 3L / 2 + 65536) {
        throw new ZarrException(file + ": " + size + " bytes, too large for a chunk of "
            + meta.chunkBytes() + " bytes (damaged?)");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      for (int i = meta.pipeline.size() - 1; i >= 0; i--) {
        bytes = meta.pipeline.get(i).decode(bytes, meta.chunkBytes());
      }
    } catch (ZarrException e) {
      throw new ZarrException(file + ": " + e.getMessage(), e);
    }
    if (bytes.length != meta.chunkBytes()) {
      throw new ZarrException(file + ": " + bytes.length + " bytes, a chunk has " + meta.chunkBytes());
    }
    if (meta.transpose != null) {
      bytes = permute(bytes, false);
    }
    return ArrayBlock.fromBytes(meta.type, toLongs(meta.chunks), bytes, meta.order);
  }

  private void storeChunk(long[] index, ArrayBlock chunk) throws IOException {
    byte[] bytes = chunk.toBytes(meta.order);
    if (meta.transpose != null) {
      bytes = permute(bytes, true);
    }
    for (BytesCodec c : meta.pipeline) {
      bytes = c.encode(bytes);
    }
    AtomicFiles.write(chunkPath(index), bytes);
  }

  /**
   * v3's transpose of a chunk's elements: the stored array has axis {@code i} = the chunk's axis
   * {@code order[i]}. {@code encode} goes from the chunk to the stored layout, else back.
   */
  private byte[] permute(byte[] src, boolean encode) {
    int dims = meta.chunks.length;
    int es = meta.type.size();
    int[] order = meta.transpose;
    long[] cStride = new long[dims];
    long s = 1;
    for (int d = dims - 1; d >= 0; d--) {
      cStride[d] = s;
      s *= meta.chunks[d];
    }
    int[] tShape = new int[dims];
    for (int i = 0; i < dims; i++) {
      tShape[i] = meta.chunks[order[i]];
    }
    byte[] dst = new byte[src.length];
    int[] j = new int[dims];
    int n = src.length / es;
    for (int t = 0; t < n; t++) {
      long c = 0;
      for (int i = 0; i < dims; i++) {
        c += j[i] * cStride[order[i]];
      }
      if (encode) {
        System.arraycopy(src, (int) c * es, dst, t * es, es);
      } else {
        System.arraycopy(src, t * es, dst, (int) c * es, es);
      }
      for (int i = dims - 1; i >= 0 && ++j[i] == tShape[i]; i--) {
        j[i] = 0;
      }
    }
    return dst;
  }

  private static long[] minus(long[] a, long[] b) {
    long[] out = new long[a.length];
    for (int d = 0; d < a.length; d++) {
      out[d] = a[d] - b[d];
    }
    return out;
  }

  private static long[] toLongs(int[] a) {
    long[] out = new long[a.length];
    for (int d = 0; d < a.length; d++) {
      out[d] = a[d];
    }
    return out;
  }

  @Override
  public String toString() {
    return "array " + dir + " (" + meta.format + " " + meta.type.v3Name() + " " + roi() + ", voxel "
        + voxelSize() + ", chunks " + Arrays.toString(meta.chunks) + ", " + meta.compressor + ")";
  }
}
