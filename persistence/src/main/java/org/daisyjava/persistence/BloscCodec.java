package org.daisyjava.persistence;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Blosc 1 chunks, in Java (no native c-blosc: Debian's libblosc is not on every node and the Java
 * bindings on Maven Central are unmaintained). The frame, as c-blosc writes it:
 *
 * <pre>
 *   byte 0 format version (2), 1 codec format version, 2 flags, 3 typesize,
 *   4-7 nbytes (decoded size), 8-11 blocksize, 12-15 cbytes (whole frame), all little-endian;
 *   flags: 0x01 byte shuffle, 0x02 stored (memcpy: the data follows the header raw),
 *          0x04 bit shuffle, 0x10 blocks not split, top 3 bits the codec
 *          (0 blosclz, 1 lz4 and lz4hc, 3 zlib, 4 zstd);
 *   then one int32 start offset per block, then the blocks.
 * </pre>
 *
 * A block (the last one may be shorter: a leftover) is split into {@code typesize} streams when the
 * split flag is off, {@code typesize <= 16}, {@code blocksize / typesize >= 128} and it is not the
 * leftover; each stream is an int32 compressed size then the bytes, raw when that size equals the
 * stream's decoded size. Shuffle is applied per block: byte {@code j} of element {@code i} goes to
 * {@code j * (blocksize / typesize) + i}, trailing bytes that make no whole element stay put.
 *
 * <p>Written here: never split, byte shuffle or none, streams compressed with the named codec
 * (blosclz streams are stored raw: there is no BloscLZ compressor here). Bit shuffle is refused.
 */
final class BloscCodec implements BytesCodec {
  enum Shuffle {
    NONE,
    BYTE,
    BIT
  }

  private static final int HEADER = 16;
  private static final int FLAG_SHUFFLE = 0x01;
  private static final int FLAG_MEMCPY = 0x02;
  private static final int FLAG_BITSHUFFLE = 0x04;
  private static final int FLAG_DONT_SPLIT = 0x10;
  private static final int MAX_SPLITS = 16;
  private static final int MIN_BUFFERSIZE = 128;
  private static final int WRITE_BLOCKSIZE = 256 * 1024;

  private final String cname;
  private final int clevel;
  private final Shuffle shuffle;
  private final int typesize;
  private final int blocksize;

  BloscCodec(String cname, int clevel, Shuffle shuffle, int typesize, int blocksize)
      throws ZarrException {
    if (codecFormat(cname) < 0) {
      throw new ZarrException("blosc: unknown compressor '" + cname
          + "' (supported: blosclz, lz4, lz4hc, zlib, zstd)");
    }
    if (clevel < 0 || clevel > 9) {
      throw new ZarrException("blosc: clevel must be 0..9, got " + clevel);
    }
    this.cname = cname;
    this.clevel = clevel;
    this.shuffle = shuffle;
    this.typesize = Math.max(1, Math.min(typesize, 255));
    this.blocksize = blocksize;
  }

  String cname() {
    return cname;
  }

  int clevel() {
    return clevel;
  }

  Shuffle shuffle() {
    return shuffle;
  }

  int blocksize() {
    return blocksize;
  }

  private static int codecFormat(String cname) {
    return switch (cname) {
      case "blosclz" -> 0;
      case "lz4", "lz4hc" -> 1;
      case "zlib" -> 3;
      case "zstd" -> 4;
      default -> -1;
    };
  }

  @Override
  public byte[] encode(byte[] raw) throws IOException {
    if (shuffle == Shuffle.BIT) {
      // reading needs no setting (each frame's flags say how it was shuffled); writing does
      throw new ZarrException("blosc: writing bit-shuffled chunks is not supported; use shuffle 1 or 0");
    }
    int n = raw.length;
    int bs = blocksize > 0 ? blocksize : WRITE_BLOCKSIZE;
    bs = Math.max(typesize, Math.min(bs, Math.max(n, 1)) / typesize * typesize);
    int nblocks = n == 0 ? 0 : (n + bs - 1) / bs;
    boolean shuffled = shuffle == Shuffle.BYTE && typesize > 1;
    int flags = FLAG_DONT_SPLIT | (codecFormat(cname) << 5) | (shuffled ? FLAG_SHUFFLE : 0);
    if (clevel == 0 || n == 0) {
      // c-blosc's own choice at level 0: the data stored raw after the header
      ByteBuffer out = header(flags | FLAG_MEMCPY, n, bs, HEADER + n);
      out.put(raw);
      return out.array();
    }
    ByteBuffer out = ByteBuffer.allocate(HEADER + 4 * nblocks + n + nblocks * (4 + n / 200 + 64))
        .order(ByteOrder.LITTLE_ENDIAN);
    out.position(HEADER + 4 * nblocks);
    byte[] tmp = new byte[bs];
    byte[] packed = new byte[Lz4Block.maxCompressedLength(bs) + 64];
    for (int b = 0; b < nblocks; b++) {
      int start = b * bs;
      int len = Math.min(bs, n - start);
      out.putInt(HEADER + 4 * b, out.position());
      byte[] src = raw;
      int srcAt = start;
      if (shuffled) {
        shuffle(typesize, len, raw, start, tmp);
        src = tmp;
        srcAt = 0;
      }
      int c = compressStream(src, srcAt, len, packed);
      if (c <= 0 || c >= len) {
        out.putInt(len).put(src, srcAt, len);
      } else {
        out.putInt(c).put(packed, 0, c);
      }
    }
    int cbytes = out.position();
    ByteBuffer h = header(flags, n, bs, cbytes);
    System.arraycopy(h.array(), 0, out.array(), 0, HEADER);
    return java.util.Arrays.copyOf(out.array(), cbytes);
  }

  private ByteBuffer header(int flags, int nbytes, int bs, int cbytes) {
    ByteBuffer h = ByteBuffer.allocate(cbytes).order(ByteOrder.LITTLE_ENDIAN);
    h.put((byte) 2).put((byte) 1).put((byte) flags).put((byte) typesize);
    h.putInt(nbytes).putInt(bs).putInt(cbytes);
    return h;
  }

  /** Compressed size in {@code out}, or 0 when the stream does not shrink (stored raw). */
  private int compressStream(byte[] src, int at, int len, byte[] out) throws IOException {
    switch (cname) {
      case "lz4", "lz4hc" -> {
        return Lz4Block.compress(src, at, len, out, 0);
      }
      case "zlib" -> {
        Deflater d = new Deflater(clevel);
        try {
          d.setInput(src, at, len);
          d.finish();
          int c = d.deflate(out, 0, out.length);
          return d.finished() ? c : 0;
        } finally {
          d.end();
        }
      }
      case "zstd" -> {
        try {
          // c-blosc maps levels 1..8 to zstd levels 2*clevel-1, 9 to zstd's maximum
          int level = clevel < 9 ? clevel * 2 - 1 : Zstd.maxCompressionLevel();
          long c = Zstd.compressByteArray(out, 0, out.length, src, at, len, level);
          return Zstd.isError(c) ? 0 : (int) c;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
          throw ZstdCodec.cannotLoad("blosc zstd", e);
        }
      }
      default -> {
        return 0; // blosclz: stored
      }
    }
  }

  @Override
  public byte[] decode(byte[] in, int expected) throws IOException {
    if (in.length < HEADER) {
      throw new ZarrException("blosc: " + in.length + " bytes, shorter than its 16-byte header");
    }
    ByteBuffer h = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
    int version = in[0] & 0xff;
    int flags = in[2] & 0xff;
    int ts = in[3] & 0xff;
    int nbytes = h.getInt(4);
    int bs = h.getInt(8);
    int cbytes = h.getInt(12);
    if (version == 0 || version > 4) {
      throw new ZarrException("blosc: unsupported format version " + version
          + (version > 4 ? " (a Blosc 2 frame?)" : ""));
    }
    if (nbytes < 0 || cbytes < HEADER || cbytes > in.length || ts == 0) {
      throw new ZarrException("blosc: corrupt header (nbytes " + nbytes + ", cbytes " + cbytes
          + " of " + in.length + ", typesize " + ts + ")");
    }
    if (expected >= 0 && nbytes != expected) {
      throw new ZarrException("blosc: chunk holds " + nbytes + " bytes, expected " + expected);
    }
    byte[] out = new byte[nbytes];
    if ((flags & FLAG_MEMCPY) != 0) {
      if (cbytes < HEADER + nbytes) {
        throw new ZarrException("blosc: stored chunk cut off");
      }
      System.arraycopy(in, HEADER, out, 0, nbytes);
      return out;
    }
    if ((flags & FLAG_BITSHUFFLE) != 0) {
      throw new ZarrException("blosc: bit-shuffled chunks are not supported");
    }
    if (nbytes == 0) {
      return out;
    }
    if (bs <= 0) {
      throw new ZarrException("blosc: corrupt block size " + bs);
    }
    int format = flags >>> 5;
    boolean dontSplit = (flags & FLAG_DONT_SPLIT) != 0;
    boolean shuffled = (flags & FLAG_SHUFFLE) != 0 && ts > 1;
    int nblocks = (int) (((long) nbytes + bs - 1) / bs);
    if (HEADER + 4L * nblocks > cbytes) {
      throw new ZarrException("blosc: block table cut off");
    }
    byte[] tmp = new byte[Math.min(bs, nbytes)];
    for (int b = 0; b < nblocks; b++) {
      int start = b * bs;
      int len = Math.min(bs, nbytes - start);
      boolean leftover = len < bs;
      int nsplits = !dontSplit && ts <= MAX_SPLITS && bs / ts >= MIN_BUFFERSIZE && !leftover ? ts : 1;
      int neblock = len / nsplits;
      int ip = h.getInt(HEADER + 4 * b);
      byte[] dst = shuffled ? tmp : out;
      int op = shuffled ? 0 : start;
      for (int s = 0; s < nsplits; s++) {
        if (ip < HEADER || ip > cbytes - 4) {
          throw new ZarrException("blosc: block " + b + " starts out of bounds");
        }
        int c = h.getInt(ip);
        ip += 4;
        if (c < 0 || c > cbytes - ip) {
          throw new ZarrException("blosc: stream of block " + b + " runs past the end");
        }
        if (c == neblock) {
          System.arraycopy(in, ip, dst, op, neblock);
        } else {
          decompressStream(format, in, ip, c, dst, op, neblock);
        }
        ip += c;
        op += neblock;
      }
      if (shuffled) {
        unshuffle(ts, len, tmp, out, start);
      }
    }
    return out;
  }

  private static void decompressStream(int format, byte[] in, int at, int n, byte[] out, int op,
      int expected) throws IOException {
    switch (format) {
      case 0 -> BloscLz.decompress(in, at, n, out, op, expected);
      case 1 -> Lz4Block.decompress(in, at, n, out, op, expected);
      case 3 -> {
        Inflater inf = new Inflater();
        try {
          inf.setInput(in, at, n);
          int got = 0;
          while (got < expected && !inf.finished()) {
            int k = inf.inflate(out, op + got, expected - got);
            if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
              break;
            }
            got += k;
          }
          if (got != expected) {
            throw new ZarrException("blosc zlib: stream gave " + got + " bytes, expected " + expected);
          }
        } catch (DataFormatException e) {
          throw new ZarrException("blosc zlib: corrupt stream: " + e.getMessage());
        } finally {
          inf.end();
        }
      }
      case 4 -> {
        try {
          long got = Zstd.decompressByteArray(out, op, expected, in, at, n);
          if (Zstd.isError(got) || got != expected) {
            throw new ZarrException("blosc zstd: corrupt stream"
                + (Zstd.isError(got) ? ": " + Zstd.getErrorName(got) : ""));
          }
        } catch (com.github.luben.zstd.ZstdException e) {
          throw new ZarrException("blosc zstd: corrupt stream: " + e.getMessage());
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
          throw ZstdCodec.cannotLoad("blosc zstd", e);
        }
      }
      case 2 -> throw new ZarrException("blosc: snappy streams are not supported");
      default -> throw new ZarrException("blosc: unknown codec format " + format);
    }
  }

  static void shuffle(int ts, int len, byte[] src, int at, byte[] dst) {
    int elems = len / ts;
    for (int i = 0; i < elems; i++) {
      for (int j = 0; j < ts; j++) {
        dst[j * elems + i] = src[at + i * ts + j];
      }
    }
    System.arraycopy(src, at + elems * ts, dst, elems * ts, len - elems * ts);
  }

  static void unshuffle(int ts, int len, byte[] src, byte[] dst, int at) {
    int elems = len / ts;
    for (int j = 0; j < ts; j++) {
      int from = j * elems;
      for (int i = 0; i < elems; i++) {
        dst[at + i * ts + j] = src[from + i];
      }
    }
    System.arraycopy(src, elems * ts, dst, at + elems * ts, len - elems * ts);
  }
}
