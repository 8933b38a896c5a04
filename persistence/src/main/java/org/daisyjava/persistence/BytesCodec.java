package org.daisyjava.persistence;

import java.io.IOException;

/** A bytes-to-bytes stage of a chunk's encoding: a compressor, or v3's {@code crc32c}. */
interface BytesCodec {
  byte[] encode(byte[] raw) throws IOException;

  /** Decodes one chunk; {@code expected} is its decoded size when known (every compressor here). */
  byte[] decode(byte[] encoded, int expected) throws IOException;
}
