package org.daisyjava.launcher.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every block/dependency vector produced by the real daisy 1.2.3 (test resources {@code golden/})
 * must come out of {@code plan --json} exactly: the same blocks, ROIs and upstream sets.
 */
class GoldenPlanTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> cases() throws IOException {
    Path dir = Path.of("src/test/resources/golden");
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json")).sorted().toList();
      assertFalse(names.isEmpty(), "no golden cases found in " + dir.toAbsolutePath());
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void planJsonReproducesDaisy(String file) throws Exception {
    JsonNode golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/" + file)) {
      golden = JSON.readTree(in);
    }
    PipelineConfig config = ConfigLoader.parse(
        golden.get("config").asText(), file, Path.of("."), "golden");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PlanCommand.printJson(config.graph(), out);
    List<JsonNode> actual = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        actual.add(JSON.readTree(line));
      }
    }

    Map<String, String> expected = byKey(golden.get("blocks"));
    Map<String, String> got = byKey(actual);
    assertEquals(expected.size(), golden.get("blocks").size(), "golden has duplicate blocks");
    assertEquals(actual.size(), got.size(), "plan printed a block twice");
    assertEquals(expected.keySet(), got.keySet(), "block sets differ");
    for (String key : expected.keySet()) {
      assertEquals(expected.get(key), got.get(key), "block " + key);
    }
  }

  /** Blocks keyed by task and write offset; values are the canonical JSON with sorted upstream. */
  private static Map<String, String> byKey(Iterable<JsonNode> blocks) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode b : blocks) {
      String key = b.get("task").asText() + b.get("write_offset");
      List<String> ups = new ArrayList<>();
      for (JsonNode u : b.get("upstream")) {
        ups.add(u.get("task").asText() + u.get("write_offset"));
      }
      ups.sort(null);
      String value = "read " + b.get("read_offset") + b.get("read_shape")
          + " write " + b.get("write_offset") + b.get("write_shape") + " upstream " + ups;
      out.put(key, value);
    }
    return out;
  }
}
