package org.daisyjava.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.daisyjava.core.BlockCode;
import org.junit.jupiter.api.Test;

/** {@code process: {class: X, args: {...}}}: args and the task's voxel size reach the class's code. */
class ClassArgsTest {
  private static final String TASK = """
      tasks:
        - name: smooth
          total_roi: {offset: [0, 0, 0], shape: [64, 64, 64]}
          read_roi: {offset: [-8, -8, -8], shape: [48, 48, 48]}
          write_roi: {offset: [0, 0, 0], shape: [32, 32, 32]}
      %s
          process: %s
      """;

  private static PipelineConfig parse(String voxel, String process) throws ConfigException {
    return ConfigLoader.parse(TASK.formatted(voxel, process), "t.yaml", Path.of("."), "t");
  }

  @Test
  void argsAndVoxelSizeTravelWithTheClass() throws Exception {
    BlockCode code = parse("    voxel_size: [4, 4, 8]",
        "{class: org.example.Smooth, args: {sigma: 2, input: raw, axes: [z, y, x], command: x}}")
        .tasks().get(0).process();
    assertEquals("org.example.Smooth", code.value());
    assertEquals(Map.of("sigma", "2", "input", "raw", "axes", "z,y,x", "command", "x"), code.args(),
        "an arg may be named like a kind: it is prefixed");
    assertEquals("4,4,8", code.option(BlockCode.VOXEL_SIZE_OPTION, null));
  }

  @Test
  void withoutArgsOrVoxelSizeTheCodeIsAsBefore() throws Exception {
    BlockCode code = parse("", "{class: org.example.Smooth}").tasks().get(0).process();
    assertEquals(BlockCode.of(BlockCode.Kind.CLASS, "org.example.Smooth"), code);
  }

  @Test
  void badArgsAreConfigErrorsWithTheirLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse("", "{class: org.example.Smooth, args: [1, 2]}"));
    assertTrue(e.getMessage().startsWith("t.yaml:7:"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> parse("", "{class: org.example.Smooth, args: {sigma: {nested: 1}}}"));
    assertTrue(e.getMessage().contains("args.sigma") || e.getMessage().contains("sigma"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> parse("", "{command: echo, args: {sigma: 1}}"));
    assertTrue(e.getMessage().contains("args"), e.getMessage());
  }
}
