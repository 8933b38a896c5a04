package org.daisyjava.bench;

/**
 * ZMTP 3.0's NULL mechanism as a JeroMQ 0.6.0 DEALER runs it (no ZAP on the client): a READY
 * command with the socket's metadata each way, then message frames as they are.
 */
final class NullClient implements ClientMechanism {
  private static final byte[] READY = ZmtpCommand.name("READY");
  private static final byte[] ERROR = ZmtpCommand.name("ERROR");
  private final byte[] metadata;
  private boolean ready;

  NullClient(byte[] routingId) {
    this.metadata = ZmtpMetadata.dealer(routingId);
  }

  @Override
  public String name() {
    return "NULL";
  }

  @Override
  public byte[] firstCommand() {
    byte[] out = new byte[READY.length + metadata.length];
    System.arraycopy(READY, 0, out, 0, READY.length);
    System.arraycopy(metadata, 0, out, READY.length, metadata.length);
    return out;
  }

  @Override
  public byte[] onCommand(byte[] body) throws ZmtpException {
    if (ready) {
      throw new ZmtpException("a second handshake command");
    }
    if (ZmtpCommand.is(body, ERROR)) {
      throw ZmtpException.refusal("the server refused the handshake: ERROR " + ZmtpCommand.errorReason(body));
    }
    if (!ZmtpCommand.is(body, READY)) {
      throw new ZmtpException("expected READY");
    }
    ZmtpMetadata.checkPeer(body, READY.length, body.length);
    ready = true;
    return null;
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public byte[] wrap(byte[] payload) {
    return payload;
  }

  @Override
  public byte[] unwrap(int flags, byte[] body) {
    return (flags & ZmtpFrame.COMMAND) != 0 ? null : body;
  }
}
