package org.daisyjava.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Lz4BlockTest {
  @Test
  void compressedDataDecompressesToTheInputForEveryLengthAndKind() throws IOException {
    Random r = new Random(5);
    for (int n = 0; n < 3000; n += 1 + n / 10) {
      for (int kind = 0; kind < 3; kind++) {
        byte[] in = new byte[n];
        for (int i = 0; i < n; i++) {
          in[i] = (byte) switch (kind) {
            case 0 -> r.nextInt(256);
            case 1 -> i % 17;
            default -> r.nextInt(10) == 0 ? r.nextInt(256) : 0;
          };
        }
        byte[] packed = new byte[Lz4Block.maxCompressedLength(n)];
        int c = Lz4Block.compress(in, 0, n, packed, 0);
        byte[] out = new byte[n];
        Lz4Block.decompress(packed, 0, c, out, 0, n);
        assertArrayEquals(in, out, n + "/" + kind);
        if (kind == 1 && n > 500) {
          assertTrue(c < n / 4, "repetitive data compresses: " + c + " of " + n);
        }
      }
    }
  }

  @Test
  void corruptStreamsAreErrorsNotOverruns() {
    byte[] out = new byte[64];
    assertThrows(IOException.class, () -> Lz4Block.decompress(new byte[] {(byte) 0xf0, 10, 1}, 0, 3, out, 0, 64));
    assertThrows(IOException.class, () -> Lz4Block.decompress(new byte[] {0x10, 'a', 9, 0}, 0, 4, out, 0, 64));
    assertThrows(IOException.class, () -> BloscLz.decompress(new byte[] {(byte) 0x40, 5}, 0, 2, out, 0, 64));
  }
}
