package org.daisyjava.core.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockJson;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Refuse;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.Wait;
import org.daisyjava.core.protocol.Message.Welcome;

/**
 * Turns messages into UTF-8 JSON frames and back. Decoding never trusts the frame: anything
 * malformed becomes a {@link ProtocolException} with a reason, for the caller to log and drop.
 * Thread-safe.
 */
public final class MessageCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();
  /** Frames larger than this are refused unread (a block message is a few hundred bytes). */
  public static final int MAX_FRAME = 1 << 20;

  private MessageCodec() {}

  public static byte[] encode(Message m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
      out.writeStartObject();
      out.writeNumberField("v", Message.VERSION);
      out.writeStringField("type", m.type());
      if (m instanceof Hello h) {
        out.writeStringField("task", h.task());
        out.writeStringField("name", h.name());
        out.writeStringField("host", h.host());
        out.writeNumberField("pid", h.pid());
        writeOptional(out, "job", h.job());
        writeOptional(out, "log", h.log());
        if (h.slots() != 1) {
          out.writeNumberField("slots", h.slots());
        }
        if (h.workerId() != 0) {
          out.writeNumberField("worker_id", h.workerId());
        }
      } else if (m instanceof Welcome w) {
        out.writeNumberField("worker_id", w.workerId());
        if (w.process() != null) {
          out.writeFieldName("process");
          writeCode(out, w.process());
        }
        out.writeNumberField("heartbeat_ms", w.heartbeatMillis());
        out.writeNumberField("liveness", w.liveness());
        writeOptional(out, "run_dir", w.runDir());
      } else if (m instanceof Assign a) {
        out.writeNumberField("block_id", a.block().id());
        out.writeNumberField("attempt", a.attempt());
        BlockJson.writeFields(out, a.block());
      } else if (m instanceof Release r) {
        out.writeNumberField("block_id", r.blockId());
        out.writeStringField("status", r.success() ? "success" : "failed");
        writeOptional(out, "error", r.error());
        if (r.acquire() > 0) {
          out.writeNumberField("acquire", r.acquire());
        }
      } else if (m instanceof Abandon a) {
        out.writeNumberField("block_id", a.blockId());
        writeOptional(out, "reason", a.reason());
      } else if (m instanceof Refuse r) {
        writeOptional(out, "reason", r.reason());
      } else if (m instanceof Goodbye g) {
        writeOptional(out, "reason", g.reason());
        if (g.fatal()) {
          out.writeBooleanField("fatal", true);
        }
      }
      // acquire, wait, no_more_blocks and heartbeat carry nothing but v and type
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return bytes.toByteArray();
  }

  private static void writeOptional(JsonGenerator out, String field, String value) throws IOException {
    if (value != null) {
      out.writeStringField(field, value);
    }
  }

  /** {@code {"builtin":"sleep","seconds":"0.05"}}: the kind's key, its value, the options. */
  private static void writeCode(JsonGenerator out, BlockCode code) throws IOException {
    out.writeStartObject();
    out.writeStringField(code.kind().key(), code.value());
    for (Map.Entry<String, String> e : code.options().entrySet()) {
      out.writeStringField(e.getKey(), e.getValue());
    }
    out.writeEndObject();
  }

  public static Message decode(byte[] frame) throws ProtocolException {
    if (frame == null || frame.length == 0) {
      throw new ProtocolException("empty frame");
    }
    if (frame.length > MAX_FRAME) {
      throw new ProtocolException("frame of " + frame.length + " bytes is too large");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(frame);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ProtocolException("unreadable frame: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ProtocolException("not a JSON object");
    }
    JsonNode v = root.get("v");
    if (v == null || !v.canConvertToInt()) {
      throw new ProtocolException("no protocol version field 'v'");
    }
    if (v.asInt() != Message.VERSION) {
      throw new ProtocolException("protocol version " + v.asText() + ", expected " + Message.VERSION);
    }
    String type = text(root, "type", true);
    return switch (type) {
      case "hello" -> {
        long slots = root.has("slots") ? number(root, "slots") : 1;
        if (slots < 1 || slots > Hello.MAX_SLOTS) {
          throw new ProtocolException("hello slots must be between 1 and " + Hello.MAX_SLOTS);
        }
        long workerId = root.has("worker_id") ? number(root, "worker_id") : 0;
        if (workerId < 0) {
          throw new ProtocolException("hello worker_id must be positive");
        }
        yield new Hello(text(root, "task", true), text(root, "name", true),
            text(root, "host", true), number(root, "pid"),
            text(root, "job", false), text(root, "log", false), (int) slots, workerId);
      }
      case "acquire" -> new Acquire();
      case "release" -> {
        String status = text(root, "status", true);
        if (!status.equals("success") && !status.equals("failed")) {
          throw new ProtocolException("release status must be success or failed, got '" + status + "'");
        }
        long acquire = root.has("acquire") ? number(root, "acquire") : 0;
        if (acquire < 0 || acquire > 1000) {
          throw new ProtocolException("release acquire must be between 0 and 1000");
        }
        yield new Release(number(root, "block_id"), status.equals("success"),
            text(root, "error", false), (int) acquire);
      }
      case "goodbye" -> new Goodbye(text(root, "reason", false), flag(root, "fatal"));
      case "heartbeat" -> new Heartbeat();
      case "welcome" -> new Welcome(number(root, "worker_id"), code(root.get("process")),
          number(root, "heartbeat_ms"), (int) number(root, "liveness"),
          text(root, "run_dir", false));
      case "block" -> {
        long id = number(root, "block_id");
        if (id < 0) {
          throw new ProtocolException("block_id must be >= 0");
        }
        Roi read = roi(root, "read_offset", "read_shape");
        Roi write = roi(root, "write_offset", "write_shape");
        if (read.dims() != write.dims()) {
          throw new ProtocolException("read and write ROIs differ in dimensions");
        }
        yield new Assign(new Block(text(root, "task", true), id, read, write),
            (int) number(root, "attempt"));
      }
      case "wait" -> new Wait();
      case "no_more_blocks" -> new NoMoreBlocks();
      case "abandon" -> new Abandon(number(root, "block_id"), text(root, "reason", false));
      case "refuse" -> new Refuse(text(root, "reason", false));
      default -> throw new ProtocolException("unknown message type '" + type + "'");
    };
  }

  private static String text(JsonNode root, String field, boolean required) throws ProtocolException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new ProtocolException("missing field '" + field + "'");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw new ProtocolException("field '" + field + "' must be a string");
    }
    return n.asText();
  }

  /** An optional boolean field, false when absent. */
  private static boolean flag(JsonNode root, String field) throws ProtocolException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new ProtocolException("field '" + field + "' must be true or false");
    }
    return n.asBoolean();
  }

  private static long number(JsonNode root, String field) throws ProtocolException {
    JsonNode n = root.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new ProtocolException("field '" + field + "' must be an integer");
    }
    return n.asLong();
  }

  private static Roi roi(JsonNode root, String offsetField, String shapeField) throws ProtocolException {
    long[] offset = longs(root, offsetField);
    long[] shape = longs(root, shapeField);
    if (offset.length != shape.length || offset.length == 0) {
      throw new ProtocolException(offsetField + " and " + shapeField + " must be non-empty and of equal length");
    }
    try {
      return Roi.of(Coordinate.of(offset), Coordinate.of(shape));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ProtocolException("bad ROI: " + e.getMessage());
    }
  }

  private static long[] longs(JsonNode root, String field) throws ProtocolException {
    JsonNode n = root.get(field);
    if (n == null || !n.isArray() || n.size() > 64) {
      throw new ProtocolException("field '" + field + "' must be an array of integers");
    }
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode x = n.get(i);
      if (!x.isIntegralNumber() || !x.canConvertToLong()) {
        throw new ProtocolException("field '" + field + "' must be an array of integers");
      }
      out[i] = x.asLong();
    }
    return out;
  }

  private static BlockCode code(JsonNode n) throws ProtocolException {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new ProtocolException("field 'process' must be an object");
    }
    BlockCode.Kind kind = null;
    String value = null;
    Map<String, String> options = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new ProtocolException("process." + e.getKey() + " must be a string");
      }
      BlockCode.Kind k = BlockCode.Kind.fromKey(e.getKey());
      if (k != null) {
        if (kind != null) {
          throw new ProtocolException("process has both " + kind.key() + " and " + k.key());
        }
        kind = k;
        value = e.getValue().asText();
      } else {
        options.put(e.getKey(), e.getValue().asText());
      }
    }
    if (kind == null) {
      throw new ProtocolException("process names no class, command, stream or builtin");
    }
    try {
      return new BlockCode(kind, value, options);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("bad process: " + e.getMessage());
    }
  }
}
