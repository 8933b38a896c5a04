package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.ProcessUsage;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.AcquireBatch;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.AssignBatch;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.Outcome;
import org.daisyjava.core.protocol.Message.Refuse;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.ReleaseBatch;
import org.daisyjava.core.protocol.Message.Welcome;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken frames: every one is a {@link ProtocolException} — never another exception,
 * never a message — and the streaming decoder draws the line exactly where the tree-model decoder
 * it replaced drew it ({@link TreeModelDecoder}: the same frames accepted, to equal messages).
 */
class MalformedFrameCorpusTest {
  private static final ObjectMapper TREE = new ObjectMapper();

  /** Valid frames with every optional field given, one of each type that has fields. */
  private static List<Message> seeds() {
    Roi read = Roi.of(new long[] {-2, 0, 5}, new long[] {14, 10, 10});
    Roi write = Roi.of(new long[] {0, 0, 5}, new long[] {10, 10, 10});
    List<Assign> assigns = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assigns.add(new Assign(new Block("task-a", 7 + i, read, write), 1 + i));
    }
    return List.of(
        new Hello("task-a", "host:12", "host", 12, "123_4", "/logs/w.err", 4, 9, ProtocolVersion.V2),
        new Welcome(3, new BlockCode(BlockCode.Kind.BUILTIN, "sleep", Map.of("seconds", "0.05")), 1000, 5,
            "/run", ProtocolVersion.V2),
        new Release(7, false, "exit code 1", 1),
        new ReleaseBatch(List.of(new Outcome(7, true, null), new Outcome(8, false, "boom")), 2),
        new AcquireBatch(16),
        assigns.get(0),
        new AssignBatch(assigns),
        new Goodbye("bye", true),
        new Goodbye("no more blocks", false, new ProcessUsage(12_340, 81_920)),
        new Abandon(7, "timeout"),
        new Refuse("no"),
        new Heartbeat(),
        new Heartbeat(new ProcessUsage(0, 1)));
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The old decoder's verdict: the message, or REFUSED (also for what it let escape as another
   * exception) — with the four rules the streaming decoder added on purpose: a frame is one
   * object (nothing but whitespace after it) in UTF-8 (not UTF-16 or UTF-32), the block ids a
   * worker names are not negative, and a block's attempt (from 1) and a welcome's heartbeat and
   * liveness are in range.
   */
  private static Object oracle(byte[] frame) {
    try {
      Message m = TreeModelDecoder.decode(frame);
      return oneUtf8Object(frame) && inRange(m) ? m : "REFUSED";
    } catch (ProtocolException | RuntimeException | java.io.IOException e) {
      return "REFUSED";
    }
  }

  private static boolean oneUtf8Object(byte[] frame) throws java.io.IOException {
    String text = new String(frame, StandardCharsets.UTF_8);
    if (text.isEmpty() || "{ \t\r\n".indexOf(text.charAt(0)) < 0 || text.indexOf('\0') >= 0 && text.indexOf('\0') < 4) {
      return false;
    }
    try (com.fasterxml.jackson.core.JsonParser p = TREE.getFactory().createParser(frame)) {
      p.nextToken();
      p.skipChildren();
      return p.nextToken() == null;
    }
  }

  private static boolean inRange(Message m) {
    if (m instanceof Release r) {
      return r.blockId() >= 0;
    } else if (m instanceof Abandon a) {
      return a.blockId() >= 0;
    } else if (m instanceof ReleaseBatch r) {
      return r.blocks().stream().allMatch(o -> o.blockId() >= 0);
    } else if (m instanceof Assign a) {
      return a.attempt() >= 1;
    } else if (m instanceof AssignBatch b) {
      return b.blocks().stream().allMatch(a -> a.attempt() >= 1);
    } else if (m instanceof Welcome w) {
      return w.heartbeatMillis() >= 1 && w.heartbeatMillis() <= MessageCodec.MAX_HEARTBEAT_MS
          && w.liveness() >= 1 && w.liveness() <= 1000;
    }
    return true;
  }

  /** The new decoder's verdict; any exception but a ProtocolException fails the test. */
  private static Object decoded(byte[] frame) {
    try {
      return MessageCodec.decode(frame);
    } catch (ProtocolException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a ProtocolException says why");
      return "REFUSED";
    }
  }

  private static String show(byte[] frame) {
    String s = new String(frame, StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "... (" + frame.length + " bytes)" : s;
  }

  private static void refused(byte[] frame) {
    assertEquals("REFUSED", decoded(frame), () -> show(frame));
    assertEquals("REFUSED", oracle(frame), () -> "the corpus itself is wrong: the old decoder took " + show(frame));
  }

  /**
   * Refused now, taken by the old decoder: one of the rules {@link #oracle} names (the oracle
   * cannot see an attempt or liveness beyond int, which the old decoder cut to a small one).
   */
  private static void refusedNow(byte[] frame) {
    assertEquals("REFUSED", decoded(frame), () -> show(frame));
    assertTrue(!(safeOld(frame) instanceof String), () -> "the old decoder took it: " + show(frame));
  }

  private static Object safeOld(byte[] frame) {
    try {
      return TreeModelDecoder.decode(frame);
    } catch (ProtocolException | RuntimeException e) {
      return "REFUSED";
    }
  }

  @Test
  void idsAttemptsAndHeartbeatsOutOfRangeAreRefused() {
    refusedNow(bytes("{\"v\":1,\"type\":\"release\",\"block_id\":-1,\"status\":\"success\"}"));
    refusedNow(bytes("{\"v\":1,\"type\":\"abandon\",\"block_id\":-5}"));
    refusedNow(bytes("{\"v\":2,\"type\":\"release\",\"blocks\":[{\"block_id\":-1,\"status\":\"success\"}]}"));
    String block = "\"block_id\":1,\"read_offset\":[0],\"read_shape\":[1],\"write_offset\":[0],\"write_shape\":[1]";
    refusedNow(bytes("{\"v\":1,\"type\":\"block\",\"task\":\"a\"," + block + ",\"attempt\":4294967297}"));
    refusedNow(bytes("{\"v\":1,\"type\":\"block\",\"task\":\"a\"," + block + ",\"attempt\":0}"));
    refusedNow(bytes("{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,\"heartbeat_ms\":0,\"liveness\":5}"));
    refusedNow(bytes("{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,\"heartbeat_ms\":1000,\"liveness\":4294967301}"));
  }

  @Test
  void usageOutOfBoundsOrHalfGivenIsRefused() throws Exception {
    refused(bytes("{\"v\":1,\"type\":\"heartbeat\",\"cpu_ms\":-1,\"peak_rss_kb\":5}"));
    refused(bytes("{\"v\":1,\"type\":\"heartbeat\",\"cpu_ms\":5,\"peak_rss_kb\":1099511627777}"));
    refused(bytes("{\"v\":1,\"type\":\"heartbeat\",\"cpu_ms\":10000000000001,\"peak_rss_kb\":5}"));
    refused(bytes("{\"v\":1,\"type\":\"goodbye\",\"cpu_ms\":5}"));
    refused(bytes("{\"v\":1,\"type\":\"goodbye\",\"peak_rss_kb\":5}"));
    refused(bytes("{\"v\":1,\"type\":\"goodbye\",\"cpu_ms\":\"5\",\"peak_rss_kb\":5}"));
    refused(bytes("{\"v\":1,\"type\":\"heartbeat\",\"cpu_ms\":1.5,\"peak_rss_kb\":5}"));
    assertEquals(new Heartbeat(new ProcessUsage(ProcessUsage.MAX_CPU_MILLIS, ProcessUsage.MAX_PEAK_RSS_KB)),
        MessageCodec.decode(bytes("{\"v\":1,\"type\":\"heartbeat\",\"cpu_ms\":10000000000000,"
            + "\"peak_rss_kb\":1099511627776}")));
  }

  private static void sameAsBefore(byte[] frame) {
    assertEquals(oracle(frame), decoded(frame), () -> show(frame));
  }

  @Test
  void everyTruncationOfAValidFrameIsRefused() {
    int frames = 0;
    for (Message m : seeds()) {
      byte[] frame = MessageCodec.encode(m);
      assertEquals(m, decoded(frame));
      for (int length = 0; length < frame.length; length++) {
        refused(Arrays.copyOf(frame, length));
        frames++;
      }
    }
    System.out.printf("%,d truncated frames refused%n", frames);
  }

  /** Each field of each seed replaced by a value of a kind it must not have; each field removed. */
  @Test
  void wrongKindsPerFieldAreRefusedAndRemovalsJudgedAsBefore() throws IOException {
    Map<String, List<String>> wrong = Map.ofEntries(
        Map.entry("v", List.of("\"1\"", "1.0", "null", "3", "0", "4294967297", "true", "[1]")),
        Map.entry("type", List.of("1", "null", "\"nope\"", "[\"block\"]", "{}", "\"Block\"")),
        Map.entry("task", texts(true)), Map.entry("name", texts(true)), Map.entry("host", texts(true)),
        Map.entry("job", texts(false)), Map.entry("log", texts(false)), Map.entry("run_dir", texts(false)),
        Map.entry("reason", texts(false)), Map.entry("error", texts(false)),
        Map.entry("status", List.of("\"ok\"", "\"SUCCESS\"", "1", "true", "null", "[]")),
        Map.entry("pid", integers()), Map.entry("worker_id", integers("-1")),
        Map.entry("heartbeat_ms", integers()), Map.entry("liveness", integers()),
        Map.entry("block_id", integers()), Map.entry("attempt", integers()),
        Map.entry("slots", integers("0", "65")), Map.entry("count", integers("0", "65")),
        Map.entry("acquire", integers("-1", "1001")), Map.entry("version", integers("0", "3", "2147483648")),
        Map.entry("fatal", List.of("\"true\"", "1", "[]", "{}")),
        Map.entry("versions", List.of("2", "\"2\"", "{}", "[]", "[\"2\"]", "[1.5]", "[7]", "[99999999999999999999]",
            "[" + String.join(",", Collections.nCopies(17, "1")) + "]")),
        Map.entry("process", List.of("\"x\"", "1", "[]", "{}", "{\"builtin\":1}", "{\"builtin\":\"\"}",
            "{\"class\":\"A\",\"command\":\"b\"}", "{\"builtin\":\"sleep\",\"seconds\":0.05}")),
        Map.entry("blocks", List.of("null", "{}", "7", "[7]", "[null]", "[[]]",
            "[" + String.join(",", Collections.nCopies(65, "{}")) + "]")));
    for (String coordinate : List.of("read_offset", "read_shape", "write_offset", "write_shape")) {
      wrong = with(wrong, coordinate, List.of("null", "\"0\"", "1", "{}", "[]", "[\"1\"]", "[1.5]", "[-1]",
          "[99999999999999999999]", "[1,2]", "[" + String.join(",", Collections.nCopies(65, "1")) + "]"));
    }
    int refused = 0;
    int removals = 0;
    for (Message m : seeds()) {
      ObjectNode root = (ObjectNode) TREE.readTree(MessageCodec.encode(m));
      List<ObjectNode> objects = new ArrayList<>(List.of(root));
      if (root.get("blocks") instanceof ArrayNode entries) {
        objects.add((ObjectNode) entries.get(0));
      }
      for (ObjectNode object : objects) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
          JsonNode original = object.get(name);
          for (String value : wrong.getOrDefault(name, List.of())) {
            if (badFor(m, name, value)) {
              object.set(name, TREE.readTree(value));
              refused(TREE.writeValueAsBytes(root));
              refused++;
            }
          }
          object.remove(name);
          sameAsBefore(TREE.writeValueAsBytes(root));
          removals++;
          object.set(name, original);
        }
      }
    }
    assertTrue(refused > 300, "the corpus reached most fields: " + refused);
    System.out.printf("%d frames with a wrong kind of value refused, %d removals judged as before%n", refused,
        removals);
  }

  /** Whether {@code value} is wrong for field {@code name} of {@code m} (a welcome may name any worker id). */
  private static boolean badFor(Message m, String name, String value) {
    return !(m instanceof Welcome && name.equals("worker_id") && value.equals("-1"));
  }

  private static Map<String, List<String>> with(Map<String, List<String>> map, String key, List<String> values) {
    Map<String, List<String>> out = new java.util.HashMap<>(map);
    out.put(key, values);
    return out;
  }

  private static List<String> texts(boolean required) {
    List<String> values = new ArrayList<>(List.of("1", "1.5", "true", "[]", "{}", "[\"x\"]"));
    if (required) {
      values.add("null");
    }
    return values;
  }

  private static List<String> integers(String... outOfRange) {
    List<String> values = new ArrayList<>(List.of("\"1\"", "1.5", "1e2", "true", "null", "[]", "{}",
        "9223372036854775808", "-9223372036854775809", "[1]"));
    values.addAll(List.of(outOfRange));
    return values;
  }

  @Test
  void hugeArraysAreRefusedWithoutKeepingThem() {
    int many = 200_000;
    List<byte[]> frames = List.of(
        bytes("{\"v\":2,\"type\":\"release\",\"blocks\":[" + repeat("{}", many / 2) + "]}"),
        bytes("{\"v\":2,\"type\":\"release\",\"blocks\":[" + repeat("{\"block_id\":1,\"status\":\"success\"}", 20_000)
            + "]}"),
        bytes("{\"v\":2,\"type\":\"block\",\"task\":\"a\",\"blocks\":[" + repeat("7", many) + "]}"),
        bytes("{\"v\":1,\"type\":\"block\",\"task\":\"a\",\"block_id\":1,\"attempt\":1,\"read_offset\":["
            + repeat("1", many) + "],\"read_shape\":[1],\"write_offset\":[1],\"write_shape\":[1]}"),
        bytes("{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\",\"host\":\"h\",\"pid\":1,\"versions\":["
            + repeat("1", many) + "]}"),
        bytes("{\"v\":2,\"type\":\"acquire\",\"count\":[" + repeat("1", many) + "]}"));
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (byte[] frame : frames) {
      assertTrue(frame.length <= MessageCodec.MAX_FRAME, frame.length + " bytes");
      refused(frame);
      decoded(frame); // once more, warm
      long before = threads.getCurrentThreadAllocatedBytes();
      decoded(frame);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      // the tree model made a node of every element (tens of MB); kept are at most the caps' worth
      assertTrue(allocated < frame.length / 4, allocated + " bytes allocated to refuse " + show(frame));
    }
    // beyond the frame limit nothing is read at all
    refused(new byte[MessageCodec.MAX_FRAME + 1]);
  }

  @Test
  void hugeUnknownFieldsAreIgnoredAsBefore() throws ProtocolException {
    byte[] frame = bytes("{\"v\":1,\"type\":\"heartbeat\",\"x\":[" + repeat("[1,\"a\",{\"b\":null}]", 40_000) + "]}");
    assertInstanceOf(Heartbeat.class, MessageCodec.decode(frame));
    sameAsBefore(frame);
  }

  @Test
  void deepNestingIsRefusedWithoutOverflowingTheStack() throws ProtocolException {
    int deep = 200_000;
    String open = "[".repeat(deep);
    String close = "]".repeat(deep);
    for (String frame : List.of(
        open + close,
        "{\"v\":1,\"type\":\"heartbeat\",\"x\":" + open + close + "}",
        "{\"v\":1,\"type\":\"heartbeat\",\"x\":" + "{\"a\":".repeat(deep / 10) + "1" + "}".repeat(deep / 10) + "}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":" + open + close + "}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[{\"block_id\":1,\"status\":\"success\",\"x\":" + open + close
            + "}]}",
        "{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,\"heartbeat_ms\":1,\"liveness\":1,\"process\":{\"class\":"
            + open + close + "}}",
        "{\"v\":1,\"type\":\"block\",\"read_offset\":" + open + close + "}",
        // the parser's limit: 1000 levels
        "{\"v\":1,\"type\":\"heartbeat\",\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}")) {
      refused(bytes(frame));
    }
    // below the limit, unknown nested fields are ignored as they were
    byte[] fine = bytes("{\"v\":1,\"type\":\"heartbeat\",\"x\":" + "[".repeat(990) + "]".repeat(990) + "}");
    assertInstanceOf(Heartbeat.class, MessageCodec.decode(fine));
    sameAsBefore(fine);
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedWhereverTheyAre() throws IOException {
    List<byte[]> bad = List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xc3},
        new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0xc0, (byte) 0x80, (byte) 0xff},
        new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        new byte[] {(byte) 0xfe, (byte) 0xfe});
    List<String[]> places = List.of(
        new String[] {"{\"v\":1,\"type\":\"", "\"}"},
        new String[] {"{\"v\":1,\"type\":\"heartbeat\",\"x\":\"", "\"}"},
        new String[] {"{\"v\":1,\"type\":\"heartbeat\",\"", "\":1}"},
        new String[] {"{\"v\":1,\"type\":\"heartbeat\",\"x\":[{\"y\":\"", "\"}]}"},
        new String[] {"{\"v\":1,\"type\":\"goodbye\",\"reason\":\"", "\"}"},
        new String[] {"{\"v\":2,\"type\":\"release\",\"blocks\":[{\"block_id\":1,\"status\":\"failed\",\"error\":\"",
            "\"}]}"},
        new String[] {"{\"v\":2,\"type\":\"release\",\"blocks\":[{\"block_id\":1,\"status\":\"success\",\"z\":\"",
            "\"}]}"},
        new String[] {"{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,\"heartbeat_ms\":1,\"liveness\":1,"
            + "\"process\":{\"class\":\"A\",\"o\":\"", "\"}}"},
        new String[] {"{\"v\":1,\"type\":\"heartbeat\",\"x\":", "}"});
    int frames = 0;
    for (String[] place : places) {
      for (byte[] b : bad) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(bytes(place[0]));
        frame.write(b);
        frame.write(bytes(place[1]));
        refused(frame.toByteArray());
        frames++;
      }
    }
    // other encodings that JSON allows and Jackson detects: refused, the protocol is UTF-8
    for (String charset : List.of("UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE")) {
      refusedNow("{\"v\":1,\"type\":\"heartbeat\"}".getBytes(java.nio.charset.Charset.forName(charset)));
    }
    refusedNow(bytes("\ufeff{\"v\":1,\"type\":\"heartbeat\"}")); // a byte-order mark
    assertEquals(places.size() * bad.size(), frames);
  }

  @Test
  void duplicateKeysCountWithTheirLastValue() throws ProtocolException {
    String ok = "{\"block_id\":1,\"status\":\"success\"}";
    assertInstanceOf(Heartbeat.class, MessageCodec.decode(bytes("{\"v\":\"x\",\"type\":1,\"v\":1,\"type\":\"heartbeat\"}")));
    refused(bytes("{\"v\":1,\"type\":\"heartbeat\",\"v\":\"x\"}"));
    assertEquals(new ReleaseBatch(List.of(new Outcome(1, true, null)), 0),
        MessageCodec.decode(bytes("{\"v\":2,\"type\":\"release\",\"blocks\":[" + repeat(ok, 65) + "],\"blocks\":[" + ok
            + "]}")));
    refused(bytes("{\"v\":2,\"type\":\"release\",\"blocks\":[" + ok + "],\"blocks\":[" + repeat(ok, 65) + "]}"));
    assertEquals(new ReleaseBatch(List.of(new Outcome(2, false, null)), 0),
        MessageCodec.decode(bytes("{\"v\":2,\"type\":\"release\",\"blocks\":[{\"block_id\":\"x\",\"status\":\"ok\","
            + "\"block_id\":2,\"status\":\"failed\"}]}")));
    assertEquals(new Release(5, true, null, 0), MessageCodec.decode(bytes(
        "{\"type\":\"release\",\"block_id\":[],\"block_id\":5,\"status\":\"success\",\"v\":1}")));
    // a process key given again keeps its first place and its last value, as in a JSON tree
    Welcome w = (Welcome) MessageCodec.decode(bytes("{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,"
        + "\"heartbeat_ms\":1,\"liveness\":1,\"process\":{\"class\":1,\"seconds\":\"1\",\"class\":\"A\"}}"));
    assertEquals(BlockCode.Kind.CLASS, w.process().kind());
    assertEquals(Map.of("seconds", "1"), w.process().options());
    assertEquals("A", w.process().value());
    for (String frame : List.of(
        "{\"v\":\"x\",\"type\":1,\"v\":1,\"type\":\"heartbeat\"}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[7],\"blocks\":[" + ok + "]}",
        "{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,\"heartbeat_ms\":1,\"liveness\":1,"
            + "\"process\":{\"class\":\"A\",\"command\":\"b\",\"class\":\"B\"}}")) {
      sameAsBefore(bytes(frame));
    }
  }

  @Test
  void aFrameIsOneObject() throws ProtocolException {
    refusedNow(bytes("{\"v\":1,\"type\":\"heartbeat\"} ]]] \u00ff garbage"));
    refusedNow(bytes("{\"v\":1,\"type\":\"heartbeat\"}{\"v\":1,\"type\":\"heartbeat\"}"));
    assertInstanceOf(Heartbeat.class, MessageCodec.decode(bytes(" {\"v\":1,\"type\":\"heartbeat\"} \r\n")));
    for (String notAnObject : List.of(" ", "[]", "1", "\"x\"", "null", "[{\"v\":1,\"type\":\"heartbeat\"}]", "}")) {
      refused(bytes(notAnObject));
    }
    assertThrows(ProtocolException.class, () -> MessageCodec.decode(new byte[0]));
    assertThrows(ProtocolException.class, () -> MessageCodec.decode(null));
  }

  /** A block of an empty task: the old decoder let an IllegalArgumentException escape; now refused. */
  @Test
  void aBlockOfAnEmptyTaskIsRefused() {
    String roi = "\"read_offset\":[0],\"read_shape\":[1],\"write_offset\":[0],\"write_shape\":[1]";
    for (String frame : List.of("{\"v\":1,\"type\":\"block\",\"task\":\"\",\"block_id\":1,\"attempt\":1," + roi + "}",
        "{\"v\":2,\"type\":\"block\",\"task\":\"\",\"blocks\":[{\"block_id\":1,\"attempt\":1," + roi + "}]}")) {
      assertThrows(IllegalArgumentException.class, () -> TreeModelDecoder.decode(bytes(frame)));
      ProtocolException e = assertThrows(ProtocolException.class, () -> MessageCodec.decode(bytes(frame)));
      assertTrue(e.getMessage().contains("task"), e.getMessage());
    }
  }

  /**
   * Random edits of valid frames — bytes replaced, inserted, deleted (also bytes that are not
   * UTF-8), cuts, keys swapped or doubled: the new decoder agrees with the old one on every frame.
   */
  @Test
  void mutatedFramesAreJudgedExactlyAsBefore() {
    List<byte[]> seeds = new ArrayList<>();
    for (Message m : seeds()) {
      seeds.add(MessageCodec.encode(m));
    }
    byte[] alphabet = bytes("{}[],:\"0123456789-+eE.tfnulrsavbockdypx \\");
    Random random = new Random(1402);
    int accepted = 0;
    int rounds = 40_000;
    for (int round = 0; round < rounds; round++) {
      byte[] frame = seeds.get(random.nextInt(seeds.size()));
      for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
        frame = mutate(frame, random, alphabet);
      }
      Object before = oracle(frame);
      assertEquals(before, decoded(frame), show(frame));
      if (!"REFUSED".equals(before)) {
        accepted++;
      }
    }
    assertTrue(accepted > rounds / 50 && accepted < rounds, "mutations both kept and broke frames: " + accepted);
    System.out.printf("%,d mutated frames judged as before (%,d still messages)%n", rounds, accepted);
  }

  private static byte[] mutate(byte[] frame, Random random, byte[] alphabet) {
    if (frame.length == 0) {
      return frame;
    }
    int at = random.nextInt(frame.length);
    byte b = random.nextInt(8) == 0 ? (byte) (0x80 + random.nextInt(0x80)) : alphabet[random.nextInt(alphabet.length)];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (random.nextInt(6)) {
      case 0 -> { // replace
        byte[] copy = frame.clone();
        copy[at] = b;
        return copy;
      }
      case 1 -> { // insert
        out.write(frame, 0, at);
        out.write(b);
        out.write(frame, at, frame.length - at);
      }
      case 2 -> { // delete
        out.write(frame, 0, at);
        out.write(frame, at + 1, frame.length - at - 1);
      }
      case 3 -> { // cut
        return Arrays.copyOf(frame, at);
      }
      default -> { // a stretch of the frame repeated (keys doubled, lists lengthened) or dropped
        int to = at + random.nextInt(Math.min(40, frame.length - at) + 1);
        out.write(frame, 0, to);
        if (random.nextBoolean()) {
          out.write(frame, at, to - at);
        } else {
          out.reset();
          out.write(frame, 0, at);
        }
        out.write(frame, to, frame.length - to);
      }
    }
    return out.toByteArray();
  }

  private static String repeat(String s, int n) {
    return String.join(",", Collections.nCopies(n, s));
  }
}
