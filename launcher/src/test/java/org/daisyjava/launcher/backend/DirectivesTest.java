package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Directives}: an unset value is no value (its template line dropped), each name once. */
class DirectivesTest {
  @Test
  void anUnsetValueIsNoValueAndTheOrderIsKept() {
    Map<String, List<String>> v = new Directives().set("queue", null).set("cores", 4).set("mem", "16GB")
        .values();
    assertEquals(List.of("queue", "cores", "mem"), List.copyOf(v.keySet()));
    assertEquals(List.of(), v.get("queue"));
    assertEquals(List.of("4"), v.get("cores"));
    assertEquals(List.of("16GB"), v.get("mem"));
    assertThrows(UnsupportedOperationException.class, () -> v.put("gpus", List.of("1")));
  }

  @Test
  void aNameSetTwiceIsAnError() {
    Directives d = new Directives().set("time", "01:00:00");
    assertThrows(IllegalArgumentException.class, () -> d.set("time", null));
  }

  /**
   * The common keys and the run's values are added once by JobScripts: a directive of the same
   * name would be overwritten there without a word.
   */
  @Test
  void noExecutorListsACommonOrRunPlaceholder(@TempDir Path tmp) throws Exception {
    PipelineConfig config = ConfigLoader.parse("name: d\ntasks:\n" + TaskYaml.task("a"), "test.yaml", tmp, "test");
    for (GridExecutor grid : List.of(new SlurmExecutor(), new LsfExecutor())) {
      Set<String> own = grid.directives(config.task("a")).values().keySet();
      assertFalse(own.isEmpty(), grid.name());
      for (String name : own) {
        assertFalse(JobScripts.RUN_PLACEHOLDERS.contains(name) || JobScripts.COMMON_PLACEHOLDERS.contains(name),
            grid.name() + " lists " + name);
      }
    }
  }
}
