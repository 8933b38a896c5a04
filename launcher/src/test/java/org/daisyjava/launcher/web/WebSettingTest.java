package org.daisyjava.launcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.daisyjava.launcher.config.ConfigException;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.junit.jupiter.api.Test;

/** The {@code scheduler.web} key: loopback by default, off, an address, or a clear error. */
class WebSettingTest {
  private static PipelineConfig load(String scheduler) throws ConfigException {
    return ConfigLoader.parse("""
        name: w
        %s
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [10]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {builtin: noop}
        """.formatted(scheduler), "w.yaml", Path.of("."), "w");
  }

  @Test
  void theDefaultIsAnyFreePortOnLoopbackAndOffTurnsThePageOff() throws Exception {
    var web = load("").scheduler().web().orElseThrow();
    assertEquals("127.0.0.1", web.getHostString());
    assertEquals(0, web.getPort());
    assertTrue(load("scheduler: {web: \"off\"}").scheduler().web().isEmpty());
    var any = load("scheduler: {web: \"0.0.0.0:8080\"}").scheduler().web().orElseThrow();
    assertEquals("0.0.0.0", any.getHostString());
    assertEquals(8080, any.getPort());
  }

  @Test
  void aBadAddressIsRefusedWithFileLineAndKey() {
    for (String bad : new String[] {"8080", "127.0.0.1:99999", "host name:1", "127.0.0.1:x"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> load("scheduler: {web: \"" + bad + "\"}"));
      assertTrue(e.getMessage().startsWith("w.yaml:2: scheduler.web: expected off or HOST:PORT"), e.getMessage());
    }
  }
}
