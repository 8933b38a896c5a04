package org.daisyjava.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Zarr group: a directory with {@code .zgroup} (and {@code .zattrs}) in v2 or a {@code
 * zarr.json} of {@code node_type: group} in v3, holding arrays and groups by name.
 */
public final class ZarrGroup {
  private final Path dir;
  private final ZarrFormat format;

  private ZarrGroup(Path dir, ZarrFormat format) {
    this.dir = dir;
    this.format = format;
  }

  public static ZarrGroup open(Path dir) throws IOException {
    if (Files.isRegularFile(dir.resolve(ArrayMetadata.V2_GROUP))) {
      return new ZarrGroup(dir, ZarrFormat.V2);
    }
    Path node = dir.resolve(ArrayMetadata.V3_NODE);
    if (Files.isRegularFile(node)
        && "group".equals(ArrayMetadata.readDocument(node).path("node_type").asText())) {
      return new ZarrGroup(dir, ZarrFormat.V3);
    }
    throw new ZarrException(dir + " is not a Zarr group");
  }

  /** Opens the group, creating it (and its parent directories) first if there is none. Safe to race. */
  public static ZarrGroup openOrCreate(Path dir, ZarrFormat format) throws IOException {
    if (!Files.isRegularFile(dir.resolve(ArrayMetadata.V2_GROUP))
        && !Files.isRegularFile(dir.resolve(ArrayMetadata.V3_NODE))) {
      ObjectNode doc = ArrayMetadata.MAPPER.createObjectNode();
      if (format == ZarrFormat.V2) {
        doc.put("zarr_format", 2);
        AtomicFiles.createNew(dir.resolve(ArrayMetadata.V2_GROUP), ArrayMetadata.MAPPER.writeValueAsBytes(doc));
      } else {
        doc.put("zarr_format", 3).put("node_type", "group").putObject("attributes");
        AtomicFiles.createNew(dir.resolve(ArrayMetadata.V3_NODE), ArrayMetadata.MAPPER.writeValueAsBytes(doc));
      }
    }
    return open(dir);
  }

  public Path path() {
    return dir;
  }

  public ZarrFormat format() {
    return format;
  }

  public ZarrArray openArray(String name) throws IOException {
    return ZarrArray.open(child(name));
  }

  /** Opens or creates the array {@code name} in this group, in the group's format. */
  public ZarrArray openOrCreateArray(String name, ArraySpec spec) throws IOException {
    return ZarrArray.openOrCreate(child(name), spec.format(format));
  }

  private Path child(String name) throws ZarrException {
    Path p = dir.resolve(name).normalize();
    if (name.isEmpty() || !p.startsWith(dir.normalize()) || p.equals(dir.normalize())) {
      throw new ZarrException("'" + name + "' is not a name inside group " + dir);
    }
    return p;
  }

  public JsonNode attributes() throws IOException {
    if (format == ZarrFormat.V2) {
      Path a = dir.resolve(ArrayMetadata.V2_ATTRS);
      return Files.isRegularFile(a) ? ArrayMetadata.readDocument(a) : ArrayMetadata.MAPPER.createObjectNode();
    }
    return ArrayMetadata.readDocument(dir.resolve(ArrayMetadata.V3_NODE)).path("attributes");
  }

  /** Replaces the group's attributes (one atomic file write). */
  public void setAttributes(ObjectNode attributes) throws IOException {
    if (format == ZarrFormat.V2) {
      AtomicFiles.write(dir.resolve(ArrayMetadata.V2_ATTRS), ArrayMetadata.MAPPER.writeValueAsBytes(attributes));
    } else {
      ObjectNode doc = (ObjectNode) ArrayMetadata.readDocument(dir.resolve(ArrayMetadata.V3_NODE));
      doc.set("attributes", attributes);
      AtomicFiles.write(dir.resolve(ArrayMetadata.V3_NODE), ArrayMetadata.MAPPER.writeValueAsBytes(doc));
    }
  }
}
