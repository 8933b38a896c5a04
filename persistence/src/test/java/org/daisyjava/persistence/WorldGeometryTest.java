package org.daisyjava.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where an array lies: voxel_size/offset, older resolution, OME-Zarr multiscales, or nothing. */
class WorldGeometryTest {
  @TempDir
  Path dir;

  private Path array(Path parent, String name, String attrs) throws Exception {
    Path p = parent.resolve(name);
    Files.createDirectories(p);
    Files.writeString(p.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [10, 20], \"chunks\": [5, 5],"
        + " \"dtype\": \"|u1\", \"compressor\": null, \"fill_value\": 0, \"order\": \"C\", \"filters\": null}");
    if (attrs != null) {
      Files.writeString(p.resolve(".zattrs"), attrs);
    }
    return p;
  }

  @Test
  void funlibAttributesOlderResolutionAndNoneAtAll() throws Exception {
    ZarrArray a = ZarrArray.open(array(dir, "a", "{\"voxel_size\": [4, 2], \"offset\": [40, -8]}"));
    assertEquals(Roi.of(new long[] {40, -8}, new long[] {40, 40}), a.roi());
    ZarrArray b = ZarrArray.open(array(dir, "b", "{\"resolution\": [3, 3]}"));
    assertEquals(Coordinate.of(3, 3), b.voxelSize());
    assertEquals(Coordinate.of(0, 0), b.offset());
    ZarrArray c = ZarrArray.open(array(dir, "c", null));
    assertEquals(Roi.of(new long[] {0, 0}, new long[] {10, 20}), c.roi());
  }

  @Test
  void omeZarrMultiscalesOfTheParentGroupGiveScaleAndTranslation() throws Exception {
    Path group = dir.resolve("image.ome.zarr");
    Files.createDirectories(group);
    Files.writeString(group.resolve(".zgroup"), "{\"zarr_format\": 2}");
    Files.writeString(group.resolve(".zattrs"), """
        {"multiscales": [{"version": "0.4", "axes": [{"name": "y"}, {"name": "x"}],
          "datasets": [
            {"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [2, 2]},
                                                         {"type": "translation", "translation": [10, 20]}]},
            {"path": "s1", "coordinateTransformations": [{"type": "scale", "scale": [4, 4]},
                                                         {"type": "translation", "translation": [11, 21]}]}],
          "coordinateTransformations": [{"type": "scale", "scale": [1, 5]}]}]}
        """);
    ZarrArray s1 = ZarrArray.open(array(group, "s1", null));
    assertEquals(Coordinate.of(4, 20), s1.voxelSize(), "dataset scale, then the multiscale's");
    assertEquals(Coordinate.of(11, 105), s1.offset());
    ZarrException e = assertThrows(ZarrException.class, () -> ZarrArray.open(array(dir, "f",
        "{\"voxel_size\": [0.5, 1]}")));
    assertTrue(e.getMessage().contains("integers"), e.getMessage());
  }
}
