package org.daisyjava.core.protocol;

/** A frame that is not a valid message: malformed JSON, a missing field, another version. */
public final class ProtocolException extends Exception {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
