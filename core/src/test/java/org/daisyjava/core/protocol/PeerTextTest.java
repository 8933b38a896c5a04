package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerTextTest {
  @Test
  void controlCharactersAreEscapedAndLongTextIsCut() {
    assertEquals("a\\nINFO: forged\\r\\u001b[31m", PeerText.quote("a\nINFO: forged\r\u001b[31m"));
    assertEquals("(none)", PeerText.quote(null));
    String cut = PeerText.quote("x".repeat(900_000));
    assertTrue(cut.length() < PeerText.MAX_CHARS + 40, "length " + cut.length());
    assertTrue(cut.endsWith("(899800 more characters)"), cut);
    assertEquals("naïve ✓", PeerText.quote("naïve ✓"));
  }
}
