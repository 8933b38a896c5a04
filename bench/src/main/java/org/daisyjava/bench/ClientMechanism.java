package org.daisyjava.bench;

/**
 * The security mechanism of one NIO client connection (ZMTP 3.0's handshake and message
 * wrapping): {@link CurveClient} or {@link NullClient}. Each instance serves one connection, on
 * that connection's selector thread.
 */
sealed interface ClientMechanism permits CurveClient, NullClient {
  /** The mechanism's name in the greeting. */
  String name();

  /** The body of the command the client sends right after its greeting (HELLO, or READY). */
  byte[] firstCommand();

  /**
   * Takes the peer's handshake command (a command frame's body).
   *
   * @return the body of the command to answer with, or null for none
   * @throws ZmtpException when the peer refuses (ERROR) or breaks the handshake
   */
  byte[] onCommand(byte[] body) throws ZmtpException;

  /** The handshake is complete: messages may flow. */
  boolean ready();

  /** The body of the (non-command) frame that carries one message frame {@code payload}. */
  byte[] wrap(byte[] payload);

  /**
   * The message inside a frame the peer sent after the handshake, or null for a command that
   * carries none (PING: the scheduler does not ask for ZMTP heartbeats, so none is answered).
   *
   * @throws ZmtpException for a frame that is not a valid message
   */
  byte[] unwrap(int flags, byte[] body) throws ZmtpException;
}
