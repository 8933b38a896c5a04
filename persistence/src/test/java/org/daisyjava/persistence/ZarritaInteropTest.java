package org.daisyjava.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * v3 interop with zarrita (Debian's zarr-python is 2.x, without v3), the JavaScript Zarr
 * implementation from npm: arrays it writes (bytes little- and big-endian, transpose, zstd,
 * blosc) read here exactly; arrays written here (also gzip, which zarrita reads but cannot
 * write) read back exactly in zarrita. zarrita lives in $DAISY_ZARRITA_DIR/node_modules (default
 * ~/.cache/daisy-zarrita; .ci/run installs it there and sets DAISY_REQUIRE_ZARRITA=1, under
 * which a missing zarrita fails instead of skipping).
 */
@Timeout(600)
class ZarritaInteropTest {
  @TempDir
  Path dir;

  private static Path zarrita() {
    String env = System.getenv("DAISY_ZARRITA_DIR");
    Path d = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "daisy-zarrita");
    boolean present = Files.isDirectory(d.resolve("node_modules/zarrita"))
        && Files.isDirectory(d.resolve("node_modules/@zarrita/storage"));
    if (!present && "1".equals(System.getenv("DAISY_REQUIRE_ZARRITA"))) {
      fail("zarrita is not installed in " + d + " (npm install --prefix " + d
          + " zarrita@0.7.5 @zarrita/storage@0.2.0)");
    }
    Assumptions.assumeTrue(present, "zarrita not installed in " + d);
    return d;
  }

  private static ExternalTool.Result node(Path zarrita, String mode, Path root) throws Exception {
    return ExternalTool.runOk(List.of("env", "ZARRITA_DIR=" + zarrita, "node",
        ExternalTool.resource("zarrita.mjs").toString(), mode, root.toString()), null, 300);
  }

  @Test
  void arraysWrittenByZarritaReadIdentically() throws Exception {
    node(zarrita(), "write", dir);
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin"))
          .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
    }
    assertTrue(names.size() >= 100, names.size() + " arrays");
    for (String name : names) {
      ZarrArray a = ZarrArray.open(dir.resolve(name));
      assertEquals(ZarrFormat.V3, a.format());
      assertEquals(Coordinate.of(8, -6, 0), a.offset(), name);
      assertArrayEquals(Files.readAllBytes(dir.resolve(name + ".bin")),
          a.read(a.roi()).toBytes(ByteOrder.LITTLE_ENDIAN), name + ": " + a);
    }
  }

  @Test
  void arraysWrittenHereReadIdenticallyInZarrita() throws Exception {
    Path zarrita = zarrita();
    int n = 0;
    for (DataType type : DataType.values()) {
      for (Compressor c : RoundTripTest.compressors(ZarrFormat.V3)) {
        String name = type.v3Name() + "-" + n;
        Roi roi = Roi.of(new long[] {-8, 4, 10}, new long[] {26, 40, 18});
        ArraySpec spec = ArraySpec.of(type, roi, Coordinate.of(2, 1, 2), 5, 16, 4).format(ZarrFormat.V3)
            .compressor(c).fillValue(9).separator(n % 3 == 2 ? "." : "/");
        if (n % 3 == 1) {
          spec.transpose(1, 2, 0);
        }
        ZarrArray a = ZarrArray.create(dir.resolve(name), spec);
        a.write(roi, RoundTripTest.pattern(type, new long[] {13, 40, 9}, n));
        Files.delete(dir.resolve(name).resolve(n % 3 == 2 ? "c.0.0.0" : "c/0/0/0"));
        Files.write(dir.resolve(name + ".bin"), a.read(roi).toBytes(ByteOrder.LITTLE_ENDIAN));
        n++;
      }
    }
    String out = node(zarrita, "read", dir).output();
    List<String> bad = new ArrayList<>();
    out.lines().filter(l -> !l.startsWith("ok ")).forEach(bad::add);
    assertEquals(List.of(), bad);
    assertEquals(n, out.lines().filter(l -> l.startsWith("ok ")).count(), out);
  }
}
