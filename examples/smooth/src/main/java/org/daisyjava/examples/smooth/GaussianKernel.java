package org.daisyjava.examples.smooth;

/**
 * A separable 3-D Gaussian computed in "valid" mode: the input is the output grown by the
 * kernel's radius on every side (a block's read ROI around its write ROI), so the result is
 * exact without any padding. The kernel is scipy.ndimage's: radius {@code (int) (truncate *
 * sigma + 0.5)}, weights {@code exp(-x^2 / (2 sigma^2))} normalised to sum 1; each axis pass
 * accumulates in double and stores float32, as {@code gaussian_filter(..., output=float32)} does.
 */
final class GaussianKernel {
  private final double[] weights;
  private final int radius;

  GaussianKernel(double sigma, double truncate) {
    if (!(sigma > 0) || !(truncate > 0)) {
      throw new IllegalArgumentException("sigma and truncate must be positive");
    }
    radius = (int) (truncate * sigma + 0.5);
    weights = new double[2 * radius + 1];
    double sum = 0;
    for (int k = -radius; k <= radius; k++) {
      weights[k + radius] = Math.exp(-0.5 * k * k / (sigma * sigma));
      sum += weights[k + radius];
    }
    for (int k = 0; k < weights.length; k++) {
      weights[k] /= sum;
    }
  }

  int radius() {
    return radius;
  }

  /** Smooths {@code in} of shape {@code shape} (C order); the result is {@code shape - 2 radius} per axis. */
  float[] apply(float[] in, int[] shape) {
    float[] a = in;
    int[] s = shape.clone();
    for (int axis = 0; axis < 3; axis++) {
      a = pass(a, s, axis);
      s[axis] -= 2 * radius;
    }
    return a;
  }

  private float[] pass(float[] in, int[] s, int axis) {
    int[] o = s.clone();
    o[axis] -= 2 * radius;
    if (o[axis] <= 0) {
      throw new IllegalArgumentException("input of shape " + java.util.Arrays.toString(s)
          + " is no larger than the kernel (radius " + radius + ")");
    }
    int step = axis == 0 ? s[1] * s[2] : axis == 1 ? s[2] : 1;
    float[] out = new float[o[0] * o[1] * o[2]];
    int i = 0;
    for (int z = 0; z < o[0]; z++) {
      for (int y = 0; y < o[1]; y++) {
        int base = (z * s[1] + y) * s[2];
        for (int x = 0; x < o[2]; x++) {
          int at = base + x;
          double acc = 0;
          for (int k = 0; k < weights.length; k++) {
            acc += weights[k] * in[at + k * step];
          }
          out[i++] = (float) acc;
        }
      }
    }
    return out;
  }
}
