package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
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
import org.junit.jupiter.api.Test;

/**
 * Random messages of every type survive encode and decode, and so does their frame re-written by
 * another JSON writer with its keys (also the entries' keys) in a random order, unknown fields
 * mixed in and sometimes pretty-printed — what a worker in another language may send. The old
 * tree-model decoder reads the same frames to the same messages.
 */
class CodecPropertyTest {
  private static final ObjectMapper TREE = new ObjectMapper();
  private static final int ROUNDS_PER_TYPE = 400;

  @Test
  void randomMessagesOfEveryTypeDecodeEqualInAnyFieldOrder() throws IOException, ProtocolException {
    Random random = new Random(20261201);
    Map<String, Integer> seen = new HashMap<>();
    int reordered = 0;
    for (int round = 0; round < ROUNDS_PER_TYPE * Generator.TYPES; round++) {
      Message m = new Generator(random).message(round % Generator.TYPES);
      seen.merge(m.getClass().getSimpleName(), 1, Integer::sum);
      byte[] frame = MessageCodec.encode(m);
      assertEquals(m, MessageCodec.decode(frame), () -> new String(frame, StandardCharsets.UTF_8));

      byte[] shuffled = reorder(frame, random);
      String text = new String(shuffled, StandardCharsets.UTF_8);
      assertEquals(m, MessageCodec.decode(shuffled), text);
      assertEquals(m, TreeModelDecoder.decode(shuffled), text);
      if (!text.startsWith("{\"v\"") && !text.replaceAll("\\s", "").startsWith("{\"v\"")) {
        reordered++;
      }
    }
    assertEquals(Message.class.getPermittedSubclasses().length, seen.size(), "every type was generated: " + seen);
    assertTrue(reordered > ROUNDS_PER_TYPE, "most frames did not start with v: " + reordered);
  }

  /**
   * The decoder reuses holders per thread: threads decoding at once each get their own message,
   * also when frames that fail midway (cut, or with a list beyond its cap) come in between.
   */
  @Test
  void threadsDecodingAtOnceEachGetTheirOwnMessages() throws Exception {
    int threads = 4;
    List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        long seed = 77 + t;
        results.add(pool.submit(() -> {
          Random random = new Random(seed);
          Generator generator = new Generator(random);
          int checked = 0;
          for (int i = 0; i < 3000; i++) {
            Message m = generator.message(random.nextBoolean() ? 10 : random.nextInt(Generator.TYPES));
            byte[] frame = MessageCodec.encode(m);
            if (random.nextInt(3) == 0) {
              byte[] cut = java.util.Arrays.copyOf(frame, random.nextInt(frame.length));
              org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class, () -> MessageCodec.decode(cut));
            }
            assertEquals(m, MessageCodec.decode(frame));
            checked++;
          }
          return checked;
        }));
      }
      for (java.util.concurrent.Future<Integer> r : results) {
        assertEquals(3000, r.get(5, java.util.concurrent.TimeUnit.MINUTES));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The frame with its object keys shuffled at every level, and unknown fields added. */
  private static byte[] reorder(byte[] frame, Random random) throws IOException {
    JsonNode shuffled = shuffle(TREE.readTree(frame), random, true);
    return random.nextInt(4) == 0
        ? TREE.writerWithDefaultPrettyPrinter().writeValueAsBytes(shuffled)
        : TREE.writeValueAsBytes(shuffled);
  }

  private static JsonNode shuffle(JsonNode node, Random random, boolean top) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node.isArray()) {
      ArrayNode out = f.arrayNode();
      node.forEach(x -> out.add(shuffle(x, random, false)));
      return out;
    }
    if (!node.isObject()) {
      return node;
    }
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    boolean process = !top && names.stream().anyMatch(n -> BlockCode.Kind.fromKey(n) != null);
    if (!process) {
      // a process object's every field is meaningful; elsewhere unknown fields are ignored
      for (int i = random.nextInt(3); i > 0; i--) {
        names.add("x_unknown_" + i);
      }
    }
    Collections.shuffle(names, random);
    ObjectNode out = f.objectNode();
    for (String name : names) {
      if (name.startsWith("x_unknown_")) {
        out.set(name, unknownValue(random));
      } else {
        out.set(name, shuffle(node.get(name), random, false));
      }
    }
    return out;
  }

  /** A value of a field nobody reads: any JSON, nested, with names the codec does know. */
  private static JsonNode unknownValue(Random random) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (random.nextInt(7)) {
      case 0 -> f.textNode("ünknown \"x\"\n\u001b" + random.nextLong());
      case 1 -> f.numberNode(random.nextDouble() * 1e300);
      case 2 -> f.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
      case 3 -> f.nullNode();
      case 4 -> f.booleanNode(random.nextBoolean());
      case 5 -> f.arrayNode().add(1).add("type").add(f.objectNode().put("v", 7)).add(f.arrayNode());
      default -> f.objectNode().put("type", "nonsense").put("block_id", "x")
          .set("blocks", f.arrayNode().add(f.arrayNode().add(f.arrayNode())));
    };
  }

  /** Random valid messages, one type per index. */
  static final class Generator {
    static final int TYPES = 16;
    private final Random random;

    Generator(Random random) {
      this.random = random;
    }

    Message message(int type) {
      return switch (type) {
        case 0 -> new Hello(text(), text(), text(), random.nextLong(), maybe(), maybe(), 1 + random.nextInt(64),
            random.nextBoolean() ? 0 : random.nextLong() & Long.MAX_VALUE,
            random.nextBoolean() ? ProtocolVersion.V1 : ProtocolVersion.V2);
        case 1 -> new Acquire();
        case 2 -> new AcquireBatch(1 + random.nextInt(Message.MAX_BATCH));
        case 3 -> new Release(random.nextLong() & Long.MAX_VALUE, random.nextBoolean(), maybe(), random.nextInt(1001));
        case 4 -> releaseBatch();
        case 5 -> new Goodbye(maybe(), random.nextBoolean(), usage());
        case 6 -> new Heartbeat(usage());
        case 7 -> new Welcome(random.nextLong(), random.nextBoolean() ? null : code(),
            1 + (long) random.nextInt((int) MessageCodec.MAX_HEARTBEAT_MS), 1 + random.nextInt(1000), maybe(), random.nextBoolean() ? ProtocolVersion.V1 : ProtocolVersion.V2);
        case 8 -> new Refuse(maybe());
        case 9 -> assign(nonEmpty());
        case 10 -> assignBatch();
        case 11 -> new Wait();
        case 12 -> new NoMoreBlocks();
        case 13 -> new Abandon(random.nextLong() & Long.MAX_VALUE, maybe());
        case 14 -> new Goodbye(null, true);
        default -> new Hello(nonEmpty(), "n", "h", 1, null, null, 64, 1, ProtocolVersion.V2);
      };
    }

    private ProcessUsage usage() {
      return random.nextBoolean() ? null : new ProcessUsage(random.nextLong(ProcessUsage.MAX_CPU_MILLIS + 1),
          random.nextLong(ProcessUsage.MAX_PEAK_RSS_KB + 1));
    }

    private ReleaseBatch releaseBatch() {
      int n = random.nextInt(Message.MAX_BATCH + 1);
      List<Outcome> outcomes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        boolean success = random.nextBoolean();
        outcomes.add(new Outcome(random.nextLong() & Long.MAX_VALUE, success, success ? null : maybe()));
      }
      int acquire = n == 0 ? 1 + random.nextInt(Message.MAX_BATCH) : random.nextInt(Message.MAX_BATCH + 1);
      return new ReleaseBatch(outcomes, acquire);
    }

    private AssignBatch assignBatch() {
      String task = nonEmpty();
      int n = 1 + random.nextInt(Message.MAX_BATCH);
      int dims = dims();
      List<Assign> blocks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        blocks.add(assign(task, dims));
      }
      return new AssignBatch(blocks);
    }

    private Assign assign(String task) {
      return assign(task, dims());
    }

    private int dims() {
      return random.nextInt(10) == 0 ? 1 + random.nextInt(FrameFields.MAX_DIMS) : 1 + random.nextInt(4);
    }

    private Assign assign(String task, int dims) {
      return new Assign(new Block(task, random.nextLong() & Long.MAX_VALUE, roi(dims), roi(dims)), 1 + random.nextInt(Integer.MAX_VALUE));
    }

    private Roi roi(int dims) {
      long[] offset = new long[dims];
      long[] shape = new long[dims];
      for (int i = 0; i < dims; i++) {
        // large magnitudes too, but the end must stay representable
        offset[i] = random.nextBoolean() ? random.nextInt(2000) - 1000 : random.nextLong() / 2;
        shape[i] = random.nextBoolean() ? random.nextInt(100) : random.nextLong() & (Long.MAX_VALUE >> 2);
      }
      return Roi.of(offset, shape);
    }

    private BlockCode code() {
      BlockCode.Kind kind = BlockCode.Kind.values()[random.nextInt(BlockCode.Kind.values().length)];
      Map<String, String> options = new HashMap<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        options.put("opt" + i + text(), text());
      }
      return new BlockCode(kind, nonEmpty(), options);
    }

    private String maybe() {
      return random.nextInt(3) == 0 ? null : text();
    }

    private String nonEmpty() {
      return "t" + text();
    }

    /** Any text, with quotes, escapes, control characters and characters beyond the BMP. */
    private String text() {
      StringBuilder b = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        switch (random.nextInt(6)) {
          case 0 -> b.append((char) random.nextInt(0x20));
          case 1 -> b.append("\"\\/");
          case 2 -> b.append((char) (0xa0 + random.nextInt(0xd000)));
          case 3 -> b.appendCodePoint(0x10000 + random.nextInt(0x10000));
          default -> b.append((char) ('a' + random.nextInt(26)));
        }
      }
      return b.toString();
    }
  }
}
