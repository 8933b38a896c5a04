package org.daisyjava.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every type through every compressor in both formats: what is written reads back bit for bit. */
class RoundTripTest {
  @TempDir
  Path dir;

  static List<Compressor> compressors(ZarrFormat format) {
    List<Compressor> all = new ArrayList<>(List.of(Compressor.none(), Compressor.gzip(5),
        Compressor.zstd(3)));
    if (format == ZarrFormat.V2) {
      all.add(Compressor.zlib(5));
    }
    for (String cname : List.of("lz4", "lz4hc", "zstd", "zlib", "blosclz")) {
      all.add(Compressor.blosc(cname, 5, true));
      all.add(Compressor.blosc(cname, 5, false));
    }
    all.add(Compressor.blosc("lz4", 0, true));
    return all;
  }

  /** Smooth runs (so LZ matches exist) with noise in between, over the type's whole range. */
  static ArrayBlock pattern(DataType type, long[] shape, long seed) {
    ArrayBlock b = ArrayBlock.allocate(type, shape);
    Random r = new Random(seed);
    for (int i = 0; i < b.size(); i++) {
      double v = r.nextInt(4) == 0 ? r.nextInt(256) : (i / 7) % 200;
      if (type.isFloating()) {
        v = v / 4 - 20 + (r.nextBoolean() ? r.nextGaussian() : 0);
      } else if (!type.isUnsigned()) {
        v -= 100;
      }
      b.setDouble(i, v);
    }
    if (type.size() == 8 && !type.isFloating()) {
      b.longs()[0] = type.isUnsigned() ? -1L : Long.MIN_VALUE; // beyond double's integers
    }
    return b;
  }

  @Test
  void everyTypeAndCompressorReadsBackWhatWasWrittenInBothFormats() throws Exception {
    int n = 0;
    for (ZarrFormat format : ZarrFormat.values()) {
      for (DataType type : DataType.values()) {
        for (Compressor c : compressors(format)) {
          Path p = dir.resolve(format + "-" + type + "-" + n++);
          Roi roi = Roi.of(new long[] {-8, 4, 10}, new long[] {26, 34, 18});
          ZarrArray a = ZarrArray.create(p, ArraySpec.of(type, roi, Coordinate.of(2, 1, 2), 5, 8, 4)
              .format(format).compressor(c).fillValue(7));
          ArrayBlock data = pattern(type, new long[] {13, 34, 9}, n);
          a.write(roi, data);
          ZarrArray back = ZarrArray.open(p);
          assertEquals(roi, back.roi(), c.toString());
          assertEquals(type, back.dataType());
          ArrayBlock read = back.read(roi);
          assertArrayEquals(data.toBytes(java.nio.ByteOrder.LITTLE_ENDIAN),
              read.toBytes(java.nio.ByteOrder.LITTLE_ENDIAN), format + " " + type + " " + c);
        }
      }
    }
    assertTrue(n > 250, n + " cases");
  }

  @Test
  void unalignedReadsMissingChunksAndOutsideTheArrayHoldTheFillValue() throws Exception {
    Roi roi = Roi.of(new long[] {0, 0}, new long[] {20, 30});
    ZarrArray a = ZarrArray.create(dir.resolve("a"),
        ArraySpec.of(DataType.INT16, roi, Coordinate.of(1, 1), 8, 8).fillValue(-5));
    ArrayBlock part = pattern(DataType.INT16, new long[] {8, 16}, 1);
    a.write(Roi.of(new long[] {8, 8}, new long[] {8, 16}), part);
    ArrayBlock read = a.read(Roi.of(new long[] {-3, 5}, new long[] {25, 20}));
    for (int y = -3; y < 22; y++) {
      for (int x = 5; x < 25; x++) {
        boolean written = y >= 8 && y < 16 && x >= 8 && x < 24;
        double expected = written ? part.getDouble(part.index(y - 8, x - 8)) : -5;
        assertEquals(expected, read.getDouble(read.index(y + 3, x - 5)), y + "," + x);
      }
    }
  }

  @Test
  void unalignedWritesAreRefusedUnlessAskedForAndThenKeepTheRestOfTheChunk() throws Exception {
    Roi roi = Roi.of(new long[] {0, 0}, new long[] {16, 16});
    ZarrArray a = ZarrArray.create(dir.resolve("a"),
        ArraySpec.of(DataType.UINT8, roi, Coordinate.of(1, 1), 8, 8));
    ArrayBlock whole = pattern(DataType.UINT8, new long[] {16, 16}, 2);
    a.write(roi, whole);
    Roi inner = Roi.of(new long[] {3, 5}, new long[] {4, 9});
    ArrayBlock ones = ArrayBlock.allocate(DataType.UINT8, 4, 9);
    java.util.Arrays.fill(ones.bytes(), (byte) 1);
    ZarrException refused = assertThrows(ZarrException.class, () -> a.write(inner, ones));
    assertTrue(refused.getMessage().contains("not aligned"), refused.getMessage());
    a.write(inner, ones, WriteMode.READ_MODIFY_WRITE);
    ArrayBlock read = a.read(roi);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        boolean in = y >= 3 && y < 7 && x >= 5 && x < 14;
        assertEquals(in ? 1 : whole.getDouble(whole.index(y, x)), read.getDouble(read.index(y, x)));
      }
    }
    assertThrows(ZarrException.class, () -> a.write(Roi.of(new long[] {8, 8}, new long[] {16, 8}),
        ArrayBlock.allocate(DataType.UINT8, 16, 8)), "outside the array");
    assertThrows(ZarrException.class, () -> a.read(Roi.of(new long[] {0, 0, 0}, new long[] {4, 4, 4})));
  }

  @Test
  void v3TransposeAndNestedKeysRoundTripAndEndChunksArePadded() throws Exception {
    Roi roi = Roi.of(new long[] {0, 0, 0}, new long[] {5, 7, 3});
    Path p = dir.resolve("t");
    ZarrArray a = ZarrArray.create(p, ArraySpec.of(DataType.FLOAT32, roi, Coordinate.of(1, 1, 1), 2, 3, 2)
        .format(ZarrFormat.V3).transpose(2, 0, 1).compressor(Compressor.zstd(1)));
    ArrayBlock data = pattern(DataType.FLOAT32, new long[] {5, 7, 3}, 3);
    a.write(roi, data);
    assertArrayEquals(data.floats(), ZarrArray.open(p).read(roi).floats());
    assertTrue(Files.isRegularFile(p.resolve("c/2/2/1")), "default v3 chunk keys c/i/j/k");
    try (var files = Files.walk(p)) {
      assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count());
    }
  }

  @Test
  void openOrCreateByManyAtOnceCreatesOneArrayAndRefusesADifferentOne() throws Exception {
    Path p = dir.resolve("shared");
    ArraySpec spec = ArraySpec.of(DataType.UINT8, Roi.of(new long[] {0}, new long[] {64}), Coordinate.of(1), 16);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 8; i++) {
      Thread t = new Thread(() -> {
        try {
          ZarrArray.openOrCreate(p, spec);
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), errors);
    ZarrException e = assertThrows(ZarrException.class, () -> ZarrArray.openOrCreate(p,
        ArraySpec.of(DataType.UINT16, Roi.of(new long[] {0}, new long[] {64}), Coordinate.of(1), 16)));
    assertTrue(e.getMessage().contains("not as asked"), e.getMessage());
  }

  @Test
  void badMetadataIsRefusedNamingTheFile() throws Exception {
    Path p = dir.resolve("bad");
    Files.createDirectories(p);
    Files.writeString(p.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [4], \"chunks\": [2],"
        + " \"dtype\": \"<c8\", \"compressor\": null, \"fill_value\": 0, \"order\": \"C\", \"filters\": null}");
    ZarrException e = assertThrows(ZarrException.class, () -> ZarrArray.open(p));
    assertTrue(e.getMessage().contains(".zarray") && e.getMessage().contains("<c8"), e.getMessage());
    Files.writeString(p.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [4], \"chunks\": [2],"
        + " \"dtype\": \"<u2\", \"compressor\": {\"id\": \"lzma\"}, \"fill_value\": 0, \"order\": \"C\"}");
    e = assertThrows(ZarrException.class, () -> ZarrArray.open(p));
    assertTrue(e.getMessage().contains("lzma"), e.getMessage());
    Files.writeString(p.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [4], \"chunks\": [2],"
        + " \"dtype\": \"<u2\", \"compressor\": {\"id\": \"blosc\", \"cname\": \"snappy\"}, \"fill_value\": 0}");
    e = assertThrows(ZarrException.class, () -> ZarrArray.open(p));
    assertTrue(e.getMessage().contains("snappy"), e.getMessage());
  }

  @Test
  void aDamagedChunkIsAnErrorNamingItsFile() throws Exception {
    Roi roi = Roi.of(new long[] {0}, new long[] {1000});
    for (Compressor c : List.of(Compressor.zstd(3), Compressor.blosc("lz4", 5, true), Compressor.gzip(3))) {
      Path p = dir.resolve("d" + c.toString().hashCode());
      ZarrArray a = ZarrArray.create(p, ArraySpec.of(DataType.UINT16, roi, Coordinate.of(1), 1000).compressor(c));
      a.write(roi, pattern(DataType.UINT16, new long[] {1000}, 4));
      byte[] chunk = Files.readAllBytes(p.resolve("0"));
      Files.write(p.resolve("0"), java.util.Arrays.copyOf(chunk, chunk.length / 2));
      ZarrException e = assertThrows(ZarrException.class, () -> a.read(roi), c.toString());
      assertTrue(e.getMessage().contains(p.resolve("0").toString()), e.getMessage());
    }
  }
}
