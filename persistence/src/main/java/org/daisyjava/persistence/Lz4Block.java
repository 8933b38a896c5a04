package org.daisyjava.persistence;

import java.io.IOException;

/**
 * The LZ4 block format (no frame), the stream format Blosc's {@code lz4} and {@code lz4hc}
 * compressors share: sequences of a token (literal length, match length - 4, 4 bits each, 15 =
 * more bytes follow), literals, a 2-byte little-endian back offset, more match length bytes. The
 * last sequence has literals only; the last 5 bytes are always literals and no match starts in
 * the last 12 (the format's end-of-block rules, which decoders rely on).
 *
 * <p>The compressor is a greedy single-probe hash matcher: fast, not the best ratio (lz4hc data is
 * decoded the same way; compressing "lz4hc" here gives plain LZ4 output, which is valid lz4hc).
 */
final class Lz4Block {
  private static final int MIN_MATCH = 4;
  private static final int LAST_LITERALS = 5;
  private static final int MF_LIMIT = 12;
  private static final int HASH_BITS = 14;
  private static final int MAX_OFFSET = 65535;

  private Lz4Block() {}

  static int maxCompressedLength(int n) {
    return n + n / 255 + 16;
  }

  /** Compresses {@code src[from, from+n)} into {@code dst} at {@code at}; returns the bytes written. */
  static int compress(byte[] src, int from, int n, byte[] dst, int at) {
    int op = at;
    int anchor = from;
    int end = from + n;
    if (n >= MF_LIMIT + 1) {
      int[] table = new int[1 << HASH_BITS];
      java.util.Arrays.fill(table, -1);
      int ip = from;
      int matchLimit = end - LAST_LITERALS;
      int startLimit = end - MF_LIMIT;
      while (ip < startLimit) {
        int word = read32(src, ip);
        int h = (word * -1640531535) >>> (32 - HASH_BITS);
        int ref = table[h];
        table[h] = ip;
        if (ref < 0 || ip - ref > MAX_OFFSET || read32(src, ref) != word) {
          ip++;
          continue;
        }
        int len = MIN_MATCH;
        while (ip + len < matchLimit && src[ref + len] == src[ip + len]) {
          len++;
        }
        int token = op;
        op = sequence(src, anchor, ip - anchor, dst, op);
        dst[op++] = (byte) (ip - ref);
        dst[op++] = (byte) ((ip - ref) >>> 8);
        int extra = len - MIN_MATCH;
        dst[token] |= (byte) Math.min(extra, 15);
        if (extra >= 15) {
          op = lengthBytes(extra - 15, dst, op);
        }
        ip += len;
        anchor = ip;
      }
    }
    op = sequence(src, anchor, end - anchor, dst, op);
    return op - at;
  }

  /** Writes a token (match nibble 0) with its literal length and the literals; returns the end. */
  private static int sequence(byte[] src, int from, int literals, byte[] dst, int op) {
    dst[op++] = (byte) (Math.min(literals, 15) << 4);
    if (literals >= 15) {
      op = lengthBytes(literals - 15, dst, op);
    }
    System.arraycopy(src, from, dst, op, literals);
    return op + literals;
  }

  private static int lengthBytes(int rest, byte[] dst, int op) {
    while (rest >= 255) {
      dst[op++] = (byte) 255;
      rest -= 255;
    }
    dst[op++] = (byte) rest;
    return op;
  }

  private static int read32(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
  }

  /**
   * Decompresses {@code src[from, from+n)} into exactly {@code dst[at, at+expected)}; a stream that
   * reads or writes out of bounds, or ends short, is corrupt.
   */
  static void decompress(byte[] src, int from, int n, byte[] dst, int at, int expected)
      throws IOException {
    int ip = from;
    int end = from + n;
    int op = at;
    int opEnd = at + expected;
    while (true) {
      if (ip >= end) {
        throw corrupt("ends before its last literals");
      }
      int token = src[ip++] & 0xff;
      int literals = token >>> 4;
      if (literals == 15) {
        int b;
        do {
          if (ip >= end) {
            throw corrupt("literal length runs past the end");
          }
          b = src[ip++] & 0xff;
          literals += b;
        } while (b == 255);
      }
      if (literals > end - ip || literals > opEnd - op) {
        throw corrupt("literals run past the end");
      }
      System.arraycopy(src, ip, dst, op, literals);
      ip += literals;
      op += literals;
      if (ip == end) {
        break;
      }
      if (end - ip < 2) {
        throw corrupt("offset cut off");
      }
      int offset = (src[ip] & 0xff) | (src[ip + 1] & 0xff) << 8;
      ip += 2;
      if (offset == 0 || offset > op - at) {
        throw corrupt("offset " + offset + " points before the start");
      }
      int len = token & 15;
      if (len == 15) {
        int b;
        do {
          if (ip >= end) {
            throw corrupt("match length runs past the end");
          }
          b = src[ip++] & 0xff;
          len += b;
        } while (b == 255);
      }
      len += MIN_MATCH;
      if (len > opEnd - op) {
        throw corrupt("match runs past the expected size");
      }
      int ref = op - offset;
      if (offset >= len) {
        System.arraycopy(dst, ref, dst, op, len);
        op += len;
      } else {
        for (int k = 0; k < len; k++) { // overlapping: a repeat of the last `offset` bytes
          dst[op++] = dst[ref++];
        }
      }
    }
    if (op != opEnd) {
      throw corrupt("gave " + (op - at) + " bytes, expected " + expected);
    }
  }

  private static IOException corrupt(String what) {
    return new IOException("corrupt LZ4 data: " + what);
  }
}
