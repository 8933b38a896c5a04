package org.daisyjava.launcher.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.persistence.ArrayBlock;
import org.daisyjava.persistence.ArraySpec;
import org.daisyjava.persistence.DataType;
import org.daisyjava.persistence.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int view(String... args) {
    return ViewCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** A 4 x 6 x 8 array (world offset 10, voxel 2) whose value is 100 z + 10 y + x. */
  private Path volume(DataType type) throws Exception {
    Path p = dir.resolve(type.v3Name());
    Roi roi = Roi.of(new long[] {10, 10, 10}, new long[] {8, 12, 16});
    ZarrArray a = ZarrArray.create(p, ArraySpec.of(type, roi, Coordinate.of(2, 2, 2), 4, 6, 8));
    ArrayBlock b = ArrayBlock.allocate(type, 4, 6, 8);
    for (int z = 0; z < 4; z++) {
      for (int y = 0; y < 6; y++) {
        for (int x = 0; x < 8; x++) {
          b.setDouble(b.index(z, y, x), 100 * z + 10 * y + x);
        }
      }
    }
    a.write(roi, b);
    return p;
  }

  @Test
  void aSliceAcrossZIsScaledFromItsMinimumToItsMaximum() throws Exception {
    Path png = dir.resolve("z2.png");
    assertEquals(ExitCode.OK, view(volume(DataType.FLOAT32).toString(), "--index", "2", "-o", png.toString()), err.toString());
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(8, img.getWidth());
    assertEquals(6, img.getHeight());
    // values 200..257 on this slice: first pixel black, last white, linear between
    assertEquals(0, img.getRaster().getSample(0, 0, 0));
    assertEquals(255, img.getRaster().getSample(7, 5, 0));
    assertEquals(Math.round(17 * 255.0 / 57), img.getRaster().getSample(7, 1, 0));
    assertTrue(out.toString().contains("axis z index 2"), out.toString());
  }

  @Test
  void axisRoiAndContrastAreHonoured() throws Exception {
    Path png = dir.resolve("x.png");
    assertEquals(ExitCode.OK, view(volume(DataType.UINT16).toString(), "--axis", "x", "--index", "3",
        "--roi", "12,10,10:4,12,16", "--min", "0", "--max", "510", "-o", png.toString()), err.toString());
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(6, img.getWidth(), "columns: y");
    assertEquals(2, img.getHeight(), "rows: z of the roi (voxels 1 and 2)");
    assertEquals(Math.round((100 + 3) / 2.0), img.getRaster().getSample(0, 0, 0));
    assertEquals(Math.round((200 + 50 + 3) / 2.0), img.getRaster().getSample(5, 1, 0));
  }

  @Test
  void labelArraysGetOneColourPerLabelAndZeroBlack() throws Exception {
    Path p = dir.resolve("labels");
    Roi roi = Roi.of(new long[] {0, 0}, new long[] {2, 3});
    ZarrArray a = ZarrArray.create(p, ArraySpec.of(DataType.UINT64, roi, Coordinate.of(1, 1), 2, 3));
    a.write(roi, ArrayBlock.wrap(DataType.UINT64, new long[] {0, 7, 7, 8, 9, 1L << 40}, 2, 3));
    Path png = dir.resolve("l.png");
    assertEquals(ExitCode.OK, view(p.toString(), "-o", png.toString()), err.toString());
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(0, img.getRGB(0, 0) & 0xffffff);
    assertEquals(img.getRGB(1, 0), img.getRGB(2, 0));
    assertNotEquals(img.getRGB(1, 0), img.getRGB(0, 1));
    assertNotEquals(img.getRGB(0, 1), img.getRGB(1, 1));
    assertNotEquals(0, img.getRGB(2, 1) & 0xffffff);
  }

  @Test
  void badArgumentsAreUsageErrors() throws Exception {
    Path v = volume(DataType.UINT8);
    assertEquals(ExitCode.USAGE, view(v.toString(), "--index", "9"));
    assertTrue(err.toString().contains("outside"), err.toString());
    assertEquals(ExitCode.USAGE, view(v.toString(), "--axis", "w"));
    assertEquals(ExitCode.USAGE, view(v.toString(), "--roi", "0,0:1,1"));
    assertEquals(ExitCode.USAGE, view(dir.resolve("nothing").toString()));
    assertTrue(err.toString().contains("not a Zarr array"), err.toString());
  }
}
