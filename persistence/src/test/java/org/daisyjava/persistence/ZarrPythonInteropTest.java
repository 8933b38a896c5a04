package org.daisyjava.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * v2 interop with zarr-python (Debian's python3-zarr 2.x and its numcodecs): arrays it writes,
 * with its default Blosc LZ4 and every other Blosc compressor, zlib, gzip, zstd and none, in
 * every supported dtype (some big-endian) and with missing chunks, read here exactly as it reads
 * them; arrays written here read back in zarr-python exactly.
 */
@Timeout(600)
class ZarrPythonInteropTest {
  @TempDir
  Path dir;

  @Test
  void arraysWrittenByZarrPythonReadIdentically() throws Exception {
    String python = ExternalTool.python();
    ExternalTool.runOk(List.of(python, ExternalTool.resource("zarr_python.py").toString(), "write",
        dir.toString()), null, 300);
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin"))
          .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
    }
    assertTrue(names.size() >= 140, names.size() + " arrays");
    for (String name : names) {
      ZarrArray a = ZarrArray.open(dir.resolve(name));
      assertEquals(Coordinate.of(4, 2, 1), a.voxelSize(), name);
      assertEquals(Coordinate.of(8, -6, 0), a.offset(), name);
      ArrayBlock block = a.read(a.roi());
      assertArrayEquals(Files.readAllBytes(dir.resolve(name + ".bin")),
          block.toBytes(ByteOrder.LITTLE_ENDIAN), name + ": " + a);
    }
  }

  @Test
  void arraysWrittenHereReadIdenticallyInZarrPython() throws Exception {
    String python = ExternalTool.python();
    int n = 0;
    for (DataType type : DataType.values()) {
      for (Compressor c : RoundTripTest.compressors(ZarrFormat.V2)) {
        String name = type.v3Name() + "-" + n++;
        Roi roi = Roi.of(new long[] {-8, 4, 10}, new long[] {26, 68, 18});
        ZarrArray a = ZarrArray.create(dir.resolve(name), ArraySpec.of(type, roi, Coordinate.of(2, 1, 2),
                5, 32, 4).compressor(c).fillValue(9).separator(n % 2 == 0 ? "." : "/"));
        // every chunk but the first written: zarr-python reads the missing one as fill_value
        ArrayBlock data = RoundTripTest.pattern(type, new long[] {13, 68, 9}, n);
        a.write(roi, data);
        Files.delete(dir.resolve(name).resolve(a.format() == ZarrFormat.V2 && n % 2 == 0 ? "0.0.0" : "0/0/0"));
        ArrayBlock expected = a.read(roi);
        Files.write(dir.resolve(name + ".bin"), expected.toBytes(ByteOrder.LITTLE_ENDIAN));
      }
    }
    String out = ExternalTool.runOk(List.of(python, ExternalTool.resource("zarr_python.py").toString(),
        "read", dir.toString()), null, 300).output();
    List<String> bad = new ArrayList<>();
    long ok = out.lines().filter(l -> l.startsWith("ok ")).count();
    out.lines().filter(l -> !l.startsWith("ok ")).forEach(bad::add);
    assertEquals(List.of(), bad);
    assertEquals(n, ok, out);
  }
}
