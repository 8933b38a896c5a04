package org.daisyjava.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StreamAnswerTest {
  @Test
  void readsSuccessAndFailure() {
    assertEquals(new StreamAnswer(true, null),
        StreamAnswer.parse("{\"block_id\":3,\"status\":\"success\",\"extra\":1}", 3));
    assertEquals(new StreamAnswer(false, "out of memory"),
        StreamAnswer.parse("{\"block_id\":3,\"status\":\"failed\",\"error\":\"out of memory\"}", 3));
    assertEquals(new StreamAnswer(false, "stream process reported failure"),
        StreamAnswer.parse("{\"block_id\":3,\"status\":\"failed\"}", 3));
  }

  @Test
  void refusesAnythingElseSayingWhy() {
    assertEquals("not a JSON object: 'ok'",
        assertThrows(IllegalArgumentException.class, () -> StreamAnswer.parse("ok", 1)).getMessage());
    assertEquals("answered for block 2 instead of block 1", assertThrows(IllegalArgumentException.class,
        () -> StreamAnswer.parse("{\"block_id\":2,\"status\":\"success\"}", 1)).getMessage());
    assertEquals("no integer \"block_id\" in '{\"status\":\"success\"}'",
        assertThrows(IllegalArgumentException.class,
            () -> StreamAnswer.parse("{\"status\":\"success\"}", 1)).getMessage());
    assertEquals("\"status\" must be \"success\" or \"failed\" in '{\"block_id\":1,\"status\":\"ok\"}'",
        assertThrows(IllegalArgumentException.class,
            () -> StreamAnswer.parse("{\"block_id\":1,\"status\":\"ok\"}", 1)).getMessage());
  }

  @Test
  void aCheckAnswerSaysDoneOrNotOrThatTheCheckFailed() {
    assertEquals(new StreamAnswer.Check(true, null), StreamAnswer.parseCheck("{\"block_id\":4,\"done\":true}", 4));
    assertEquals(new StreamAnswer.Check(false, null), StreamAnswer.parseCheck("{\"block_id\":4,\"done\":false}", 4));
    assertEquals(new StreamAnswer.Check(false, "no such file"),
        StreamAnswer.parseCheck("{\"block_id\":4,\"status\":\"failed\",\"error\":\"no such file\"}", 4));
    assertThrows(IllegalArgumentException.class, () -> StreamAnswer.parseCheck("{\"block_id\":4,\"done\":1}", 4));
    assertThrows(IllegalArgumentException.class, () -> StreamAnswer.parseCheck("{\"block_id\":5,\"done\":true}", 4));
  }

  @Test
  void onlyMarkedLinesAndBareJsonObjectsWithABlockIdAreAnswers() {
    assertEquals("{\"block_id\":1}", answerIn("@daisy {\"block_id\":1}\n"));
    assertEquals("{\"block_id\":1,\"status\":\"success\"}", answerIn("{\"block_id\":1,\"status\":\"success\"}\r\n"));
    assertEquals("garbage", answerIn("@daisy garbage\n"), "a marked line is an answer, even a bad one");
    assertEquals(null, answerIn("loading model...\n"));
    assertEquals(null, answerIn("{\"loss\": 0.3}\n"));
    assertEquals(null, answerIn("x@daisy {\"block_id\":1}\n"), "the mark starts a line");
  }

  private static String answerIn(String line) {
    byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return StreamOutput.answerIn(bytes, bytes.length);
  }
}
