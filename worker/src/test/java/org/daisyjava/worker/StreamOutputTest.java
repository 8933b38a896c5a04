package org.daisyjava.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamOutputTest {
  /** A hang guard only: each pump here has at most a few tens of megabytes to read. */
  private static final Duration GUARD = Duration.ofMinutes(2);

  @Test
  void answersAreQueuedInOrderAndEverythingElseGoesToTheLog() {
    String out = "hello\n@daisy {\"block_id\":1}\nworld\r\n{\"block_id\":2,\"status\":\"success\"}\n"
        + "{\"loss\": 0.5}\n@daisy {\"block_id\":3}";
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    List<String> answers = answersOf(new ByteArrayInputStream(bytes(out)), log);

    assertEquals(List.of("{\"block_id\":1}", "{\"block_id\":2,\"status\":\"success\"}", "{\"block_id\":3}"),
        answers);
    assertEquals("hello\nworld\r\n{\"loss\": 0.5}\n", log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aLineTooLongForAnAnswerGoesToTheLogWholeAndIsNoAnswer() {
    String longLine = "@daisy {\"block_id\":1,\"pad\":\"" + "y".repeat(StreamOutput.MAX_ANSWER) + "\"}\n";
    String out = "before\n" + longLine + "@daisy {\"block_id\":2}\nafter\n";
    CountingLog log = CountingLog.working();

    List<String> answers = answersOf(new ByteArrayInputStream(bytes(out)), log);

    assertEquals(List.of("{\"block_id\":2}"), answers);
    assertEquals("before\n" + longLine + "after\n", log.text());
  }

  @Test
  void aHugeLineIsPassedOnInPiecesNotCollected() {
    CountingLog log = CountingLog.working();
    long size = 20L << 20;
    GeneratedOutput huge = new GeneratedOutput("z", size, log::count);
    InputStream stdout = new SequenceInputStream(huge, new ByteArrayInputStream(bytes("\n@daisy done\n")));

    List<String> answers = answersOf(stdout, log);

    assertTrue(huge.drained());
    assertEquals(List.of("done"), answers);
    assertEquals(size + 1, log.count(), "the line and its newline");
    assertTrue(huge.mostAhead() <= StreamOutput.MAX_ANSWER + 64 * 1024,
        "read " + huge.mostAhead() + " bytes beyond what it passed on: it collects the line");
  }

  @Test
  void aLogOnAFullDiskDoesNotStopTheAnswers() {
    GeneratedOutput prints = new GeneratedOutput("progress 10%\n", 400_000, () -> 0);
    InputStream stdout = new SequenceInputStream(prints, new ByteArrayInputStream(bytes("@daisy ok\n")));

    List<String> answers = answersOf(stdout, CountingLog.full());

    assertTrue(prints.drained());
    assertEquals(List.of("ok"), answers);
  }

  /** Every answer until the end of output (the end itself is seen again by a later call). */
  private static List<String> answersOf(InputStream stdout, java.io.OutputStream log) {
    return assertTimeoutPreemptively(GUARD, () -> {
      StreamOutput output = StreamOutput.start(stdout, log, "test-stdout");
      List<String> answers = new ArrayList<>();
      for (String answer = output.nextAnswer(); answer != null; answer = output.nextAnswer()) {
        answers.add(answer);
      }
      assertNull(output.nextAnswer(), "ended for good");
      return answers;
    });
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
