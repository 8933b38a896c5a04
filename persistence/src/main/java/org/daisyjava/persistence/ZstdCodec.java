package org.daisyjava.persistence;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;

/**
 * Zstandard frames through zstd-jni (its native library ships inside the jar for the common
 * platforms and is loaded on first use; where it cannot load, the error names the codec).
 */
final class ZstdCodec implements BytesCodec {
  private final int level;
  private final boolean checksum;
  // One (de)compression context per thread, kept: a context holds its window and tables (about
  // a MiB at level 3), too much to allocate and free for every chunk of a few hundred KiB.
  // Contexts are not thread-safe, hence one per thread; worker threads are few and long-lived.
  private final ThreadLocal<ZstdCompressCtx> compressor;
  private final ThreadLocal<ZstdDecompressCtx> decompressor;

  ZstdCodec(int level, boolean checksum) {
    this.level = level;
    this.checksum = checksum;
    this.compressor = ThreadLocal.withInitial(() -> {
      ZstdCompressCtx ctx = new ZstdCompressCtx();
      ctx.setLevel(level == 0 ? Zstd.defaultCompressionLevel() : level);
      ctx.setChecksum(checksum);
      return ctx;
    });
    this.decompressor = ThreadLocal.withInitial(ZstdDecompressCtx::new);
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
      return compressor.get().compress(raw);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw cannotLoad("zstd", e);
    }
  }

  @Override
  public byte[] decode(byte[] encoded, int expected) throws IOException {
    try {
      byte[] out = new byte[expected];
      int got = decompressor.get().decompressByteArray(out, 0, expected, encoded, 0, encoded.length);
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
