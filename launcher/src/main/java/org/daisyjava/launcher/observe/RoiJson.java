package org.daisyjava.launcher.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import org.daisyjava.core.Roi;

/**
 * A region as the run's JSON documents write it — the {@code write_roi} of events.jsonl's
 * {@code block_failed} and of the failures in {@code status.json} and {@code summary.json}:
 * {@code {"offset": [...], "shape": [...]}}, one number per dimension. Offset and shape rather
 * than begin and end, as the config's ROIs are written.
 */
public final class RoiJson {
  private RoiJson() {}

  public static Map<String, Object> of(Roi r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("offset", r.begin().toArray());
    m.put("shape", r.shape().toArray());
    return m;
  }
}
