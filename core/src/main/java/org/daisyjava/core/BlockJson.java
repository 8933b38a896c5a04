package org.daisyjava.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/**
 * The JSON fields that describe a block, shared by {@code plan --json} lines, the stream-mode
 * protocol and the wire protocol: {@code "task"}, {@code "read_offset"}, {@code "read_shape"},
 * {@code "write_offset"}, {@code "write_shape"}.
 */
public final class BlockJson {
  // quoted and in UTF-8 once for all: a block message writes these names for every block
  private static final SerializedString TASK = new SerializedString("task");
  private static final SerializedString READ_OFFSET = new SerializedString("read_offset");
  private static final SerializedString READ_SHAPE = new SerializedString("read_shape");
  private static final SerializedString WRITE_OFFSET = new SerializedString("write_offset");
  private static final SerializedString WRITE_SHAPE = new SerializedString("write_shape");

  private BlockJson() {}

  /** Writes the block's fields into the object currently open in {@code out}. */
  public static void writeFields(JsonGenerator out, Block block) throws IOException {
    out.writeFieldName(TASK);
    out.writeString(block.task());
    writeArray(out, READ_OFFSET, block.readRoi().begin());
    writeArray(out, READ_SHAPE, block.readRoi().shape());
    writeArray(out, WRITE_OFFSET, block.writeRoi().begin());
    writeArray(out, WRITE_SHAPE, block.writeRoi().shape());
  }

  public static void writeArray(JsonGenerator out, String field, Coordinate c) throws IOException {
    out.writeFieldName(field);
    writeValues(out, c);
  }

  /** The same with {@code field} ready-encoded, for writers of many blocks. */
  public static void writeArray(JsonGenerator out, SerializableString field, Coordinate c) throws IOException {
    out.writeFieldName(field);
    writeValues(out, c);
  }

  private static void writeValues(JsonGenerator out, Coordinate c) throws IOException {
    out.writeStartArray();
    for (int i = 0; i < c.dims(); i++) {
      out.writeNumber(c.get(i));
    }
    out.writeEndArray();
  }
}
