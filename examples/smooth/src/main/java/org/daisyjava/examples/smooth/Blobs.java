package org.daisyjava.examples.smooth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The example's test volume: Gaussian blobs of random place, size and brightness over uniform
 * noise, as uint8. Every voxel's value depends only on its position, the volume's shape and the
 * seed, so any block computes its part without the others, in any order, the same every run.
 */
final class Blobs {
  /** Blobs per 64^3 voxels. */
  private static final int DENSITY = 6;
  private static final int NOISE = 30;

  private record Blob(double z, double y, double x, double sigma, double amplitude) {}

  private final long seed;
  private final List<Blob> blobs = new ArrayList<>();

  Blobs(long seed, long[] shape) {
    if (shape.length != 3) {
      throw new IllegalArgumentException("the blob volume is 3-D, got " + shape.length + " axes");
    }
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed);
    long count = Math.max(4, DENSITY * (shape[0] * shape[1] * shape[2]) / (64L * 64 * 64));
    for (long i = 0; i < count; i++) {
      blobs.add(new Blob(r.nextDouble() * shape[0], r.nextDouble() * shape[1], r.nextDouble() * shape[2],
          3 + r.nextDouble() * 5, 90 + r.nextDouble() * 130));
    }
  }

  /** Values of voxels [begin, begin + size) (voxel coordinates), C order. */
  byte[] render(long[] begin, int[] size) {
    int n = size[0] * size[1] * size[2];
    double[] acc = new double[n];
    for (Blob b : blobs) {
      double reach = 3 * b.sigma;
      int z0 = clamp(Math.floor(b.z - reach) - begin[0], size[0]);
      int z1 = clamp(Math.ceil(b.z + reach) - begin[0] + 1, size[0]);
      int y0 = clamp(Math.floor(b.y - reach) - begin[1], size[1]);
      int y1 = clamp(Math.ceil(b.y + reach) - begin[1] + 1, size[1]);
      int x0 = clamp(Math.floor(b.x - reach) - begin[2], size[2]);
      int x1 = clamp(Math.ceil(b.x + reach) - begin[2] + 1, size[2]);
      double k = -0.5 / (b.sigma * b.sigma);
      for (int z = z0; z < z1; z++) {
        double dz = begin[0] + z - b.z;
        for (int y = y0; y < y1; y++) {
          double dy = begin[1] + y - b.y;
          int row = (z * size[1] + y) * size[2];
          for (int x = x0; x < x1; x++) {
            double dx = begin[2] + x - b.x;
            acc[row + x] += b.amplitude * Math.exp(k * (dz * dz + dy * dy + dx * dx));
          }
        }
      }
    }
    byte[] out = new byte[n];
    for (int z = 0; z < size[0]; z++) {
      for (int y = 0; y < size[1]; y++) {
        for (int x = 0; x < size[2]; x++) {
          int i = (z * size[1] + y) * size[2] + x;
          double v = acc[i] + noise(begin[0] + z, begin[1] + y, begin[2] + x);
          out[i] = (byte) Math.min(255, Math.round(v));
        }
      }
    }
    return out;
  }

  private static int clamp(double v, int size) {
    return (int) Math.max(0, Math.min(size, v));
  }

  /** Uniform in [0, NOISE), from a SplitMix64 hash of the position and the seed. */
  private int noise(long z, long y, long x) {
    long h = seed ^ (z * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL) ^ (x * 0x165667B19E3779F9L);
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    h ^= h >>> 31;
    return (int) Long.remainderUnsigned(h, NOISE);
  }
}
