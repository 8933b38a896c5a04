package org.daisyjava.persistence;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

/** Deflate with the zlib wrapper ({@code zlib}, RFC 1950) or the gzip one ({@code gzip}, RFC 1952). */
final class DeflateCodec implements BytesCodec {
  enum Wrapper {
    ZLIB,
    GZIP
  }

  private final Wrapper wrapper;
  private final int level;

  DeflateCodec(Wrapper wrapper, int level) throws ZarrException {
    if (level < 0 || level > 9) {
      throw new ZarrException(wrapper.name().toLowerCase() + ": level must be 0..9, got " + level);
    }
    this.wrapper = wrapper;
    this.level = level;
  }

  Wrapper wrapper() {
    return wrapper;
  }

  int level() {
    return level;
  }

  @Override
  public byte[] encode(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length / 2 + 64);
    if (wrapper == Wrapper.GZIP) {
      try (GZIPOutputStream out = new GZIPOutputStream(bytes) {
        {
          def.setLevel(level);
        }
      }) {
        out.write(raw);
      }
    } else {
      Deflater deflater = new Deflater(level);
      try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, deflater)) {
        out.write(raw);
      } finally {
        deflater.end();
      }
    }
    return bytes.toByteArray();
  }

  @Override
  public byte[] decode(byte[] encoded, int expected) throws IOException {
    try (InputStream in = wrapper == Wrapper.GZIP
        ? new GZIPInputStream(new ByteArrayInputStream(encoded))
        : new InflaterInputStream(new ByteArrayInputStream(encoded))) {
      byte[] out = in.readNBytes(expected);
      if (out.length != expected || in.read() != -1) {
        throw new ZarrException(wrapper.name().toLowerCase() + ": chunk does not hold "
            + expected + " bytes");
      }
      return out;
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new ZarrException(wrapper.name().toLowerCase() + ": corrupt chunk: " + e.getMessage());
    }
  }
}
