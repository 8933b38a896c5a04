package org.daisyjava.core.protocol;

/**
 * The versions of the worker protocol (PROTOCOL.md). A worker's {@code hello} lists those it
 * speaks; the scheduler's {@code welcome} names the one the session uses, the highest both speak.
 * Version 2 is version 1 plus batched forms of {@code acquire}, {@code release} and {@code block}
 * (several blocks in one message); every other message is the same in both.
 */
public enum ProtocolVersion {
  V1(1),
  V2(2);

  private final int number;

  ProtocolVersion(int number) {
    this.number = number;
  }

  /** The number on the wire ({@code "v"}, {@code hello.versions}, {@code welcome.version}). */
  public int number() {
    return number;
  }

  /** The version with this number, or null if this codec does not know it. */
  public static ProtocolVersion of(long number) {
    for (ProtocolVersion v : values()) {
      if (v.number == number) {
        return v;
      }
    }
    return null;
  }

  /** The newest version this side speaks. */
  public static ProtocolVersion newest() {
    return V2;
  }
}
