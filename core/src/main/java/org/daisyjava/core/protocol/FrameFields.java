package org.daisyjava.core.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.daisyjava.core.Coordinate;

/**
 * The fields of one JSON object of a frame — the frame itself, or an entry of its {@code
 * "blocks"} — as {@link MessageCodec#decode} reads them in its one pass over the frame. Which
 * fields a message needs, their bounds and the reasons for refusing a frame are {@code
 * MessageCodec}'s; this class only reads JSON into slots and answers {@code MessageCodec}'s
 * questions about them with the same verdicts a JSON tree would give. Its {@link Field} list
 * names every field of the protocol, for the encoder too.
 *
 * <p>Why a holder and not a decoder per type: a worker in another language may write {@code "v"}
 * and {@code "type"} last, so nothing can be built until the object is closed. Each field the
 * codec knows gets a slot recording the JSON kind of its value (a string, an integer within
 * {@code long}, null, ...) and the value; lists and objects the codec reads (coordinates, {@code
 * versions}, {@code process}, {@code blocks}) are read in place into their final form. Nothing is
 * judged while reading, because of duplicate keys: a key given twice counts with its <b>last</b>
 * value (as in Jackson's tree model, which this replaces), so an earlier bad value of a key given
 * again is forgotten. Unknown fields are skipped, but their strings are still decoded, so a frame
 * that is not UTF-8 is refused wherever the bad bytes are.
 *
 * <p>Bounds: a list is kept only up to its cap ({@link Message#MAX_BATCH} entries, {@link
 * #MAX_DIMS} coordinates, {@link #MAX_VERSIONS} versions); past the cap the slot is marked
 * invalid at once and the rest of the list is only checked to be JSON, never kept. Nesting is
 * bounded by the parser ({@code MessageCodec}'s factory), strings and names by the frame size. So
 * what one frame keeps alive is bounded by the caps, whatever it holds.
 *
 * <p>Reuse: each thread decodes into its own set of holders ({@link #forThisThread}), cleared
 * after every frame, so a frame costs the parser and the message, not the holders (measured with
 * {@code scripts/bench codec}). That is safe because a holder is touched only inside one {@code
 * decode} call on its thread, which calls nothing that could decode again (no reentry), and
 * because nothing decoded keeps a reference into a holder: strings are immutable, {@link
 * Coordinate#of} copies, the {@code process} map is made afresh for each frame that has one.
 */
final class FrameFields {
  /** Most components of a block's offset or shape. */
  static final int MAX_DIMS = 64;
  /** Most entries of a hello's {@code versions}. */
  static final int MAX_VERSIONS = 16;

  /** How a field's value is read. */
  enum Shape {
    /** Any scalar, kept with its kind; a list or object is skipped and kept as {@link Kind#OTHER}. */
    SCALAR,
    /** A list of integers, read into a {@link Coordinate}. */
    COORDINATE,
    /** A hello's list of versions, read into the newest known one. */
    VERSIONS,
    /** The welcome's {@code process} object, read into its string fields. */
    OBJECT,
    /** A batch's {@code blocks}, read into one {@link FrameFields} per entry. */
    ENTRIES
  }

  /**
   * Every field of the protocol: the encoder writes these names, the decoder reads them. The first {@link #ENTRY_FIELDS} may also appear in an entry of
   * {@code blocks}; the rest only at the top of a frame (in an entry they are unknown fields).
   */
  enum Field {
    BLOCK_ID("block_id", Shape.SCALAR),
    STATUS("status", Shape.SCALAR, "success", "failed"),
    ERROR("error", Shape.SCALAR),
    ATTEMPT("attempt", Shape.SCALAR),
    READ_OFFSET("read_offset", Shape.COORDINATE),
    READ_SHAPE("read_shape", Shape.COORDINATE),
    WRITE_OFFSET("write_offset", Shape.COORDINATE),
    WRITE_SHAPE("write_shape", Shape.COORDINATE),
    // only at the top of a frame
    V("v", Shape.SCALAR),
    TYPE("type", Shape.SCALAR, "hello", "acquire", "release", "goodbye", "heartbeat", "welcome", "refuse",
        "block", "wait", "no_more_blocks", "abandon"),
    TASK("task", Shape.SCALAR),
    NAME("name", Shape.SCALAR),
    HOST("host", Shape.SCALAR),
    PID("pid", Shape.SCALAR),
    JOB("job", Shape.SCALAR),
    LOG("log", Shape.SCALAR),
    SLOTS("slots", Shape.SCALAR),
    WORKER_ID("worker_id", Shape.SCALAR),
    VERSIONS("versions", Shape.VERSIONS),
    ACQUIRE("acquire", Shape.SCALAR),
    REASON("reason", Shape.SCALAR),
    FATAL("fatal", Shape.SCALAR),
    PROCESS("process", Shape.OBJECT),
    HEARTBEAT_MS("heartbeat_ms", Shape.SCALAR),
    LIVENESS("liveness", Shape.SCALAR),
    RUN_DIR("run_dir", Shape.SCALAR),
    VERSION("version", Shape.SCALAR),
    COUNT("count", Shape.SCALAR),
    CPU_MS("cpu_ms", Shape.SCALAR),
    PEAK_RSS_KB("peak_rss_kb", Shape.SCALAR),
    BLOCKS("blocks", Shape.ENTRIES);

    static final int ENTRY_FIELDS = WRITE_SHAPE.ordinal() + 1;
    private static final int ALL_FIELDS = values().length;
    private static final Map<String, Field> BY_WIRE = new HashMap<>();

    static {
      for (Field f : values()) {
        BY_WIRE.put(f.wire, f);
      }
    }

    /** The name on the wire. */
    final String wire;
    /** The name quoted and in UTF-8 once for all, for the encoder. */
    final SerializedString serialized;
    final Shape shape;
    /** The values that fill most frames, matched without making a string of each. */
    private final String[] common;

    Field(String wire, Shape shape, String... common) {
      this.wire = wire;
      this.serialized = new SerializedString(wire);
      this.shape = shape;
      this.common = common;
    }

    /** The common value that the parser's current string spells, or null (then make a string of it). */
    String common(JsonParser p) throws IOException {
      if (common.length == 0) {
        return null;
      }
      char[] text = p.getTextCharacters();
      int offset = p.getTextOffset();
      int length = p.getTextLength();
      for (String c : common) {
        if (c.length() == length && spells(c, text, offset)) {
          return c;
        }
      }
      return null;
    }

    private static boolean spells(String c, char[] text, int offset) {
      for (int i = 0; i < c.length(); i++) {
        if (c.charAt(i) != text[offset + i]) {
          return false;
        }
      }
      return true;
    }

    /** The field of this wire name, or null for a field the codec does not read. */
    static Field named(String wire) {
      return BY_WIRE.get(wire); // never written after class initialisation: safe to share
    }
  }

  /** What the last value of a field was. A slot never written holds {@code null}: absent. */
  enum Kind {
    NULL,
    /** An integer within {@code long}; the value is in {@code numbers}. */
    INTEGER,
    /** The value is in {@code values}. */
    STRING,
    /** The value is in {@code numbers}, 1 for true. */
    BOOLEAN,
    /** Anything else: a fraction, an integer beyond {@code long}, a list or object not read. */
    OTHER,
    /** A list or object read in place; its result is in {@code values} (and {@code numbers}). */
    READ,
    /** A list or object read in place that is not what the field holds; the reason is in {@code values}. */
    INVALID
  }

  private static final ThreadLocal<FrameFields> PER_THREAD =
      ThreadLocal.withInitial(() -> new FrameFields(Field.ALL_FIELDS, null));

  private final Kind[] kinds;
  private final long[] numbers;
  private final Object[] values;
  /** The frame's top-level object, which owns the buffers below. */
  private final FrameFields top;
  /** Top only: the holders of {@code blocks}' entries; the first {@code entriesUsed} are in use. */
  private FrameFields[] entries;
  private int entriesUsed;
  /** Top only: the components of the coordinate being read; grows up to {@link #MAX_DIMS}. */
  private long[] scratch;
  /** Top only: the last exact-length copy handed to {@link Coordinate#of} (which copies it). */
  private long[] exact;

  private FrameFields(int fields, FrameFields top) {
    this.kinds = new Kind[fields];
    this.numbers = new long[fields];
    this.values = new Object[fields];
    this.top = top == null ? this : top;
  }

  /** This thread's holder of a frame's top-level object, empty; {@link #clear} it after use. */
  static FrameFields forThisThread() {
    return PER_THREAD.get();
  }

  /** Reads the frame's object; {@code p} has just returned its {@code START_OBJECT}. */
  void readFrame(JsonParser p) throws IOException {
    readObject(p);
  }

  /** Forgets the frame read, and every value it held (nothing of it stays reachable). */
  void clear() {
    Arrays.fill(kinds, null);
    Arrays.fill(values, null);
    for (int i = 0; i < entriesUsed; i++) {
      entries[i].clear();
    }
    entriesUsed = 0;
  }

  private void readObject(JsonParser p) throws IOException {
    String name;
    while ((name = p.nextFieldName()) != null) {
      Field f = Field.named(name);
      JsonToken t = next(p);
      if (f == null || f.ordinal() >= kinds.length) {
        skip(p, t); // unknown here: ignored
        continue;
      }
      readValue(p, f, t);
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new JsonParseException(p, "expected a field name or the end of an object");
    }
  }

  /** The value that starts with {@code t} into the field's slot, replacing what it held. */
  private void readValue(JsonParser p, Field f, JsonToken t) throws IOException {
    boolean list = t == JsonToken.START_ARRAY;
    if (f.shape == Shape.COORDINATE && list) {
      readCoordinate(p, f);
    } else if (f.shape == Shape.VERSIONS && list) {
      readVersions(p, f.ordinal());
    } else if (f.shape == Shape.OBJECT && t == JsonToken.START_OBJECT) {
      readProcess(p, f.ordinal());
    } else if (f.shape == Shape.ENTRIES && list) {
      readEntries(p, f);
    } else {
      readScalar(p, t, f); // also a list or object where it does not belong: OTHER
    }
  }

  private void readScalar(JsonParser p, JsonToken t, Field f) throws IOException {
    int i = f.ordinal();
    values[i] = null;
    numbers[i] = 0;
    switch (t) {
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          kinds[i] = Kind.OTHER;
        } else {
          kinds[i] = Kind.INTEGER;
          numbers[i] = p.getLongValue();
        }
      }
      case VALUE_STRING -> {
        kinds[i] = Kind.STRING;
        String common = f.common(p);
        values[i] = common != null ? common : p.getText();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        kinds[i] = Kind.BOOLEAN;
        numbers[i] = t == JsonToken.VALUE_TRUE ? 1 : 0;
      }
      case VALUE_NULL -> kinds[i] = Kind.NULL;
      default -> {
        kinds[i] = Kind.OTHER;
        skip(p, t);
      }
    }
  }

  private void readCoordinate(JsonParser p, Field f) throws IOException {
    String invalid = null;
    int n = 0;
    long[] buffer = top.scratch;
    for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
      if (invalid != null) {
        skip(p, t);
      } else if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        invalid = "field '" + f.wire + "' must be an array of integers";
        skip(p, t);
      } else if (n == MAX_DIMS) {
        invalid = "field '" + f.wire + "' must be an array of at most " + MAX_DIMS + " integers";
      } else {
        if (buffer == null || n == buffer.length) {
          buffer = Arrays.copyOf(buffer == null ? new long[0] : buffer, n == 0 ? 8 : n * 2);
          top.scratch = buffer;
        }
        buffer[n++] = p.getLongValue();
      }
    }
    int i = f.ordinal();
    numbers[i] = 0;
    if (invalid != null) {
      kinds[i] = Kind.INVALID;
      values[i] = invalid;
      return;
    }
    // reused while the length stays the same (every coordinate of a frame, as a rule)
    long[] copy = top.exact;
    if (copy == null || copy.length != n) {
      copy = new long[n];
      top.exact = copy;
    }
    System.arraycopy(buffer == null ? copy : buffer, 0, copy, 0, n);
    kinds[i] = Kind.READ;
    values[i] = Coordinate.of(copy);
  }

  /** The newest known version in the list (null if none), its length in {@code numbers}. */
  private void readVersions(JsonParser p, int i) throws IOException {
    String invalid = null;
    int n = 0;
    ProtocolVersion newest = null;
    for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
      if (invalid != null) {
        skip(p, t);
      } else if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          || n == MAX_VERSIONS) {
        invalid = "hello versions must be an array of 1 to " + MAX_VERSIONS + " integers";
        skip(p, t);
      } else {
        n++;
        ProtocolVersion v = ProtocolVersion.of(p.getLongValue());
        if (v != null && (newest == null || v.compareTo(newest) > 0)) {
          newest = v;
        }
      }
    }
    kinds[i] = invalid != null ? Kind.INVALID : Kind.READ;
    values[i] = invalid != null ? invalid : newest;
    numbers[i] = n;
  }

  /**
   * The object's fields in order, a string's value or null for any other value; a key given again
   * keeps its first place and takes its last value, as in a JSON tree. Unbounded but for the frame
   * size: a welcome's {@code process} has as many options as the task has.
   */
  private void readProcess(JsonParser p, int i) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = next(p);
      if (t == JsonToken.VALUE_STRING) {
        fields.put(name, p.getText());
      } else {
        skip(p, t);
        fields.put(name, null);
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new JsonParseException(p, "expected a field name or the end of an object");
    }
    kinds[i] = Kind.READ;
    values[i] = fields;
    numbers[i] = 0;
  }

  /** The entries into this thread's entry holders; their number in {@code numbers}. */
  private void readEntries(JsonParser p, Field f) throws IOException {
    // only the top has blocks: a key given again replaces the entries read before, so the holders
    // in use never exceed one list's cap
    top.releaseEntries();
    String invalid = null;
    int n = 0;
    for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
      if (invalid != null) {
        skip(p, t);
      } else if (n == Message.MAX_BATCH) {
        invalid = "field '" + f.wire + "' must be an array of at most " + Message.MAX_BATCH + " entries";
        skip(p, t);
      } else if (t != JsonToken.START_OBJECT) {
        invalid = "the entries of '" + f.wire + "' must be objects";
        skip(p, t);
      } else {
        top.takeEntry().readObject(p);
        n++;
      }
    }
    int i = f.ordinal();
    kinds[i] = invalid != null ? Kind.INVALID : Kind.READ;
    values[i] = invalid;
    numbers[i] = n;
  }

  private void releaseEntries() {
    for (int i = 0; i < entriesUsed; i++) {
      entries[i].clear();
    }
    entriesUsed = 0;
  }

  private FrameFields takeEntry() {
    if (entries == null || entriesUsed == entries.length) {
      entries = Arrays.copyOf(entries == null ? new FrameFields[0] : entries, Math.max(4, entriesUsed * 2));
    }
    if (entries[entriesUsed] == null) {
      entries[entriesUsed] = new FrameFields(Field.ENTRY_FIELDS, this);
    }
    return entries[entriesUsed++];
  }

  /** The next token; the end of the input inside an object or list is a malformed frame. */
  private static JsonToken next(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new JsonParseException(p, "the frame ends inside an object or array");
    }
    return t;
  }

  /**
   * Passes over the value that starts with {@code t}, decoding its strings as the tree model did,
   * so that the verdict on bytes that are not UTF-8 cannot depend on whether a field is known
   * (Jackson's own skipping checks the same byte patterns today; this keeps it so for unknown
   * fields, which are rare, at the price of decoding them into the parser's buffer).
   */
  private static void skip(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      p.getTextLength();
      return;
    }
    if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT) {
      return;
    }
    for (int depth = 1; depth > 0; ) {
      JsonToken x = next(p);
      if (x == JsonToken.START_ARRAY || x == JsonToken.START_OBJECT) {
        depth++;
      } else if (x == JsonToken.END_ARRAY || x == JsonToken.END_OBJECT) {
        depth--;
      } else if (x == JsonToken.VALUE_STRING) {
        p.getTextLength();
      }
    }
  }

  // ---- what MessageCodec asks, answered as a JSON tree would ----

  private Kind kind(Field f) {
    return kinds[f.ordinal()];
  }

  /** Whether the field is given at all, null included. */
  boolean has(Field f) {
    return kind(f) != null;
  }

  /** The field's integer value; absent, null or anything but an integer within {@code long}: refused. */
  long integer(Field f) throws ProtocolException {
    if (kind(f) != Kind.INTEGER) {
      throw new ProtocolException("field '" + f.wire + "' must be an integer");
    }
    return numbers[f.ordinal()];
  }

  /** Whether the field holds an integer within {@code int}. */
  boolean isInt(Field f) {
    long n = numbers[f.ordinal()];
    return kind(f) == Kind.INTEGER && n == (int) n;
  }

  /** The field's value as text for a message: the integer, or what else it was. */
  String describe(Field f) {
    Kind k = kind(f);
    if (k == Kind.INTEGER) {
      return Long.toString(numbers[f.ordinal()]);
    }
    return k == null ? "none" : k == Kind.STRING ? "'" + values[f.ordinal()] + "'" : "not an integer";
  }

  /** A string field; absent or null is none (null, or refused if required). */
  String text(Field f, boolean required) throws ProtocolException {
    Kind k = kind(f);
    if (k == null || k == Kind.NULL) {
      if (required) {
        throw new ProtocolException("missing field '" + f.wire + "'");
      }
      return null;
    }
    if (k != Kind.STRING) {
      throw new ProtocolException("field '" + f.wire + "' must be a string");
    }
    return (String) values[f.ordinal()];
  }

  /** An optional boolean field, false when absent or null. */
  boolean flag(Field f) throws ProtocolException {
    Kind k = kind(f);
    if (k == null || k == Kind.NULL) {
      return false;
    }
    if (k != Kind.BOOLEAN) {
      throw new ProtocolException("field '" + f.wire + "' must be true or false");
    }
    return numbers[f.ordinal()] != 0;
  }

  /** A list of at most {@link #MAX_DIMS} integers (possibly empty). */
  Coordinate coordinate(Field f) throws ProtocolException {
    Kind k = kind(f);
    if (k == Kind.INVALID) {
      throw new ProtocolException((String) values[f.ordinal()]);
    }
    if (k != Kind.READ) {
      throw new ProtocolException("field '" + f.wire + "' must be an array of integers");
    }
    return (Coordinate) values[f.ordinal()];
  }

  /** Whether {@code versions} is absent or null. */
  boolean noVersions() {
    Kind k = kind(Field.VERSIONS);
    return k == null || k == Kind.NULL;
  }

  /**
   * The newest version {@code versions} lists that this side knows, null if it lists none; refused
   * when it is not a list of 1 to {@link #MAX_VERSIONS} integers.
   */
  ProtocolVersion newestVersion() throws ProtocolException {
    int i = Field.VERSIONS.ordinal();
    Kind k = kinds[i];
    if (k == Kind.INVALID) {
      throw new ProtocolException((String) values[i]);
    }
    if (k != Kind.READ || numbers[i] == 0) {
      throw new ProtocolException("hello versions must be an array of 1 to " + MAX_VERSIONS + " integers");
    }
    return (ProtocolVersion) values[i];
  }

  /**
   * The {@code process} object's fields in order, each a string or null for a value that is not
   * one; null when the field is absent or null; refused when it is not an object.
   */
  @SuppressWarnings("unchecked")
  Map<String, String> process() throws ProtocolException {
    int i = Field.PROCESS.ordinal();
    Kind k = kinds[i];
    if (k == null || k == Kind.NULL) {
      return null;
    }
    if (k != Kind.READ) {
      throw new ProtocolException("field 'process' must be an object");
    }
    return (Map<String, String>) values[i];
  }

  /**
   * How many entries {@code blocks} has: at least {@code min} and at most {@link
   * Message#MAX_BATCH} objects, else refused. Read them with {@link #entry}.
   */
  int entries(int min) throws ProtocolException {
    int i = Field.BLOCKS.ordinal();
    Kind k = kinds[i];
    if (k == Kind.INVALID) {
      throw new ProtocolException((String) values[i]);
    }
    if (k != Kind.READ || numbers[i] < min) {
      throw new ProtocolException("field 'blocks' must be an array of " + min + " to " + Message.MAX_BATCH
          + " entries");
    }
    return (int) numbers[i];
  }

  /** Entry {@code i} of {@code blocks}, valid until {@link #clear}. */
  FrameFields entry(int i) {
    return entries[i];
  }
}
