package org.daisyjava.examples.smooth;

import java.io.IOException;
import org.daisyjava.core.Block;
import org.daisyjava.core.Coordinate;
import org.daisyjava.persistence.ArrayBlock;
import org.daisyjava.persistence.ArraySpec;
import org.daisyjava.persistence.Compressor;
import org.daisyjava.persistence.DataType;
import org.daisyjava.persistence.ZarrArray;
import org.daisyjava.persistence.ZarrGroup;
import org.daisyjava.worker.BlockFunction;
import org.daisyjava.worker.WorkerContext;

/**
 * Task {@code mask} of examples/smooth.yaml: a uint8 mask at {@code factor} times the input's
 * voxel size, 1 where the mean of the input over the factor^3 voxels it covers exceeds {@code
 * threshold}, else 0. Needs no context (each output voxel covers input voxels of its own block).
 * Args: {@code threshold} (default 60), {@code factor} (default 2), {@code input} (default {@code
 * smoothed}), {@code output} (default {@code mask}), {@code container}.
 */
public final class ThresholdDownsample implements BlockFunction {
  private ZarrArray input;
  private ZarrArray output;
  private int factor;
  private double threshold;

  private ExampleArgs args;

  @Override
  public void setup(WorkerContext context) {
    args = new ExampleArgs(context);
    factor = (int) args.number("factor", 2);
    threshold = args.number("threshold", 60);
    if (factor < 1) {
      throw new IllegalArgumentException("args.factor must be at least 1");
    }
  }

  /** Opens the arrays on the first block: the upstream array may not exist when workers start. */
  private void open() throws IOException {
    ZarrGroup group = ZarrGroup.open(args.container());
    input = group.openArray(args.string("input", "smoothed"));
    int dims = input.shape().length;
    int[] chunks = new int[dims];
    for (int d = 0; d < dims; d++) {
      chunks[d] = Math.max(1, input.chunkShape()[d] / factor);
    }
    output = group.openOrCreateArray(args.string("output", "mask"),
        ArraySpec.of(DataType.UINT8, input.roi(), input.voxelSize().times(Coordinate.filled(dims, factor)),
            chunks).compressor(Compressor.zstd(3)));
  }

  @Override
  public void process(Block block) throws IOException {
    if (output == null) {
      open();
    }
    ArrayBlock in = input.read(block.writeRoi());
    long[] s = in.shape();
    if (s.length != 3) {
      throw new IllegalArgumentException("mask expects a 3-D input, got " + s.length + " axes");
    }
    long[] o = {s[0] / factor, s[1] / factor, s[2] / factor};
    ArrayBlock out = ArrayBlock.allocate(DataType.UINT8, o);
    byte[] mask = out.bytes();
    double cells = (double) factor * factor * factor;
    for (int z = 0; z < o[0]; z++) {
      for (int y = 0; y < o[1]; y++) {
        for (int x = 0; x < o[2]; x++) {
          double sum = 0;
          for (int dz = 0; dz < factor; dz++) {
            for (int dy = 0; dy < factor; dy++) {
              for (int dx = 0; dx < factor; dx++) {
                sum += in.getDouble(in.index(z * factor + dz, y * factor + dy, x * factor + dx));
              }
            }
          }
          mask[out.index(z, y, x)] = (byte) (sum / cells > threshold ? 1 : 0);
        }
      }
    }
    output.write(block.writeRoi(), out);
  }
}
