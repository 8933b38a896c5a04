package org.daisyjava.core.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockJson;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.ProcessUsage;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.FrameFields.Field;
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
 * Turns messages into UTF-8 JSON frames and back. Decoding never trusts the frame: anything
 * malformed becomes a {@link ProtocolException} with a reason, for the caller to log and drop.
 * Thread-safe.
 *
 * <p>Versions: a frame's {@code "v"} is its message's {@link Message#version()}. Version 2 adds
 * batched forms of {@code acquire}, {@code release} and {@code block} under the same types, told
 * apart by {@code "v": 2}; every other type decodes the same with {@code "v"} 1 or 2, so a
 * version-2 worker may stamp all its messages 2. Whether a session may use the batched forms is
 * the engine's and the worker's business (the welcome), not the codec's. Lists in them hold at
 * most {@link Message#MAX_BATCH} entries; a longer one makes the frame malformed.
 *
 * <p>Cost: this runs for every message either side receives or sends, so neither direction builds
 * a JSON tree. Encoding streams into one exact-size array; decoding is one pass of Jackson's
 * streaming parser into {@link FrameFields} (per-thread holders, so that a frame costs the parser
 * and the message it makes), after which the message is built and judged here, by the same rules
 * the tree-model decoder had. {@code scripts/bench codec} measures both.
 */
public final class MessageCodec {
  /**
   * Jackson's parser as the tree-model decoder had it (same features, so the same JSON is
   * accepted), with its limits spelled out rather than left to the library's defaults of the day:
   * nesting of at most 1000 levels (a message needs 4), numbers of at most 1000 digits. Strings
   * and names are bounded by {@link #MAX_FRAME}. Immutable once built: safe to share.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000).maxNumberLength(1000).build())
      .build();
  /** Frames larger than this are refused unread (a block message is a few hundred bytes). */
  public static final int MAX_FRAME = 1 << 20;
  /** The longest heartbeat interval a welcome may name: a day (the scheduler's are seconds). */
  static final long MAX_HEARTBEAT_MS = 86_400_000L;
  /** Values written ready-encoded, as the field names are ({@link Field#serialized}). */
  private static final SerializedString SUCCESS = new SerializedString("success");
  private static final SerializedString FAILED = new SerializedString("failed");

  private MessageCodec() {}

  public static byte[] encode(Message m) {
    FrameBytes bytes = new FrameBytes();
    try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
      out.writeStartObject();
      number(out, Field.V, m.version().number());
      string(out, Field.TYPE, m.type());
      if (m instanceof Hello h) {
        string(out, Field.TASK, h.task());
        string(out, Field.NAME, h.name());
        string(out, Field.HOST, h.host());
        number(out, Field.PID, h.pid());
        optional(out, Field.JOB, h.job());
        optional(out, Field.LOG, h.log());
        if (h.slots() != 1) {
          number(out, Field.SLOTS, h.slots());
        }
        if (h.workerId() != 0) {
          number(out, Field.WORKER_ID, h.workerId());
        }
        if (h.newest() != ProtocolVersion.V1) {
          out.writeFieldName(Field.VERSIONS.serialized);
          out.writeStartArray();
          for (ProtocolVersion v : ProtocolVersion.values()) {
            if (v.compareTo(h.newest()) <= 0) {
              out.writeNumber(v.number());
            }
          }
          out.writeEndArray();
        }
      } else if (m instanceof Welcome w) {
        number(out, Field.WORKER_ID, w.workerId());
        if (w.process() != null) {
          out.writeFieldName(Field.PROCESS.serialized);
          writeCode(out, w.process());
        }
        number(out, Field.HEARTBEAT_MS, w.heartbeatMillis());
        number(out, Field.LIVENESS, w.liveness());
        optional(out, Field.RUN_DIR, w.runDir());
        if (w.sessionVersion() != ProtocolVersion.V1) {
          number(out, Field.VERSION, w.sessionVersion().number());
        }
      } else if (m instanceof AssignBatch b) {
        // the task once for all: every block of a session is of the worker's task
        string(out, Field.TASK, b.blocks().get(0).block().task());
        out.writeFieldName(Field.BLOCKS.serialized);
        out.writeStartArray();
        for (Assign a : b.blocks()) {
          out.writeStartObject();
          number(out, Field.BLOCK_ID, a.block().id());
          number(out, Field.ATTEMPT, a.attempt());
          BlockJson.writeArray(out, Field.READ_OFFSET.serialized, a.block().readRoi().begin());
          BlockJson.writeArray(out, Field.READ_SHAPE.serialized, a.block().readRoi().shape());
          BlockJson.writeArray(out, Field.WRITE_OFFSET.serialized, a.block().writeRoi().begin());
          BlockJson.writeArray(out, Field.WRITE_SHAPE.serialized, a.block().writeRoi().shape());
          out.writeEndObject();
        }
        out.writeEndArray();
      } else if (m instanceof ReleaseBatch r) {
        out.writeFieldName(Field.BLOCKS.serialized);
        out.writeStartArray();
        for (Outcome o : r.blocks()) {
          out.writeStartObject();
          number(out, Field.BLOCK_ID, o.blockId());
          out.writeFieldName(Field.STATUS.serialized);
          out.writeString(o.success() ? SUCCESS : FAILED);
          optional(out, Field.ERROR, o.error());
          out.writeEndObject();
        }
        out.writeEndArray();
        if (r.acquire() > 0) {
          number(out, Field.ACQUIRE, r.acquire());
        }
      } else if (m instanceof AcquireBatch a) {
        number(out, Field.COUNT, a.count());
      } else if (m instanceof Assign a) {
        number(out, Field.BLOCK_ID, a.block().id());
        number(out, Field.ATTEMPT, a.attempt());
        BlockJson.writeFields(out, a.block());
      } else if (m instanceof Release r) {
        number(out, Field.BLOCK_ID, r.blockId());
        out.writeFieldName(Field.STATUS.serialized);
        out.writeString(r.success() ? SUCCESS : FAILED);
        optional(out, Field.ERROR, r.error());
        if (r.acquire() > 0) {
          number(out, Field.ACQUIRE, r.acquire());
        }
      } else if (m instanceof Abandon a) {
        number(out, Field.BLOCK_ID, a.blockId());
        optional(out, Field.REASON, a.reason());
      } else if (m instanceof Refuse r) {
        optional(out, Field.REASON, r.reason());
      } else if (m instanceof Goodbye g) {
        optional(out, Field.REASON, g.reason());
        if (g.fatal()) {
          out.writeFieldName(Field.FATAL.serialized);
          out.writeBoolean(true);
        }
        usage(out, g.usage());
      } else if (m instanceof Heartbeat h) {
        usage(out, h.usage());
      }
      // acquire, wait and no_more_blocks carry nothing but v and type
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * The encoded frame, copied once. The generator keeps the whole frame in its own (recycled)
   * buffer and hands it over in one write when it is closed — in several only for frames larger
   * than that buffer (8000 bytes) — so the first write is taken as the frame's exact bytes; a
   * ByteArrayOutputStream would grow by doubling from a guess and copy once more at the end.
   */
  private static final class FrameBytes extends OutputStream {
    private byte[] bytes = new byte[0];
    private int size;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (size == 0 && bytes.length == 0) {
        bytes = Arrays.copyOfRange(b, off, off + len);
      } else {
        if (size + len > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.max(size + len, bytes.length * 2));
        }
        System.arraycopy(b, off, bytes, size, len);
      }
      size += len;
    }

    byte[] toByteArray() {
      return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
  }

  private static void number(JsonGenerator out, Field field, long value) throws IOException {
    out.writeFieldName(field.serialized);
    out.writeNumber(value);
  }

  private static void string(JsonGenerator out, Field field, String value) throws IOException {
    out.writeFieldName(field.serialized);
    out.writeString(value);
  }

  private static void optional(JsonGenerator out, Field field, String value) throws IOException {
    if (value != null) {
      string(out, field, value);
    }
  }

  private static void usage(JsonGenerator out, ProcessUsage usage) throws IOException {
    if (usage != null) {
      number(out, Field.CPU_MS, usage.cpuMillis());
      number(out, Field.PEAK_RSS_KB, usage.peakRssKb());
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

  /**
   * The message in {@code frame}, read in one pass with Jackson's streaming parser (no tree: this
   * runs for every message the scheduler receives). Fields may come in any order, {@code "v"} and
   * {@code "type"} last included; unknown fields are ignored (their strings must still be UTF-8);
   * a key given twice counts with its last value. A frame is one object in UTF-8 (PROTOCOL.md):
   * anything but whitespace after it, or a frame in UTF-16 or UTF-32 (which Jackson would detect
   * and read), is refused. See {@link FrameFields} for how lists are bounded while they are read.
   */
  public static Message decode(byte[] frame) throws ProtocolException {
    if (frame == null || frame.length == 0) {
      throw new ProtocolException("empty frame");
    }
    if (frame.length > MAX_FRAME) {
      throw new ProtocolException("frame of " + frame.length + " bytes is too large");
    }
    if (!utf8Start(frame)) {
      throw new ProtocolException("not a JSON object in UTF-8");
    }
    FrameFields root = FrameFields.forThisThread();
    try {
      try (JsonParser p = FACTORY.createParser(frame)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new ProtocolException("not a JSON object");
        }
        root.readFrame(p);
        if (p.nextToken() != null) {
          throw new ProtocolException("more after the JSON object");
        }
      } catch (JsonProcessingException e) {
        throw new ProtocolException("not JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new ProtocolException("unreadable frame: " + e.getMessage());
      }
      return message(root);
    } finally {
      root.clear();
    }
  }

  /**
   * Whether the frame can only be read as UTF-8: Jackson picks UTF-16 or UTF-32 from a byte-order
   * mark or zero bytes among the first four, and a UTF-8 object starts with a brace or
   * whitespace (and JSON text holds no zero byte at all).
   */
  private static boolean utf8Start(byte[] frame) {
    byte first = frame[0];
    if (first != '{' && first != ' ' && first != '\t' && first != '\n' && first != '\r') {
      return false;
    }
    for (int i = 0; i < Math.min(4, frame.length); i++) {
      if (frame[i] == 0) {
        return false;
      }
    }
    return true;
  }

  /** A block id a worker names: one it was given, so never negative. */
  private static long blockId(FrameFields n) throws ProtocolException {
    long id = n.integer(Field.BLOCK_ID);
    if (id < 0) {
      throw new ProtocolException("block_id must be >= 0");
    }
    return id;
  }

  /** The message the frame's fields make, by its version and type. */
  private static Message message(FrameFields root) throws ProtocolException {
    if (!root.isInt(Field.V)) {
      throw new ProtocolException("no protocol version field 'v'");
    }
    ProtocolVersion version = ProtocolVersion.of(root.integer(Field.V));
    if (version == null) {
      throw new ProtocolException("protocol version " + root.describe(Field.V) + ", expected 1 or 2");
    }
    String type = root.text(Field.TYPE, true);
    if (version == ProtocolVersion.V2) {
      switch (type) {
        case "acquire":
          return new AcquireBatch((int) bounded(root, Field.COUNT, 1, Message.MAX_BATCH, 1));
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
        long slots = root.has(Field.SLOTS) ? root.integer(Field.SLOTS) : 1;
        if (slots < 1 || slots > Hello.MAX_SLOTS) {
          throw new ProtocolException("hello slots must be between 1 and " + Hello.MAX_SLOTS);
        }
        long workerId = root.has(Field.WORKER_ID) ? root.integer(Field.WORKER_ID) : 0;
        if (workerId < 0) {
          throw new ProtocolException("hello worker_id must be positive");
        }
        yield new Hello(root.text(Field.TASK, true), root.text(Field.NAME, true),
            root.text(Field.HOST, true), root.integer(Field.PID),
            root.text(Field.JOB, false), root.text(Field.LOG, false), (int) slots, workerId,
            newestSpoken(root, version));
      }
      case "acquire" -> new Acquire();
      case "release" -> {
        boolean success = status(root);
        long acquire = root.has(Field.ACQUIRE) ? root.integer(Field.ACQUIRE) : 0;
        if (acquire < 0 || acquire > 1000) {
          throw new ProtocolException("release acquire must be between 0 and 1000");
        }
        yield new Release(blockId(root), success, root.text(Field.ERROR, false), (int) acquire);
      }
      case "goodbye" -> new Goodbye(root.text(Field.REASON, false), root.flag(Field.FATAL), usage(root));
      case "heartbeat" -> new Heartbeat(usage(root));
      case "welcome" -> {
        ProtocolVersion session = ProtocolVersion.of(bounded(root, Field.VERSION, 1, Integer.MAX_VALUE, 1));
        if (session == null) {
          throw new ProtocolException("welcome names protocol version " + root.describe(Field.VERSION)
              + ", which this worker does not speak");
        }
        yield new Welcome(root.integer(Field.WORKER_ID), code(root.process()),
            required(root, Field.HEARTBEAT_MS, 1, MAX_HEARTBEAT_MS), (int) required(root, Field.LIVENESS, 1, 1000),
            root.text(Field.RUN_DIR, false), session);
      }
      case "block" -> assign(root, task(root));
      case "wait" -> new Wait();
      case "no_more_blocks" -> new NoMoreBlocks();
      case "abandon" -> new Abandon(blockId(root), root.text(Field.REASON, false));
      case "refuse" -> new Refuse(root.text(Field.REASON, false));
      default -> throw new ProtocolException("unknown message type '" + type + "'");
    };
  }

  /**
   * The newest version in the hello's {@code versions} that this side speaks; a hello without
   * the field speaks the version it is written in.
   */
  private static ProtocolVersion newestSpoken(FrameFields root, ProtocolVersion written) throws ProtocolException {
    if (root.noVersions()) {
      return written;
    }
    ProtocolVersion newest = root.newestVersion();
    if (newest == null) {
      throw new ProtocolException("hello lists no protocol version this side speaks (1 or 2)");
    }
    return newest;
  }

  /** A heartbeat's or goodbye's {@code cpu_ms} and {@code peak_rss_kb}: both, or neither (null). */
  private static ProcessUsage usage(FrameFields root) throws ProtocolException {
    if (!root.has(Field.CPU_MS) && !root.has(Field.PEAK_RSS_KB)) {
      return null;
    }
    return new ProcessUsage(required(root, Field.CPU_MS, 0, ProcessUsage.MAX_CPU_MILLIS),
        required(root, Field.PEAK_RSS_KB, 0, ProcessUsage.MAX_PEAK_RSS_KB));
  }

  /** A release's (or a release entry's) {@code status}: true for success. */
  private static boolean status(FrameFields n) throws ProtocolException {
    String status = n.text(Field.STATUS, true);
    if (!status.equals("success") && !status.equals("failed")) {
      throw new ProtocolException("release status must be success or failed, got '" + status + "'");
    }
    return status.equals("success");
  }

  /**
   * The {@code task} of a block message. An empty one is refused here (the tree-model decoder let
   * the {@link Block} constructor throw an IllegalArgumentException instead).
   */
  private static String task(FrameFields root) throws ProtocolException {
    String task = root.text(Field.TASK, true);
    if (task.isEmpty()) {
      throw new ProtocolException("field 'task' must not be empty");
    }
    return task;
  }

  /** A version-1 {@code block}, or an entry of a version-2 one (whose task is given once). */
  private static Assign assign(FrameFields n, String task) throws ProtocolException {
    long id = blockId(n);
    Roi read = roi(n, Field.READ_OFFSET, Field.READ_SHAPE);
    Roi write = roi(n, Field.WRITE_OFFSET, Field.WRITE_SHAPE);
    if (read.dims() != write.dims()) {
      throw new ProtocolException("read and write ROIs differ in dimensions");
    }
    // PROTOCOL.md: 1 = the first try
    return new Assign(new Block(task, id, read, write), (int) required(n, Field.ATTEMPT, 1, Integer.MAX_VALUE));
  }

  private static AssignBatch assignBatch(FrameFields root) throws ProtocolException {
    String task = task(root);
    int n = root.entries(1);
    Assign[] blocks = new Assign[n];
    for (int i = 0; i < n; i++) {
      blocks[i] = assign(root.entry(i), task);
    }
    return new AssignBatch(Arrays.asList(blocks));
  }

  private static ReleaseBatch releaseBatch(FrameFields root) throws ProtocolException {
    int n = root.entries(0);
    Outcome[] blocks = new Outcome[n];
    for (int i = 0; i < n; i++) {
      FrameFields entry = root.entry(i);
      boolean success = status(entry);
      blocks[i] = new Outcome(blockId(entry), success, entry.text(Field.ERROR, false));
    }
    int acquire = (int) bounded(root, Field.ACQUIRE, 0, Message.MAX_BATCH, 0);
    if (n == 0 && acquire == 0) {
      throw new ProtocolException("a release of no blocks that asks for none");
    }
    return new ReleaseBatch(Arrays.asList(blocks), acquire);
  }

  /** An optional integer field between {@code min} and {@code max}, {@code absent} when missing. */
  /** A required integer field between {@code min} and {@code max}. */
  private static long required(FrameFields root, Field field, long min, long max) throws ProtocolException {
    long value = root.integer(field);
    if (value < min || value > max) {
      throw new ProtocolException("field '" + field.wire + "' must be between " + min + " and " + max);
    }
    return value;
  }

  private static long bounded(FrameFields root, Field field, long min, long max, long absent)
      throws ProtocolException {
    if (!root.has(field)) {
      return absent;
    }
    long value = root.integer(field);
    if (value < min || value > max) {
      throw new ProtocolException("field '" + field.wire + "' must be between " + min + " and " + max);
    }
    return value;
  }

  private static Roi roi(FrameFields n, Field offsetField, Field shapeField) throws ProtocolException {
    Coordinate offset = n.coordinate(offsetField);
    Coordinate shape = n.coordinate(shapeField);
    if (offset.dims() != shape.dims() || offset.dims() == 0) {
      throw new ProtocolException(offsetField.wire + " and " + shapeField.wire
          + " must be non-empty and of equal length");
    }
    try {
      return Roi.of(offset, shape);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ProtocolException("bad ROI: " + e.getMessage());
    }
  }

  /** The welcome's {@code process}: one kind's key and its value, the rest options. */
  private static BlockCode code(Map<String, String> fields) throws ProtocolException {
    if (fields == null) {
      return null;
    }
    BlockCode.Kind kind = null;
    String value = null;
    Map<String, String> options = new HashMap<>();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (e.getValue() == null) {
        throw new ProtocolException("process." + e.getKey() + " must be a string");
      }
      BlockCode.Kind k = BlockCode.Kind.fromKey(e.getKey());
      if (k != null) {
        if (kind != null) {
          throw new ProtocolException("process has both " + kind.key() + " and " + k.key());
        }
        kind = k;
        value = e.getValue();
      } else {
        options.put(e.getKey(), e.getValue());
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
