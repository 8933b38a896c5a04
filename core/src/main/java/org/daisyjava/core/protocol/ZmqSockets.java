package org.daisyjava.core.protocol;

import org.daisyjava.nacl.KeyPairReserve;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The one place where the protocol's ZeroMQ sockets are made, for both ends, so that every socket
 * that reads bytes from the network has its limits before the first byte arrives:
 *
 * <ul>
 *   <li><b>maximum message size</b> ({@code ZMQ_MAXMSGSIZE}): JeroMQ's decoder refuses a frame
 *       header that claims more than {@link #MAX_WIRE_MESSAGE} and drops the connection before it
 *       allocates the body (checked in JeroMQ 0.6.0's {@code Decoder.sizeReady}); without it a
 *       19-byte header claiming 2 GB made it reserve 2 GB. This covers the handshake's commands
 *       too, so it holds for peers that never authenticate.
 *   <li><b>high-water marks</b> in messages per peer, both ways: a peer that sends without reading
 *       its answers fills its own pipe, after which the scheduler stops reading from it (TCP
 *       pushes back) — memory stays bounded and other peers are fair-queued past it.
 *   <li><b>handshake interval</b>: a connection that has not finished its handshake within
 *       {@link #HANDSHAKE_MS} is closed, so half-open connections cannot pile up.
 *   <li><b>CURVE</b> keys ({@link ServerSecurity}, {@link WorkerSecurity}), linger, backlog, and
 *       the I/O threads of the contexts ({@link #context}, {@link #serverContext}).
 * </ul>
 */
public final class ZmqSockets {
  /** CURVE wraps a message in a MESSAGE command: name, nonce, MAC and a flags byte (33 bytes). */
  private static final int CURVE_OVERHEAD = 64;
  /** The largest frame any socket accepts from the wire: the protocol's limit plus CURVE's wrapping. */
  public static final long MAX_WIRE_MESSAGE = MessageCodec.MAX_FRAME + CURVE_OVERHEAD;
  /**
   * Messages queued per peer and direction. A worker has at most 64 blocks outstanding, so an
   * honest peer never has more than a few hundred messages in flight.
   */
  public static final int HIGH_WATER_MARK = 1000;
  /**
   * Connections a listening socket lets wait for accept at least. JeroMQ's default is 100: when
   * 2000 workers connected at once the kernel's listen queue overflowed some 10,000 times and
   * connects took 30–67 s (retried SYNs back off exponentially). See {@link #backlogFor}.
   */
  public static final int MIN_BACKLOG = 256;
  /** Where Linux keeps the cap on every listen backlog (a larger one is cut to it silently). */
  private static final java.nio.file.Path SOMAXCONN = java.nio.file.Path.of("/proc/sys/net/core/somaxconn");
  /** Assumed when {@link #SOMAXCONN} cannot be read (Linux's default since 5.4). */
  static final int DEFAULT_SOMAXCONN = 4096;
  /** A connection must finish its (CURVE) handshake within this. */
  public static final int HANDSHAKE_MS = 10_000;
  /** Worker: how long a closing socket may still deliver its goodbye. */
  public static final int WORKER_LINGER_MS = 500;

  private ZmqSockets() {}

  /** Worker connections per scheduler I/O thread, beyond which another is added (see {@link #ioThreadsFor}). */
  static final int CONNECTIONS_PER_IO_THREAD = 312;
  /** The most I/O threads a scheduler gets. */
  static final int MAX_IO_THREADS = 32;
  /** I/O threads for workers of unknown number (see {@link #ioThreadsFor}). */
  static final int UNSIZED_IO_THREADS = 8;

  /** A worker's context: one I/O thread (it has one connection). */
  public static ZContext context() {
    return new ZContext(1);
  }

  /**
   * The scheduler's context for a run of {@code expectedWorkers} workers (0 if unknown), with
   * {@link #ioThreadsFor} I/O threads.
   */
  public static ZContext serverContext(int expectedWorkers) {
    return new ZContext(ioThreadsFor(expectedWorkers, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The scheduler's I/O threads. CURVE's encryption runs on them, in pure Java (JeroMQ), and each
   * connection stays on one thread: with one thread, a few busy workers made it the bottleneck
   * (measured with {@code scripts/bench zmq}); so there is one per processor, up to 4.
   *
   * <p>Many workers need more, even on few processors, because two costs of JeroMQ 0.6.0's I/O
   * thread grow with the connections it holds, and each is paid on every turn of its loop: after
   * any change of a connection's interest (every write sets and clears it) the poller walks all of
   * its connections to update their selection keys, and it copies and sorts all its timers (each
   * connection's {@link #HANDSHAKE_MS} handshake timer stays there until it would have expired)
   * before each select (walking the handles was 18 % of the I/O threads' samples with 16 of them
   * for 10,000 connections). So the threads are added for every {@link
   * #CONNECTIONS_PER_IO_THREAD} expected workers, up to {@link #MAX_IO_THREADS}. Measured with
   * 10,000 simulated workers connecting at once on 2 processors (NIO load generator, CURVE): with
   * 2 I/O threads 926–2,211 of them could not finish their handshake within its 10 s; with 8 the
   * last was welcomed after 16.7–20.1 s, with 16 after 11.7–15.5 s (three runs), with 32 after
   * 10.9 s, and none was lost. Later, with the key pairs made ahead and the launcher's inlining
   * limits, two pairs of runs: 32 threads 9.4 and 11.6 s, 16 threads 12.6 and 13.0 s; two later runs
   * with 16 gave 10.2 s each, with fresher snapshots (the loop competes with fewer threads), so
   * the case for 32 over 16 is weak.
   *
   * <p>Workers of unknown number (0: {@code --backend external}, where an {@code srun} of
   * thousands may connect at once) get {@link #UNSIZED_IO_THREADS}, enough for ~2,500 at the rate
   * above; idle I/O threads cost nothing. 5,000 of unknown number connecting at once (NIO
   * generator): the last welcomed after 5.74 and 7.72 s with 8 threads, 9.72 s with the base of 2.
   * (An earlier try with 8 seemed to make {@code FuzzTest}'s fuzz reach the engine far less; the
   * test counted its drops while the fuzzers' lingering sockets were still sending them. It now
   * waits for them.)
   */
  static int ioThreadsFor(int expectedWorkers, int processors) {
    int base = Math.max(1, Math.min(4, processors));
    if (expectedWorkers <= 0) {
      return Math.max(base, UNSIZED_IO_THREADS);
    }
    long forConnections = ((long) expectedWorkers + CONNECTIONS_PER_IO_THREAD - 1)
        / CONNECTIONS_PER_IO_THREAD;
    return (int) Math.max(base, Math.min(MAX_IO_THREADS, forConnections));
  }

  /** Expected workers from which a run has its servers' short-term key pairs made ahead. */
  static final int RESERVE_FROM = 100;
  /** Key pairs made ahead for a run whose workers are of unknown number. */
  static final int RESERVE_UNSIZED = 1024;

  /**
   * How many short-term key pairs a CURVE scheduler of {@code expectedWorkers} (0 if unknown)
   * has made while it waits for them ({@link KeyPairReserve}): one per expected worker from
   * {@link #RESERVE_FROM} on, {@link #RESERVE_UNSIZED} for workers of unknown number (they may be
   * a job array of thousands; the pairs cost about 0.1 s of one core), none for fewer, whose
   * handshakes cost a few milliseconds anyway.
   */
  static int keyPairsToReserve(int expectedWorkers) {
    if (expectedWorkers <= 0) {
      return RESERVE_UNSIZED;
    }
    return expectedWorkers < RESERVE_FROM ? 0 : Math.min(KeyPairReserve.MAX, expectedWorkers);
  }

  /**
   * Starts making the short-term key pairs of {@link #keyPairsToReserve} in the background, for a
   * scheduler with {@code security}: the handshakes of a CURVE server that expects {@code
   * expectedWorkers} workers then cost three scalar multiplications each instead of four.
   */
  public static void reserveKeyPairs(ServerSecurity security, int expectedWorkers) {
    if (security instanceof ServerKeys) {
      KeyPairReserve.fill(keyPairsToReserve(expectedWorkers));
    }
  }

  /**
   * The scheduler's ROUTER socket, not yet bound. With {@link ServerKeys}, the context's ZAP
   * handler is started first (it must exist before any connection is accepted) and lives as long
   * as the returned endpoint.
   */
  public static ServerEndpoint router(ZContext context, ServerSecurity security) {
    return router(context, security, MIN_BACKLOG);
  }

  /**
   * The listen backlog for a run of {@code expectedWorkers} workers (0 if unknown): every worker
   * of the run may connect at once (a job array starting), so the queue holds all of them plus
   * some room for reconnects — {@code max(MIN_BACKLOG, expectedWorkers + 64)} — but no more than
   * the kernel's cap {@code somaxconn}, which it would impose anyway (beyond that, the workers'
   * jittered first connects and TCP's SYN retries spread the storm). Workers of unknown number
   * (started by the user, {@code --backend external}) get the cap: they may be a job array of
   * thousands, and a long queue costs nothing while it is empty. Measured with such workers
   * connecting at once (NIO load generator, CURVE): 2000 were all welcomed after 14.9 s with a
   * backlog of 256 (9,300 listen overflows) and after 6.2 s with the cap (none); of 5000, 3,351
   * had been welcomed when the blocks ran out 25 s later, against all of them after 11.1 s.
   */
  public static int backlogFor(int expectedWorkers, int somaxconn) {
    long wanted = expectedWorkers <= 0 ? somaxconn : Math.max(MIN_BACKLOG, (long) expectedWorkers + 64);
    return (int) Math.max(1, Math.min(wanted, somaxconn));
  }

  /** The kernel's cap on listen backlogs, or {@link #DEFAULT_SOMAXCONN} if it cannot be read. */
  public static int somaxconn() {
    // read as a stream, not Files.readString: /proc files claim a size of 0, and readString
    // returned "4" of "4096" here (JDK 17)
    try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(SOMAXCONN)) {
      String line = in.readLine();
      int v = line == null ? 0 : Integer.parseInt(line.trim());
      return v > 0 ? v : DEFAULT_SOMAXCONN;
    } catch (java.io.IOException | NumberFormatException | SecurityException e) {
      return DEFAULT_SOMAXCONN;
    }
  }

  /** As {@link #router(ZContext, ServerSecurity)}, with a listen backlog of {@code backlog}. */
  public static ServerEndpoint router(ZContext context, ServerSecurity security, int backlog) {
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
    }
    ZapAuthenticator zap = null;
    if (security instanceof ServerKeys keys) {
      zap = new ZapAuthenticator(context, keys.clientPublicKey());
    }
    ZMQ.Socket socket = context.createSocket(SocketType.ROUTER);
    limit(socket);
    socket.setLinger(0);
    socket.setBacklog(backlog);
    socket.setRouterMandatory(false); // a vanished worker's messages are dropped, not an error
    if (security instanceof ServerKeys keys) {
      socket.setZAPDomain(ZapAuthenticator.DOMAIN);
      socket.setCurveServer(true);
      socket.setCurveSecretKey(CurveKeyPair.raw(keys.server().secretKey()));
      socket.setCurvePublicKey(CurveKeyPair.raw(keys.server().publicKey()));
    }
    return new ServerEndpoint(socket, zap);
  }

  /** A worker's DEALER socket, not yet connected. */
  public static ZMQ.Socket dealer(ZContext context, WorkerSecurity security, byte[] routingId) {
    ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
    limit(socket);
    socket.setIdentity(routingId);
    socket.setLinger(WORKER_LINGER_MS);
    if (security instanceof WorkerKeyFile keys) {
      socket.setCurveServerKey(CurveKeyPair.raw(keys.serverPublicKey()));
      socket.setCurvePublicKey(CurveKeyPair.raw(keys.client().publicKey()));
      socket.setCurveSecretKey(CurveKeyPair.raw(keys.client().secretKey()));
    }
    return socket;
  }

  /** The limits every socket that may see network bytes gets, before it binds or connects. */
  public static void limit(ZMQ.Socket socket) {
    socket.setMaxMsgSize(MAX_WIRE_MESSAGE);
    socket.setSndHWM(HIGH_WATER_MARK);
    socket.setRcvHWM(HIGH_WATER_MARK);
    socket.setHandshakeIvl(HANDSHAKE_MS);
  }

  /** A bound scheduler socket and the authenticator that guards it (none for plain). */
  public static final class ServerEndpoint implements AutoCloseable {
    private final ZMQ.Socket socket;
    private final ZapAuthenticator zap;

    private ServerEndpoint(ZMQ.Socket socket, ZapAuthenticator zap) {
      this.socket = socket;
      this.zap = zap;
    }

    public ZMQ.Socket socket() {
      return socket;
    }

    /** Connections refused because their client key is not the run's (0 for plain). Any thread. */
    public long refusedHandshakes() {
      return zap == null ? 0 : zap.refused();
    }

    /** Closes the socket and stops the authenticator; idempotent. Owner's thread. */
    @Override
    public void close() {
      socket.close();
      if (zap != null) {
        zap.close();
      }
    }
  }
}
