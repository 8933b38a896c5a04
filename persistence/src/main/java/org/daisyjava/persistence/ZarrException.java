package org.daisyjava.persistence;

import java.io.IOException;

/** An array that cannot be read or written as asked: bad metadata, an unsupported codec, a bad ROI. */
public class ZarrException extends IOException {
  private static final long serialVersionUID = 1L;

  public ZarrException(String message) {
    super(message);
  }

  public ZarrException(String message, Throwable cause) {
    super(message, cause);
  }
}
