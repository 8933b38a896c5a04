package org.daisyjava.persistence;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;

/**
 * Zstandard frames through zstd-jni (its native library ships inside the jar for the common
 * platforms and is loaded on first use; where it cannot load, the error names the codec).
 */
final class ZstdCodec implements BytesCodec {
  private final int level;
  private final boolean checksum;

  ZstdCodec(int level, boolean checksum) {
    this.level = level;
    this.checksum = checksum;
  }

  int level() {
    return level;
  }

  boolean checksum() {
    return checksum;
  }

  @Override
  public byte[] encode(byte[] raw) throws IOException {
    try {
      try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
        ctx.setLevel(level == 0 ? Zstd.defaultCompressionLevel() : level);
        ctx.setChecksum(checksum);
        return ctx.compress(raw);
      }
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw cannotLoad("zstd", e);
    }
  }

  @Override
  public byte[] decode(byte[] encoded, int expected) throws IOException {
    try {
      byte[] out = new byte[expected];
      long got = Zstd.decompressByteArray(out, 0, expected, encoded, 0, encoded.length);
      if (Zstd.isError(got)) {
        throw new ZarrException("zstd: corrupt chunk: " + Zstd.getErrorName(got));
      }
      if (got != expected) {
        throw new ZarrException("zstd: chunk gave " + got + " bytes, expected " + expected);
      }
      return out;
    } catch (com.github.luben.zstd.ZstdException e) {
      throw new ZarrException("zstd: corrupt chunk: " + e.getMessage());
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw cannotLoad("zstd", e);
    }
  }

  static ZarrException cannotLoad(String codec, Throwable e) {
    return new ZarrException("codec " + codec + " is not available here: zstd-jni's native library"
        + " did not load (" + e + ")", e);
  }
}
