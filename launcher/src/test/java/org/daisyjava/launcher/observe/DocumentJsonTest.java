package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text of a run document, and the decimals its measured numbers keep. */
class DocumentJsonTest {
  @Test
  void aDocumentIsOneCompactLineInTheOrderItWasBuilt() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", "running");
    m.put("total", 64L);
    m.put("offset", new long[] {15, 55});
    m.put("job", null);
    m.put("tasks", List.of(Map.of("done", true)));
    assertEquals("{\"state\":\"running\",\"total\":64,\"offset\":[15,55],\"job\":null,\"tasks\":[{\"done\":true}]}",
        DocumentJson.write(m));
  }

  @Test
  void somethingThatDoesNotSerialiseIsABugNotARunCondition() {
    Map<String, Object> m = Map.of("what", new Object());
    assertThrows(IllegalStateException.class, () -> DocumentJson.write(m));
  }

  @Test
  void measuredNumbersKeepTenthsOrThousandths() {
    assertEquals(1.3, JsonDecimals.tenths(1.25));
    assertEquals(12.0, JsonDecimals.tenths(11.96));
    assertEquals(0.0, JsonDecimals.tenths(0.04));
    assertEquals(0.667, JsonDecimals.thousandths(2 / 3.0));
    assertEquals(1234.568, JsonDecimals.thousandths(1234.5678));
    // what the documents show of those numbers: no binary noise after the kept digits
    assertEquals("[0.3,0.667]", Arrays.toString(new double[] {JsonDecimals.tenths(0.1 + 0.2),
        JsonDecimals.thousandths(2 / 3.0)}).replace(" ", ""));
  }
}
