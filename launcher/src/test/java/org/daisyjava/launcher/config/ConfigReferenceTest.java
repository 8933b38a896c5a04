package org.daisyjava.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/config.md} and the config loader know the same keys. The loader's keys are what
 * its mappings allow while it reads a config that has every section and every kind of process
 * and check ({@code config/reference/every-key.yaml}): a key added to the loader without a row in
 * the reference (or a row for a key that does not exist) fails here.
 */
class ConfigReferenceTest {
  /** A row of the reference's tables: {@code | `tasks[].process.class` | ...}. */
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_\\[\\].]+)` \\|", Pattern.MULTILINE);
  /** Per-task overrides of a batch section: documented once, as the section's keys. */
  private static final Pattern OVERRIDE = Pattern.compile("^tasks\\[\\]\\.(slurm|lsf)\\.(.+)$");

  @Test
  void everyKeyTheLoaderAllowsIsDocumentedAndEveryDocumentedKeyIsAllowed() throws Exception {
    Set<String> allowed = new TreeSet<>();
    ConfigNode.KEY_PROBE.set((path, keys) -> {
      String base = path.replaceAll("\\[\\d+\\]", "[]");
      for (String k : keys) {
        String full = base.isEmpty() ? k : base + "." + k;
        Matcher m = OVERRIDE.matcher(full);
        allowed.add(m.matches() ? m.group(1) + "." + m.group(2) : full);
      }
    });
    try {
      Path config = Path.of(getClass().getResource("/config/reference/every-key.yaml").toURI());
      ConfigLoader.parse(Files.readString(config), "every-key.yaml", config.getParent(), "every-key");
    } finally {
      ConfigNode.KEY_PROBE.remove();
    }
    Set<String> documented = new TreeSet<>();
    Matcher m = ROW.matcher(Files.readString(reference()));
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertTrue(allowed.size() > 50, "the probe saw the loader's keys: " + allowed);
    Set<String> undocumented = new TreeSet<>(allowed);
    undocumented.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(allowed);
    assertEquals(Set.of(), undocumented, "keys the loader takes that docs/config.md does not describe");
    assertEquals(Set.of(), unknown, "keys docs/config.md describes that the loader refuses");
  }

  /** docs/config.md of this checkout (tests run in the launcher module's directory). */
  private static Path reference() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("docs/config.md");
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new AssertionError("docs/config.md not found above " + Path.of("").toAbsolutePath());
  }
}
