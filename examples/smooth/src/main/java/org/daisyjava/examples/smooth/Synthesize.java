package org.daisyjava.examples.smooth;

import java.io.IOException;
import org.daisyjava.core.Block;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.daisyjava.persistence.ArrayBlock;
import org.daisyjava.persistence.ArraySpec;
import org.daisyjava.persistence.Compressor;
import org.daisyjava.persistence.DataType;
import org.daisyjava.persistence.ZarrArray;
import org.daisyjava.persistence.ZarrFormat;
import org.daisyjava.persistence.ZarrGroup;
import org.daisyjava.worker.BlockFunction;
import org.daisyjava.worker.WorkerContext;

/**
 * Task {@code raw} of examples/smooth.yaml: writes the deterministic test volume ({@link Blobs})
 * block by block into a uint8 array. Args: {@code shape} (the volume in world units, from offset
 * 0), {@code seed} (default 1), {@code chunk} (voxels per axis, default 64), {@code output}
 * (default {@code raw}), {@code container}.
 */
public final class Synthesize implements BlockFunction {
  private ZarrArray out;
  private Blobs blobs;

  @Override
  public void setup(WorkerContext context) throws IOException {
    ExampleArgs args = new ExampleArgs(context);
    long[] shape = args.longs("shape");
    Coordinate voxel = context.voxelSize().orElse(Coordinate.filled(shape.length, 1));
    int chunk = (int) args.number("chunk", 64);
    int[] chunks = new int[shape.length];
    java.util.Arrays.fill(chunks, chunk);
    ZarrGroup group = ZarrGroup.openOrCreate(args.container(), ZarrFormat.V2);
    out = group.openOrCreateArray(args.string("output", "raw"),
        ArraySpec.of(DataType.UINT8, Roi.of(new long[shape.length], shape), voxel, chunks)
            .compressor(Compressor.zstd(3)));
    blobs = new Blobs((long) args.number("seed", 1), out.shape());
  }

  @Override
  public void process(Block block) throws IOException {
    Roi roi = block.writeRoi().intersect(out.roi());
    long[] begin = new long[roi.dims()];
    int[] size = new int[roi.dims()];
    long[] shape = new long[roi.dims()];
    for (int d = 0; d < roi.dims(); d++) {
      long v = out.voxelSize().get(d);
      begin[d] = (roi.begin(d) - out.offset().get(d)) / v;
      size[d] = (int) (roi.shape(d) / v);
      shape[d] = size[d];
    }
    out.write(roi, ArrayBlock.wrap(DataType.UINT8, blobs.render(begin, size), shape));
  }
}
