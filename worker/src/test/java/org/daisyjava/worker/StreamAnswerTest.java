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
}
