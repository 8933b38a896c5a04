package org.daisyjava.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An array's metadata document, the one owner of its two formats:
 *
 * <ul>
 *   <li>v2: {@code .zarray} ({@code zarr_format: 2}, {@code shape}, {@code chunks}, {@code dtype}
 *       such as {@code "<f4"}, {@code compressor}, {@code fill_value}, {@code order} (C only
 *       here), {@code filters} (none here), {@code dimension_separator} {@code "."} or {@code
 *       "/"}) beside {@code .zattrs} for the attributes.
 *   <li>v3: {@code zarr.json} ({@code zarr_format: 3}, {@code node_type: "array"}, {@code
 *       data_type}, {@code chunk_grid} regular, {@code chunk_key_encoding} default or v2, {@code
 *       codecs}: optional {@code transpose}, then {@code bytes} with its endianness, then bytes
 *       codecs {@code gzip}/{@code zstd}/{@code blosc}/{@code crc32c}; {@code attributes} inside).
 * </ul>
 *
 * Documents are bounded (1 MiB) and every field is checked before it is used: a chunk grid that
 * does not match the shape, a chunk of more than 2^31 bytes or an unknown codec is an error naming
 * the file.
 */
final class ArrayMetadata {
  static final String V2_ARRAY = ".zarray";
  static final String V2_ATTRS = ".zattrs";
  static final String V2_GROUP = ".zgroup";
  static final String V3_NODE = "zarr.json";
  private static final long MAX_DOCUMENT = 1 << 20;
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  final ZarrFormat format;
  final long[] shape;
  final int[] chunks;
  final DataType type;
  final ByteOrder order;
  final long fillBits;
  final Compressor compressor;
  /** v3 only: the transpose codec's order, null when there is none. */
  final int[] transpose;
  /** v3 only: a {@code crc32c} codec after the compressor. */
  final boolean crc32c;
  /** The chunk key of chunk (i, j, k) is {@code keyPrefix + i + separator + j + separator + k}. */
  final String keyPrefix;
  final String separator;
  final ObjectNode attributes;
  final List<BytesCodec> pipeline;

  ArrayMetadata(ZarrFormat format, long[] shape, int[] chunks, DataType type, ByteOrder order,
      long fillBits, Compressor compressor, int[] transpose, boolean crc32c, String keyPrefix,
      String separator, ObjectNode attributes) throws ZarrException {
    this.format = format;
    this.shape = shape.clone();
    this.chunks = chunks.clone();
    this.type = type;
    this.order = order;
    this.fillBits = fillBits;
    this.compressor = compressor;
    this.transpose = transpose == null ? null : transpose.clone();
    this.crc32c = crc32c;
    this.keyPrefix = keyPrefix;
    this.separator = separator;
    this.attributes = attributes == null ? MAPPER.createObjectNode() : attributes.deepCopy();
    if (shape.length != chunks.length) {
      throw new ZarrException("chunks " + Arrays.toString(chunks) + " do not match shape "
          + Arrays.toString(shape));
    }
    long elements = 1;
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] < 0 || chunks[d] <= 0) {
        throw new ZarrException("bad shape " + Arrays.toString(shape) + " or chunks "
            + Arrays.toString(chunks));
      }
      elements *= chunks[d];
      if (elements * type.size() > Integer.MAX_VALUE) {
        throw new ZarrException("chunks " + Arrays.toString(chunks) + " exceed 2 GiB per chunk");
      }
    }
    if (transpose != null) {
      boolean[] seen = new boolean[shape.length];
      if (transpose.length != shape.length) {
        throw new ZarrException("transpose order " + Arrays.toString(transpose) + " does not have "
            + shape.length + " axes");
      }
      for (int a : transpose) {
        if (a < 0 || a >= shape.length || seen[a]) {
          throw new ZarrException("transpose order " + Arrays.toString(transpose) + " is not a permutation");
        }
        seen[a] = true;
      }
    }
    if (format == ZarrFormat.V3 && compressor.kind() == Compressor.Kind.ZLIB) {
      throw new ZarrException("Zarr v3 has no zlib codec; use gzip or zstd");
    }
    List<BytesCodec> codecs = new ArrayList<>();
    BytesCodec c = compressor.codec(type.size());
    if (c != null) {
      codecs.add(c);
    }
    if (crc32c) {
      codecs.add(new Crc32cCodec());
    }
    this.pipeline = List.copyOf(codecs);
  }

  int chunkBytes() {
    int n = type.size();
    for (int c : chunks) {
      n *= c;
    }
    return n;
  }

  String chunkKey(long[] index) {
    StringBuilder b = new StringBuilder(keyPrefix);
    for (int d = 0; d < index.length; d++) {
      if (d > 0) {
        b.append(separator);
      }
      b.append(index[d]);
    }
    if (index.length == 0) {
      return keyPrefix.isEmpty() ? "0" : keyPrefix.substring(0, keyPrefix.length() - 1);
    }
    return b.toString();
  }

  static boolean isArray(Path dir) throws IOException {
    if (Files.isRegularFile(dir.resolve(V2_ARRAY))) {
      return true;
    }
    Path node = dir.resolve(V3_NODE);
    return Files.isRegularFile(node) && "array".equals(readDocument(node).path("node_type").asText());
  }

  static ArrayMetadata read(Path dir) throws IOException {
    Path v2 = dir.resolve(V2_ARRAY);
    Path v3 = dir.resolve(V3_NODE);
    if (Files.isRegularFile(v2)) {
      Path attrs = dir.resolve(V2_ATTRS);
      JsonNode a = Files.isRegularFile(attrs) ? readDocument(attrs) : MAPPER.createObjectNode();
      if (!a.isObject()) {
        throw new ZarrException(attrs + ": attributes must be a JSON object");
      }
      try {
        return fromV2(readDocument(v2), (ObjectNode) a);
      } catch (ZarrException e) {
        throw new ZarrException(v2 + ": " + e.getMessage(), e);
      }
    }
    if (Files.isRegularFile(v3)) {
      try {
        return fromV3(readDocument(v3));
      } catch (ZarrException e) {
        throw new ZarrException(v3 + ": " + e.getMessage(), e);
      }
    }
    throw new ZarrException(dir + " is not a Zarr array (no " + V2_ARRAY + " or " + V3_NODE + ")");
  }

  static JsonNode readDocument(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_DOCUMENT) {
      throw new ZarrException(file + ": " + size + " bytes, more than a metadata document may hold");
    }
    try {
      return MAPPER.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new ZarrException(file + ": not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static ArrayMetadata fromV2(JsonNode z, ObjectNode attrs) throws ZarrException {
    if (z.path("zarr_format").asInt() != 2) {
      throw new ZarrException("zarr_format is " + z.path("zarr_format") + ", expected 2");
    }
    long[] shape = longs(z, "shape");
    int[] chunks = ints(z, "chunks");
    String dtype = z.path("dtype").asText("");
    if (dtype.length() != 3) {
      throw new ZarrException("dtype '" + dtype + "' is not supported (structured or unknown)");
    }
    DataType type = DataType.fromV2Code(dtype.substring(1));
    char byteOrder = dtype.charAt(0);
    if (type == null || "<>|".indexOf(byteOrder) < 0 || (byteOrder == '|' && type.size() != 1)) {
      throw new ZarrException("dtype '" + dtype + "' is not supported (|u1 <u2 <u4 <u8 |i1 <i2 <i4"
          + " <i8 <f4 <f8, or big-endian >)");
    }
    if (!"C".equals(z.path("order").asText("C"))) {
      throw new ZarrException("order '" + z.path("order").asText() + "' is not supported (only C)");
    }
    JsonNode filters = z.get("filters");
    if (filters != null && !filters.isNull() && !(filters.isArray() && filters.isEmpty())) {
      throw new ZarrException("filters " + filters + " are not supported");
    }
    String sep = z.path("dimension_separator").asText(".");
    if (!sep.equals(".") && !sep.equals("/")) {
      throw new ZarrException("dimension_separator '" + sep + "' must be '.' or '/'");
    }
    return new ArrayMetadata(ZarrFormat.V2, shape, chunks, type,
        byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
        FillValue.parse(z.get("fill_value"), type), Compressor.fromV2(z.get("compressor")), null,
        false, "", sep, attrs);
  }

  private static ArrayMetadata fromV3(JsonNode z) throws ZarrException {
    if (z.path("zarr_format").asInt() != 3 || !"array".equals(z.path("node_type").asText())) {
      throw new ZarrException("not a v3 array (zarr_format " + z.path("zarr_format") + ", node_type "
          + z.path("node_type") + ")");
    }
    long[] shape = longs(z, "shape");
    DataType type = DataType.fromV3Name(z.path("data_type").asText(""));
    if (type == null) {
      throw new ZarrException("data_type " + z.path("data_type") + " is not supported");
    }
    JsonNode grid = z.path("chunk_grid");
    if (!"regular".equals(grid.path("name").asText())) {
      throw new ZarrException("chunk_grid " + grid.path("name") + " is not supported (only regular)");
    }
    int[] chunks = ints(grid.path("configuration"), "chunk_shape");
    JsonNode keys = z.path("chunk_key_encoding");
    String encoding = keys.path("name").asText("default");
    String sep = keys.path("configuration").path("separator").asText(encoding.equals("v2") ? "." : "/");
    if (!sep.equals(".") && !sep.equals("/")) {
      throw new ZarrException("chunk key separator '" + sep + "' must be '.' or '/'");
    }
    String prefix = switch (encoding) {
      case "default" -> "c" + sep;
      case "v2" -> "";
      default -> throw new ZarrException("chunk_key_encoding '" + encoding + "' is not supported");
    };
    int[] transpose = null;
    ByteOrder order = null;
    Compressor compressor = Compressor.none();
    boolean crc = false;
    JsonNode codecs = z.path("codecs");
    if (!codecs.isArray()) {
      throw new ZarrException("codecs must be a list");
    }
    for (JsonNode codec : codecs) {
      String name = codec.isTextual() ? codec.asText() : codec.path("name").asText("");
      JsonNode conf = codec.path("configuration");
      if (order == null) {
        switch (name) {
          case "transpose" -> {
            if (transpose != null) {
              throw new ZarrException("more than one transpose codec is not supported");
            }
            JsonNode o = conf.path("order");
            if (o.isTextual()) {
              throw new ZarrException("transpose order '" + o.asText() + "' is not supported; give a permutation");
            }
            transpose = ints(conf, "order");
          }
          case "bytes" -> order = "big".equals(conf.path("endian").asText("little"))
              ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
          case "sharding_indexed" -> throw new ZarrException("sharded arrays are not supported");
          default -> throw new ZarrException("codec '" + name + "' is not supported before 'bytes'");
        }
      } else if (name.equals("crc32c")) {
        crc = true;
      } else if (crc || compressor.kind() != Compressor.Kind.NONE) {
        throw new ZarrException("codec '" + name + "' after another compressor or crc32c is not supported");
      } else {
        compressor = Compressor.fromV3(name, conf);
      }
    }
    if (order == null) {
      throw new ZarrException("codecs have no 'bytes' codec");
    }
    JsonNode attrs = z.path("attributes");
    if (!attrs.isMissingNode() && !attrs.isObject()) {
      throw new ZarrException("attributes must be a JSON object");
    }
    return new ArrayMetadata(ZarrFormat.V3, shape, chunks, type, order,
        FillValue.parse(z.get("fill_value"), type), compressor, transpose, crc, prefix, sep,
        attrs.isObject() ? (ObjectNode) attrs : null);
  }

  private static long[] longs(JsonNode z, String key) throws ZarrException {
    JsonNode a = z.get(key);
    if (a == null || !a.isArray() || a.size() > 32) {
      throw new ZarrException(key + " must be a list of at most 32 integers, got " + a);
    }
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      if (!a.get(i).canConvertToLong() || !a.get(i).isIntegralNumber()) {
        throw new ZarrException(key + "[" + i + "] must be an integer, got " + a.get(i));
      }
      out[i] = a.get(i).asLong();
    }
    return out;
  }

  private static int[] ints(JsonNode z, String key) throws ZarrException {
    long[] l = longs(z, key);
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      if (l[i] < 0 || l[i] > Integer.MAX_VALUE) {
        throw new ZarrException(key + "[" + i + "] out of range: " + l[i]);
      }
      out[i] = (int) l[i];
    }
    return out;
  }

  /** The metadata documents to write: file name to JSON. */
  List<Document> documents() {
    List<Document> docs = new ArrayList<>();
    ObjectNode z = MAPPER.createObjectNode();
    if (format == ZarrFormat.V2) {
      z.put("zarr_format", 2);
      putLongs(z.putArray("shape"), shape);
      ArrayNode c = z.putArray("chunks");
      for (int v : chunks) {
        c.add(v);
      }
      z.put("dtype", (type.size() == 1 ? "|" : order == ByteOrder.BIG_ENDIAN ? ">" : "<") + type.v2Code());
      z.set("compressor", compressor.toV2());
      z.set("fill_value", FillValue.toJson(fillBits, type));
      z.put("order", "C");
      z.putNull("filters");
      z.put("dimension_separator", separator);
      docs.add(new Document(V2_ARRAY, z));
      docs.add(new Document(V2_ATTRS, attributes));
    } else {
      z.put("zarr_format", 3);
      z.put("node_type", "array");
      putLongs(z.putArray("shape"), shape);
      z.put("data_type", type.v3Name());
      ObjectNode grid = z.putObject("chunk_grid");
      grid.put("name", "regular");
      ArrayNode cs = grid.putObject("configuration").putArray("chunk_shape");
      for (int v : chunks) {
        cs.add(v);
      }
      ObjectNode keys = z.putObject("chunk_key_encoding");
      keys.put("name", keyPrefix.isEmpty() ? "v2" : "default");
      keys.putObject("configuration").put("separator", separator);
      z.set("fill_value", FillValue.toJson(fillBits, type));
      ArrayNode codecs = z.putArray("codecs");
      if (transpose != null) {
        ObjectNode t = codecs.addObject().put("name", "transpose");
        ArrayNode o = t.putObject("configuration").putArray("order");
        for (int v : transpose) {
          o.add(v);
        }
      }
      codecs.addObject().put("name", "bytes").putObject("configuration")
          .put("endian", order == ByteOrder.BIG_ENDIAN ? "big" : "little");
      JsonNode comp = compressor.toV3(type.size());
      if (comp != null) {
        codecs.add(comp);
      }
      if (crc32c) {
        codecs.addObject().put("name", "crc32c");
      }
      z.set("attributes", attributes);
      docs.add(new Document(V3_NODE, z));
    }
    return docs;
  }

  private static void putLongs(ArrayNode a, long[] v) {
    for (long x : v) {
      a.add(x);
    }
  }

  /** One metadata file of an array or group. */
  record Document(String name, JsonNode json) {
    byte[] bytes() throws IOException {
      return MAPPER.writeValueAsBytes(json);
    }
  }
}
