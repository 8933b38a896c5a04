package org.daisyjava.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's report format, both ways, and what the head does with hostile text. */
class ProbeReportTest {
  @Test
  void aReportSurvivesTheRoundTripAmongOtherLogLines() {
    ProbeReport r = new ProbeReport("c12", "32", "4 (CUDA_VISIBLE_DEVICES=0,1)", "17.0.15 (Debian)", "visible",
        "not visible: /home/x/daisy.jar", List.of(new ProbeReport.Answer("tcp://10.0.0.1:40001", 3),
            new ProbeReport.Answer("tcp://[fe80::1]:40001", -1)));
    String log = "prologue ran\n" + r.text() + "some other line\n";
    assertEquals(r, ProbeReport.parse(log));
    assertTrue(r.anyAnswered());
    assertFalse(new ProbeReport("n", "1", "0", "j", "visible", "visible",
        List.of(new ProbeReport.Answer("tcp://a:1", -1))).anyAnswered());
  }

  @Test
  void hostileTextIsBoundedAndCleaned() {
    assertNull(ProbeReport.parse("nothing of ours here\n"));
    String huge = "daisy-doctor node " + "x".repeat(10_000) + "\ndaisy-doctor cpus 2\u0007\n"
        + "daisy-doctor address tcp://a:1 ok not-a-number\ndaisy-doctor address tcp://b:1 ok -5\n"
        + "daisy-doctor unknown_key whatever\n";
    ProbeReport r = ProbeReport.parse(huge);
    assertTrue(r.node().length() <= ProbeReport.MAX_VALUE + 1, "value cut");
    assertEquals("2?", r.cpus(), "control characters replaced");
    assertEquals(List.of(new ProbeReport.Answer("tcp://a:1", -1), new ProbeReport.Answer("tcp://b:1", 0)),
        r.addresses());
    assertEquals("?", r.java(), "missing keys are unknown, not invented");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      many.append("daisy-doctor address tcp://h").append(i).append(":1 none\n");
    }
    assertTrue(ProbeReport.parse(many.toString()).addresses().size() <= 64, "at most 64 addresses kept");
  }
}
