package org.daisyjava.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.ProcessUsage;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.AcquireBatch;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.AssignBatch;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Outcome;
import org.daisyjava.core.protocol.Message.Refuse;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.ReleaseBatch;
import org.daisyjava.core.protocol.Message.Wait;
import org.daisyjava.core.protocol.Message.Welcome;

/**
 * The decoder {@link MessageCodec} had before its one-pass rewrite, on Jackson's tree model, kept
 * unchanged as the oracle of {@code StreamingDecodeTest}: the streaming decoder must accept exactly
 * the frames this one accepts, with equal messages, and refuse the rest with a {@link
 * ProtocolException}. (Where this one threw something else — a block of an empty task — the
 * streaming one refuses the frame.) Test code only: the format's owner is {@code MessageCodec}.
 */
final class TreeModelDecoder {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_FRAME = 1 << 20;

  private TreeModelDecoder() {}

  static Message decode(byte[] frame) throws ProtocolException {
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
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new ProtocolException("no protocol version field 'v'");
    }
    ProtocolVersion version = ProtocolVersion.of(v.asInt());
    if (version == null) {
      throw new ProtocolException("protocol version " + v.asText() + ", expected 1 or 2");
    }
    String type = text(root, "type", true);
    if (version == ProtocolVersion.V2) {
      switch (type) {
        case "acquire":
          return new AcquireBatch((int) bounded(root, "count", 1, Message.MAX_BATCH, 1));
        case "release":
          return releaseBatch(root);
        case "block":
          return assignBatch(root);
        default:
          break; // unchanged in version 2
      }
    }
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
            text(root, "job", false), text(root, "log", false), (int) slots, workerId,
            newestSpoken(root, version));
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
      case "goodbye" -> new Goodbye(text(root, "reason", false), flag(root, "fatal"), usage(root));
      case "heartbeat" -> new Heartbeat(usage(root));
      case "welcome" -> {
        ProtocolVersion session = ProtocolVersion.of(bounded(root, "version", 1, Integer.MAX_VALUE, 1));
        if (session == null) {
          throw new ProtocolException("welcome names protocol version " + root.get("version").asText()
              + ", which this worker does not speak");
        }
        yield new Welcome(number(root, "worker_id"), code(root.get("process")),
            number(root, "heartbeat_ms"), (int) number(root, "liveness"),
            text(root, "run_dir", false), session);
      }
      case "block" -> assign(root, text(root, "task", true));
      case "wait" -> new Wait();
      case "no_more_blocks" -> new NoMoreBlocks();
      case "abandon" -> new Abandon(number(root, "block_id"), text(root, "reason", false));
      case "refuse" -> new Refuse(text(root, "reason", false));
      default -> throw new ProtocolException("unknown message type '" + type + "'");
    };
  }

  /**
   * The newest version in the hello's {@code versions} that this side speaks; a hello without
   * the field speaks the version it is written in.
   */
  private static ProtocolVersion newestSpoken(JsonNode root, ProtocolVersion written) throws ProtocolException {
    JsonNode n = root.get("versions");
    if (n == null || n.isNull()) {
      return written;
    }
    if (!n.isArray() || n.size() == 0 || n.size() > 16) {
      throw new ProtocolException("hello versions must be an array of 1 to 16 integers");
    }
    ProtocolVersion newest = null;
    for (JsonNode x : n) {
      if (!x.isIntegralNumber() || !x.canConvertToLong()) {
        throw new ProtocolException("hello versions must be an array of 1 to 16 integers");
      }
      ProtocolVersion v = ProtocolVersion.of(x.asLong());
      if (v != null && (newest == null || v.compareTo(newest) > 0)) {
        newest = v;
      }
    }
    if (newest == null) {
      throw new ProtocolException("hello lists no protocol version this side speaks (1 or 2)");
    }
    return newest;
  }

  /** A version-1 {@code block}, or an entry of a version-2 one (whose task is given once). */
  private static Assign assign(JsonNode n, String task) throws ProtocolException {
    long id = number(n, "block_id");
    if (id < 0) {
      throw new ProtocolException("block_id must be >= 0");
    }
    Roi read = roi(n, "read_offset", "read_shape");
    Roi write = roi(n, "write_offset", "write_shape");
    if (read.dims() != write.dims()) {
      throw new ProtocolException("read and write ROIs differ in dimensions");
    }
    return new Assign(new Block(task, id, read, write), (int) number(n, "attempt"));
  }

  private static AssignBatch assignBatch(JsonNode root) throws ProtocolException {
    String task = text(root, "task", true);
    JsonNode list = batch(root, "blocks", 1);
    List<Assign> blocks = new ArrayList<>(list.size());
    for (JsonNode entry : list) {
      if (!entry.isObject()) {
        throw new ProtocolException("block's blocks must be objects");
      }
      blocks.add(assign(entry, task));
    }
    return new AssignBatch(blocks);
  }

  private static ReleaseBatch releaseBatch(JsonNode root) throws ProtocolException {
    JsonNode list = batch(root, "blocks", 0);
    List<Outcome> blocks = new ArrayList<>(list.size());
    for (JsonNode entry : list) {
      if (!entry.isObject()) {
        throw new ProtocolException("release's blocks must be objects");
      }
      String status = text(entry, "status", true);
      if (!status.equals("success") && !status.equals("failed")) {
        throw new ProtocolException("release status must be success or failed, got '" + status + "'");
      }
      blocks.add(new Outcome(number(entry, "block_id"), status.equals("success"), text(entry, "error", false)));
    }
    int acquire = (int) bounded(root, "acquire", 0, Message.MAX_BATCH, 0);
    if (blocks.isEmpty() && acquire == 0) {
      throw new ProtocolException("a release of no blocks that asks for none");
    }
    return new ReleaseBatch(blocks, acquire);
  }

  /** The array {@code field} of at least {@code min} and at most {@link Message#MAX_BATCH} entries. */
  private static JsonNode batch(JsonNode root, String field, int min) throws ProtocolException {
    JsonNode n = root.get(field);
    if (n == null || !n.isArray() || n.size() < min || n.size() > Message.MAX_BATCH) {
      throw new ProtocolException("field '" + field + "' must be an array of " + min + " to "
          + Message.MAX_BATCH + " entries");
    }
    return n;
  }

  private static ProcessUsage usage(JsonNode root) throws ProtocolException {
    if (!root.has("cpu_ms") && !root.has("peak_rss_kb")) {
      return null;
    }
    long cpu = bounded(root, "cpu_ms", 0, ProcessUsage.MAX_CPU_MILLIS, -1);
    long peak = bounded(root, "peak_rss_kb", 0, ProcessUsage.MAX_PEAK_RSS_KB, -1);
    if (cpu < 0 || peak < 0) {
      throw new ProtocolException("cpu_ms and peak_rss_kb come together");
    }
    return new ProcessUsage(cpu, peak);
  }

  /** An optional integer field between {@code min} and {@code max}, {@code absent} when missing. */
  private static long bounded(JsonNode root, String field, long min, long max, long absent)
      throws ProtocolException {
    if (!root.has(field)) {
      return absent;
    }
    long value = number(root, field);
    if (value < min || value > max) {
      throw new ProtocolException("field '" + field + "' must be between " + min + " and " + max);
    }
    return value;
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
