package org.daisyjava.scheduler.server;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolException;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.core.protocol.ZmqSockets;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A bare DEALER that speaks the protocol message by message, for driving the server in tests. */
final class RawWorker implements AutoCloseable {
  private final ZContext context = new ZContext(1);
  final ZMQ.Socket socket;

  RawWorker(int port) {
    this(port, WorkerSecurity.PLAIN);
  }

  /** A DEALER made by the production socket factory with {@code security}. */
  RawWorker(int port, WorkerSecurity security) {
    socket = ZmqSockets.dealer(context, security,
        UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    socket.setLinger(0);
    socket.setReceiveTimeOut(10_000);
    // JeroMQ 0.6.0 sometimes leaves a fresh outgoing connection without its ZMTP handshake
    // (zeromq/jeromq PR #1022); a short handshake timer makes it reconnect instead of hanging
    socket.setHandshakeIvl(500);
    socket.setReconnectIVL(50);
    socket.connect("tcp://127.0.0.1:" + port);
  }

  void send(Message m) {
    socket.send(MessageCodec.encode(m), 0);
  }

  void sendRaw(byte[] frame) {
    socket.send(frame, 0);
  }

  void sendRaw(String frame) {
    sendRaw(frame.getBytes(StandardCharsets.UTF_8));
  }

  /** The next message other than heartbeat and wait; fails after 10 s. */
  Message next() {
    while (true) {
      byte[] frame = socket.recv(0);
      if (frame == null) {
        throw new AssertionError("no message from the scheduler within 10 s");
      }
      try {
        Message m = MessageCodec.decode(frame);
        if (!(m instanceof Message.Heartbeat) && !(m instanceof Message.Wait)) {
          return m;
        }
      } catch (ProtocolException e) {
        throw new AssertionError("scheduler sent a bad frame: " + e.getMessage());
      }
    }
  }

  @SuppressWarnings("unchecked")
  <T extends Message> T next(Class<T> type) {
    Message m = next();
    if (!type.isInstance(m)) {
      throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
    }
    return (T) m;
  }

  Message.Welcome hello(String task) {
    send(new Message.Hello(task, "raw:" + ProcessHandle.current().pid(), "localhost",
        ProcessHandle.current().pid(), null));
    return next(Message.Welcome.class);
  }

  @Override
  public void close() {
    context.close();
  }
}
