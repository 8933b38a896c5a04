package org.daisyjava.persistence;

import java.io.IOException;

/**
 * Decoder of BloscLZ, Blosc's own FastLZ-derived stream format (read only; see {@link BloscCodec}
 * for how data is written). Instructions, each led by a control byte {@code ctrl}:
 *
 * <ul>
 *   <li>{@code ctrl < 32}: a literal run of {@code ctrl + 1} bytes follows.
 *   <li>otherwise a match: length {@code (ctrl >> 5) + 2} (7 in the top bits = more length bytes
 *       follow, each added, 255 = another follows), then one distance byte; distance is
 *       {@code ((ctrl & 31) << 8) + byte + 1}, except that a distance byte of 255 with the high
 *       bits all set means a 16-bit big-endian distance follows, added to 8191.
 * </ul>
 *
 * The first control byte carries a format marker in its top 3 bits, which is masked away.
 */
final class BloscLz {
  private static final int MAX_DISTANCE = 8191;

  private BloscLz() {}

  static void decompress(byte[] src, int from, int n, byte[] dst, int at, int expected)
      throws IOException {
    if (n == 0) {
      throw corrupt("empty stream");
    }
    int ip = from;
    int end = from + n;
    int op = at;
    int opEnd = at + expected;
    int ctrl = src[ip++] & 31;
    boolean more = true;
    while (more) {
      if (ctrl >= 32) {
        int len = (ctrl >> 5) - 1;
        int distance = (ctrl & 31) << 8;
        if (len == 6) {
          int code;
          do {
            if (ip >= end) {
              throw corrupt("match length runs past the end");
            }
            code = src[ip++] & 0xff;
            len += code;
          } while (code == 255);
        }
        if (ip >= end) {
          throw corrupt("match distance cut off");
        }
        int code = src[ip++] & 0xff;
        distance += code;
        if (code == 255 && (ctrl & 31) == 31) {
          if (end - ip < 2) {
            throw corrupt("long match distance cut off");
          }
          distance = ((src[ip] & 0xff) << 8 | (src[ip + 1] & 0xff)) + MAX_DISTANCE;
          ip += 2;
        }
        distance += 1;
        len += 3;
        if (distance > op - at || len > opEnd - op) {
          throw corrupt("match out of bounds");
        }
        if (ip < end) {
          ctrl = src[ip++] & 0xff;
        } else {
          more = false;
        }
        int ref = op - distance;
        for (int k = 0; k < len; k++) { // may overlap: a repeat of the last `distance` bytes
          dst[op++] = dst[ref++];
        }
      } else {
        int len = ctrl + 1;
        if (len > end - ip || len > opEnd - op) {
          throw corrupt("literals out of bounds");
        }
        System.arraycopy(src, ip, dst, op, len);
        ip += len;
        op += len;
        more = ip < end;
        if (more) {
          ctrl = src[ip++] & 0xff;
        }
      }
    }
    if (op != opEnd) {
      throw corrupt("gave " + (op - at) + " bytes, expected " + expected);
    }
  }

  private static IOException corrupt(String what) {
    return new IOException("corrupt BloscLZ data: " + what);
  }
}
