package org.daisyjava.bench;

import java.io.IOException;
import java.nio.file.Path;
import org.daisyjava.core.Block;
import org.daisyjava.persistence.ArraySpec;
import org.daisyjava.persistence.Compressor;
import org.daisyjava.persistence.ZarrArray;
import org.daisyjava.worker.BlockFunction;
import org.daisyjava.worker.WorkerContext;

/**
 * The block function of {@link PersistenceBench}: reads each block's write ROI from the array
 * {@code args.input} and writes it to {@code args.output} (created like the input, zstd level
 * {@code args.level}): a blockwise read + decompress + compress + write of the whole volume.
 */
public final class CopyBlocks implements BlockFunction {
  private WorkerContext context;
  private ZarrArray input;
  private ZarrArray output;

  @Override
  public void setup(WorkerContext context) {
    this.context = context;
  }

  @Override
  public void process(Block block) throws IOException {
    if (output == null) {
      input = ZarrArray.open(Path.of(context.args().get("input")));
      int level = Integer.parseInt(context.args().getOrDefault("level", "3"));
      output = ZarrArray.openOrCreate(Path.of(context.args().get("output")),
          ArraySpec.of(input.dataType(), input.roi(), input.voxelSize(), input.chunkShape())
              .compressor(Compressor.zstd(level)));
    }
    output.write(block.writeRoi(), input.read(block.writeRoi()));
  }
}
