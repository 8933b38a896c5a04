package org.daisyjava.examples.smooth;

import java.io.IOException;
import org.daisyjava.core.Block;
import org.daisyjava.core.Roi;
import org.daisyjava.persistence.ArrayBlock;
import org.daisyjava.persistence.ArraySpec;
import org.daisyjava.persistence.Compressor;
import org.daisyjava.persistence.DataType;
import org.daisyjava.persistence.ZarrArray;
import org.daisyjava.persistence.ZarrGroup;
import org.daisyjava.worker.BlockFunction;
import org.daisyjava.worker.WorkerContext;

/**
 * Task {@code smoothed} of examples/smooth.yaml: a 3-D Gaussian of the input, float32, one block
 * at a time. The block's read ROI must be its write ROI grown by the kernel's radius ({@code
 * truncate * sigma} voxels, 6 for the defaults) on every side: then every output voxel sees its
 * whole neighbourhood and the blocks together equal one Gaussian of the whole volume (away from
 * the volume's border, where the input reads as 0 beyond the array). Args: {@code sigma} (voxels,
 * default 2), {@code truncate} (default 3), {@code input} (default {@code raw}), {@code output}
 * (default {@code smoothed}), {@code container}.
 */
public final class GaussianSmooth implements BlockFunction {
  private ZarrArray input;
  private ZarrArray output;
  private GaussianKernel kernel;

  private ExampleArgs args;

  @Override
  public void setup(WorkerContext context) {
    args = new ExampleArgs(context);
    kernel = new GaussianKernel(args.number("sigma", 2), args.number("truncate", 3));
  }

  /**
   * Opens the arrays on the first block, not in setup: workers may start before the upstream
   * task has created its array, but a block is only handed out once the blocks it reads are done.
   */
  private void open() throws IOException {
    ZarrGroup group = ZarrGroup.open(args.container());
    input = group.openArray(args.string("input", "raw"));
    output = group.openOrCreateArray(args.string("output", "smoothed"),
        ArraySpec.of(DataType.FLOAT32, input.roi(), input.voxelSize(), input.chunkShape())
            .compressor(Compressor.zstd(3)));
  }

  @Override
  public void process(Block block) throws IOException {
    if (output == null) {
      open();
    }
    Roi read = block.readRoi();
    Roi write = block.writeRoi();
    int[] shape = new int[read.dims()];
    for (int d = 0; d < read.dims(); d++) {
      long context = kernel.radius() * input.voxelSize().get(d);
      if (write.begin(d) - read.begin(d) != context || read.end(d) - write.end(d) != context) {
        throw new IllegalArgumentException("block " + block.id() + ": the read ROI " + read
            + " must be the write ROI " + write + " grown by " + kernel.radius()
            + " voxels (the kernel's radius) on every side");
      }
      shape[d] = (int) (read.shape(d) / input.voxelSize().get(d));
    }
    ArrayBlock raw = input.read(read);
    float[] values = new float[raw.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) raw.getDouble(i);
    }
    float[] smoothed = kernel.apply(values, shape);
    long[] outShape = new long[shape.length];
    for (int d = 0; d < shape.length; d++) {
      outShape[d] = shape[d] - 2L * kernel.radius();
    }
    output.write(write, ArrayBlock.wrap(DataType.FLOAT32, smoothed, outShape));
  }
}
