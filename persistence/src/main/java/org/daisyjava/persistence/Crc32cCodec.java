package org.daisyjava.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** v3's {@code crc32c}: the bytes followed by their CRC-32C, 4 bytes little-endian. */
final class Crc32cCodec implements BytesCodec {
  @Override
  public byte[] encode(byte[] raw) {
    CRC32C crc = new CRC32C();
    crc.update(raw);
    ByteBuffer out = ByteBuffer.allocate(raw.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    out.put(raw).putInt((int) crc.getValue());
    return out.array();
  }

  @Override
  public byte[] decode(byte[] encoded, int expected) throws IOException {
    if (encoded.length < 4) {
      throw new ZarrException("crc32c: chunk shorter than its checksum");
    }
    CRC32C crc = new CRC32C();
    crc.update(encoded, 0, encoded.length - 4);
    int stored = ByteBuffer.wrap(encoded, encoded.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new ZarrException("crc32c: checksum mismatch (a damaged chunk)");
    }
    return java.util.Arrays.copyOf(encoded, encoded.length - 4);
  }
}
