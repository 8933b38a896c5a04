package org.daisyjava.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.daisyjava.core.Coordinate;

/**
 * Where an array lies in world units: its voxel size and the world offset of voxel 0, read from
 * the attributes the tools of the field write, first found wins:
 *
 * <ol>
 *   <li>the array's own {@code voxel_size} (funlib.persistence; {@code resolution} in older
 *       files) and {@code offset};
 *   <li>OME-Zarr: the parent group's {@code multiscales[*].datasets[*]} entry whose {@code path}
 *       is the array's name, its {@code coordinateTransformations} of type {@code scale} and
 *       {@code translation} (the multiscale's own transformations, if any, are applied after);
 *   <li>none: voxel size 1 and offset 0 on every axis.
 * </ol>
 *
 * World coordinates are integers here (daisy's ROIs are): a non-integral scale or translation is
 * an error, not rounded.
 */
record WorldGeometry(Coordinate voxelSize, Coordinate offset) {
  static WorldGeometry of(Path arrayDir, ArrayMetadata meta) throws IOException {
    int dims = meta.shape.length;
    JsonNode attrs = meta.attributes;
    JsonNode voxel = attrs.has("voxel_size") ? attrs.get("voxel_size") : attrs.get("resolution");
    JsonNode offset = attrs.get("offset");
    if (voxel != null || offset != null) {
      return new WorldGeometry(
          voxel == null ? Coordinate.filled(dims, 1) : coordinate(voxel, dims, "voxel_size", true),
          offset == null ? Coordinate.filled(dims, 0) : coordinate(offset, dims, "offset", false));
    }
    WorldGeometry ome = fromMultiscales(arrayDir, dims);
    return ome != null ? ome : new WorldGeometry(Coordinate.filled(dims, 1), Coordinate.filled(dims, 0));
  }

  private static WorldGeometry fromMultiscales(Path arrayDir, int dims) throws IOException {
    Path parent = arrayDir.toAbsolutePath().normalize().getParent();
    if (parent == null) {
      return null;
    }
    JsonNode attrs = null;
    if (Files.isRegularFile(parent.resolve(ArrayMetadata.V2_ATTRS))) {
      attrs = ArrayMetadata.readDocument(parent.resolve(ArrayMetadata.V2_ATTRS));
    } else if (Files.isRegularFile(parent.resolve(ArrayMetadata.V3_NODE))) {
      attrs = ArrayMetadata.readDocument(parent.resolve(ArrayMetadata.V3_NODE)).path("attributes");
      if (attrs.has("ome")) {
        attrs = attrs.get("ome"); // OME-Zarr 0.5 nests its keys under "ome"
      }
    }
    if (attrs == null || !attrs.path("multiscales").isArray()) {
      return null;
    }
    String name = arrayDir.toAbsolutePath().normalize().getFileName().toString();
    for (JsonNode ms : attrs.get("multiscales")) {
      for (JsonNode ds : ms.path("datasets")) {
        if (!name.equals(ds.path("path").asText())) {
          continue;
        }
        double[] scale = new double[dims];
        double[] shift = new double[dims];
        java.util.Arrays.fill(scale, 1);
        apply(ds.path("coordinateTransformations"), scale, shift, dims);
        apply(ms.path("coordinateTransformations"), scale, shift, dims);
        return new WorldGeometry(integral(scale, "multiscales scale", true),
            integral(shift, "multiscales translation", false));
      }
    }
    return null;
  }

  private static void apply(JsonNode transforms, double[] scale, double[] shift, int dims)
      throws ZarrException {
    for (JsonNode t : transforms) {
      String type = t.path("type").asText();
      JsonNode v = t.path(type);
      if (!type.equals("scale") && !type.equals("translation")) {
        continue;
      }
      if (!v.isArray() || v.size() != dims) {
        throw new ZarrException("multiscales " + type + " " + v + " does not have " + dims + " axes");
      }
      for (int d = 0; d < dims; d++) {
        if (type.equals("scale")) {
          scale[d] *= v.get(d).asDouble();
          shift[d] *= v.get(d).asDouble();
        } else {
          shift[d] += v.get(d).asDouble();
        }
      }
    }
  }

  private static Coordinate integral(double[] v, String what, boolean positive) throws ZarrException {
    long[] out = new long[v.length];
    for (int d = 0; d < v.length; d++) {
      if (v[d] != Math.rint(v[d]) || (positive && v[d] <= 0)) {
        throw new ZarrException(what + " " + java.util.Arrays.toString(v)
            + ": world units must be integers" + (positive ? " > 0" : ""));
      }
      out[d] = (long) v[d];
    }
    return Coordinate.of(out);
  }

  private static Coordinate coordinate(JsonNode n, int dims, String key, boolean positive)
      throws ZarrException {
    if (!n.isArray() || n.size() != dims) {
      throw new ZarrException("attribute " + key + " " + n + " does not have " + dims + " axes");
    }
    double[] v = new double[dims];
    for (int d = 0; d < dims; d++) {
      if (!n.get(d).isNumber()) {
        throw new ZarrException("attribute " + key + " " + n + " holds a non-number");
      }
      v[d] = n.get(d).asDouble();
    }
    return integral(v, "attribute " + key, positive);
  }
}
