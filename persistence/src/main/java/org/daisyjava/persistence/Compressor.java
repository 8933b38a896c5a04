package org.daisyjava.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The compressor of an array's chunks, and its JSON in both formats: v2's {@code compressor}
 * object (numcodecs ids: {@code zlib}, {@code gzip}, {@code zstd}, {@code blosc}) and v3's codec
 * entries ({@code gzip}, {@code zstd}, {@code blosc}; v3 has no zlib codec). The only code that
 * reads or writes those objects.
 */
public final class Compressor {
  enum Kind {
    NONE,
    ZLIB,
    GZIP,
    ZSTD,
    BLOSC
  }

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Kind kind;
  private final int level;
  private final String cname;
  private final BloscCodec.Shuffle shuffle;
  private final int blocksize;
  private final boolean checksum;

  private Compressor(Kind kind, int level, String cname, BloscCodec.Shuffle shuffle, int blocksize,
      boolean checksum) {
    this.kind = kind;
    this.level = level;
    this.cname = cname;
    this.shuffle = shuffle;
    this.blocksize = blocksize;
    this.checksum = checksum;
  }

  public static Compressor none() {
    return new Compressor(Kind.NONE, 0, null, null, 0, false);
  }

  public static Compressor zlib(int level) {
    return new Compressor(Kind.ZLIB, level, null, null, 0, false);
  }

  public static Compressor gzip(int level) {
    return new Compressor(Kind.GZIP, level, null, null, 0, false);
  }

  public static Compressor zstd(int level) {
    return new Compressor(Kind.ZSTD, level, null, null, 0, false);
  }

  /**
   * Blosc with compressor {@code cname} ({@code lz4}, {@code lz4hc}, {@code zstd}, {@code zlib},
   * {@code blosclz}), level 0..9, and byte shuffle or none.
   */
  public static Compressor blosc(String cname, int clevel, boolean byteShuffle) {
    return new Compressor(Kind.BLOSC, clevel, cname,
        byteShuffle ? BloscCodec.Shuffle.BYTE : BloscCodec.Shuffle.NONE, 0, false);
  }

  Kind kind() {
    return kind;
  }

  /** The codec that does the work, for elements of {@code typesize} bytes (Blosc shuffles by it). */
  BytesCodec codec(int typesize) throws ZarrException {
    return switch (kind) {
      case NONE -> null;
      case ZLIB -> new DeflateCodec(DeflateCodec.Wrapper.ZLIB, level);
      case GZIP -> new DeflateCodec(DeflateCodec.Wrapper.GZIP, level);
      case ZSTD -> new ZstdCodec(level, checksum);
      case BLOSC -> new BloscCodec(cname, level, shuffle, typesize, blocksize);
    };
  }

  /** v2's {@code compressor} value. */
  JsonNode toV2() {
    ObjectNode o = JSON.objectNode();
    switch (kind) {
      case NONE -> {
        return JSON.nullNode();
      }
      case ZLIB, GZIP -> o.put("id", kind == Kind.ZLIB ? "zlib" : "gzip").put("level", level);
      case ZSTD -> o.put("id", "zstd").put("level", level);
      case BLOSC -> o.put("id", "blosc").put("cname", cname).put("clevel", level)
          .put("shuffle", shuffle.ordinal()).put("blocksize", blocksize);
    }
    return o;
  }

  static Compressor fromV2(JsonNode n) throws ZarrException {
    if (n == null || n.isNull()) {
      return none();
    }
    String id = n.path("id").asText("");
    return switch (id) {
      case "zlib" -> zlib(n.path("level").asInt(1));
      case "gzip" -> gzip(n.path("level").asInt(1));
      case "zstd" -> new Compressor(Kind.ZSTD, n.path("level").asInt(1), null, null, 0,
          n.path("checksum").asBoolean(false));
      case "blosc" -> blosc(n, "shuffle");
      default -> throw new ZarrException("compressor '" + id + "' is not supported"
          + " (supported: zlib, gzip, zstd, blosc, or none)");
    };
  }

  private static Compressor blosc(JsonNode n, String shuffleKey) throws ZarrException {
    JsonNode s = n.path(shuffleKey);
    BloscCodec.Shuffle shuffle;
    if (s.isTextual()) {
      shuffle = switch (s.asText()) {
        case "noshuffle" -> BloscCodec.Shuffle.NONE;
        case "shuffle" -> BloscCodec.Shuffle.BYTE;
        case "bitshuffle" -> BloscCodec.Shuffle.BIT;
        default -> throw new ZarrException("blosc: unknown shuffle '" + s.asText() + "'");
      };
    } else {
      int v = s.asInt(1);
      // numcodecs: -1 = automatic (bit shuffle for 1-byte types, else byte shuffle); the frame's
      // flags say what was done, so decoding does not depend on this
      shuffle = v == 0 ? BloscCodec.Shuffle.NONE : v == 2 ? BloscCodec.Shuffle.BIT : BloscCodec.Shuffle.BYTE;
    }
    String cname = n.path("cname").asText("lz4");
    int clevel = n.path("clevel").asInt(5);
    int blocksize = n.path("blocksize").asInt(0);
    return new Compressor(Kind.BLOSC, clevel, cname, shuffle, blocksize, false);
  }

  /** v3's codec entry, or null for none. */
  JsonNode toV3(int typesize) {
    ObjectNode o = JSON.objectNode();
    ObjectNode c = JSON.objectNode();
    switch (kind) {
      case NONE -> {
        return null;
      }
      case ZLIB -> throw new IllegalStateException("v3 has no zlib codec");
      case GZIP -> c.put("level", level);
      case ZSTD -> c.put("level", level).put("checksum", checksum);
      case BLOSC -> c.put("cname", cname).put("clevel", level)
          .put("shuffle", shuffle == BloscCodec.Shuffle.BYTE ? "shuffle" : "noshuffle")
          .put("typesize", typesize).put("blocksize", blocksize);
    }
    o.put("name", kind.name().toLowerCase());
    o.set("configuration", c);
    return o;
  }

  static Compressor fromV3(String name, JsonNode c) throws ZarrException {
    return switch (name) {
      case "gzip" -> gzip(c.path("level").asInt(5));
      case "zstd" -> new Compressor(Kind.ZSTD, c.path("level").asInt(0), null, null, 0,
          c.path("checksum").asBoolean(false));
      case "blosc" -> blosc(c, "shuffle");
      default -> throw new ZarrException("codec '" + name + "' is not supported");
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case BLOSC -> "blosc(" + cname + ", " + level + ", " + shuffle.name().toLowerCase() + ")";
      default -> kind.name().toLowerCase() + "(" + level + ")";
    };
  }
}
