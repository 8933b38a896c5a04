package org.daisyjava.core;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The JSON fields that describe a block, shared by {@code plan --json} lines, the stream-mode
 * protocol and the wire protocol: {@code "task"}, {@code "read_offset"}, {@code "read_shape"},
 * {@code "write_offset"}, {@code "write_shape"}.
 */
public final class BlockJson {
  private BlockJson() {}

  /** Writes the block's fields into the object currently open in {@code out}. */
  public static void writeFields(JsonGenerator out, Block block) throws IOException {
    out.writeStringField("task", block.task());
    writeArray(out, "read_offset", block.readRoi().begin());
    writeArray(out, "read_shape", block.readRoi().shape());
    writeArray(out, "write_offset", block.writeRoi().begin());
    writeArray(out, "write_shape", block.writeRoi().shape());
  }

  public static void writeArray(JsonGenerator out, String field, Coordinate c) throws IOException {
    out.writeFieldName(field);
    out.writeStartArray();
    for (int i = 0; i < c.dims(); i++) {
      out.writeNumber(c.get(i));
    }
    out.writeEndArray();
  }
}
