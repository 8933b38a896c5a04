package org.daisyjava.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.ProtocolVersion;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.core.protocol.ZmqSockets;
import org.zeromq.ZContext;
import org.zeromq.ZMQException;

/**
 * A worker: connects to a scheduler, takes blocks of one task, runs the task's code on each, and
 * reports back until the scheduler says there are no more (PROTOCOL.md).
 *
 * <p>{@link #run()} blocks the calling thread while the worker's poll loop runs on a thread of its
 * own (interrupting the caller stops the worker); the task's code
 * runs on further threads the worker starts, one per slot ({@link WorkerOptions#slots()}). A worker keeps no global state, so several may run in
 * one JVM, each on its own thread. A worker runs once. To end it early call {@link #stop()};
 * interrupting its thread works too, but may hit ZeroMQ mid-operation.
 *
 * <pre>{@code
 * Worker worker = new Worker(List.of("tcp://head:5555"), "predict",
 *     WorkerOptions.defaults().withFunction(block -> predict(block)));
 * int exitCode = worker.run(); // WorkerExitCodes.FINISHED when the task is done
 * }</pre>
 */
public final class Worker {
  private static final Logger LOG = Logger.getLogger(Worker.class.getName());
  /** How long a closing socket may still deliver queued messages (the goodbye), in ms. */
  static final int LINGER_MS = ZmqSockets.WORKER_LINGER_MS;

  private final List<String> addresses;
  private final String task;
  private final WorkerOptions options;
  private final WorkerSecurity security;
  private final AtomicBoolean started = new AtomicBoolean();
  private final StopRequest stop = new StopRequest();
  private volatile Wakeup wakeup;

  /**
   * @param addresses where the scheduler may be, tried in order ({@code tcp://host:port})
   * @param task the task to serve
   * @param options everything else; {@link WorkerOptions#defaults()} if nothing special
   */
  public Worker(List<String> addresses, String task, WorkerOptions options) {
    if (addresses == null || addresses.isEmpty()) {
      throw new IllegalArgumentException("addresses must not be empty");
    }
    for (String address : addresses) {
      if (address == null || !address.matches("[a-z]+://\\S+")) {
        throw new IllegalArgumentException(
            "addresses must look like tcp://host:port, got '" + address + "'");
      }
    }
    if (task == null || task.isBlank()) {
      throw new IllegalArgumentException("task must not be empty");
    }
    if (options == null) {
      throw new IllegalArgumentException("options must not be null");
    }
    this.addresses = List.copyOf(addresses);
    this.task = task;
    this.options = options;
    this.security = options.key() == null ? WorkerSecurity.PLAIN : security(options.key());
  }

  private static WorkerSecurity security(String keyFileText) {
    try {
      return WorkerKeyFile.read(keyFileText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key is not a daisy-java worker key file: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the worker until it leaves; the calling thread waits (an interrupt of it is a
   * {@link #stop()}, and is handed back when the worker has left).
   *
   * @return a {@link WorkerExitCodes} value: {@code FINISHED} (0) after no_more_blocks,
   *     {@code NO_SCHEDULER} (3), {@code CODE_FAILED} (4), or {@code STOPPED} after {@link #stop()}
   * @throws IllegalStateException if this worker has run already
   */
  public int run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("this worker has run already; a Worker runs once");
    }
    ClassLoader callerClasses = Thread.currentThread().getContextClassLoader();
    ClassLoader userClasses = callerClasses != null ? callerClasses : Worker.class.getClassLoader();
    // The loop runs on a thread of its own that nobody interrupts: an interrupt that lands inside
    // a JeroMQ call closes the socket's NIO channels for good. An interrupt of the caller, waiting
    // here, becomes a stop() instead, and is handed back when the worker has left.
    int[] exit = {WorkerExitCodes.STOPPED};
    Throwable[] failure = {null};
    Thread loop = new Thread(() -> {
      try {
        exit[0] = runLoop(userClasses);
      } catch (RuntimeException | Error e) {
        failure[0] = e;
      }
    }, "daisy-worker-" + task);
    loop.setContextClassLoader(userClasses);
    loop.setDaemon(Thread.currentThread().isDaemon());
    loop.start();
    boolean interrupted = false;
    while (true) {
      try {
        loop.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        stop();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] instanceof RuntimeException r) {
      throw r;
    }
    if (failure[0] instanceof Error err) {
      throw err;
    }
    return exit[0];
  }

  private int runLoop(ClassLoader userClasses) {
    String host = hostName();
    String who = "worker " + host + ":" + ProcessHandle.current().pid();
    Wakeup signals;
    try {
      signals = Wakeup.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the worker's wake-up pipe", e);
    }
    ZContext zmq = ZmqSockets.context();
    zmq.setLinger(LINGER_MS);
    wakeup = signals;
    try {
      if (stop.isRequested()) {
        return WorkerExitCodes.STOPPED;
      }
      DroppedFrames dropped = new DroppedFrames(who);
      HandshakeResult handshake =
          new Connector(zmq, addresses, security, hello(host), options.connectTimeout(), signals,
                  stop, dropped, who)
              .connect();
      if (handshake instanceof HandshakeResult.NotConnected notConnected) {
        return notConnected.exitCode();
      }
      HandshakeResult.Connected connected = (HandshakeResult.Connected) handshake;
      Welcome welcome = connected.welcome();
      who = "worker " + welcome.workerId();
      Path runDir = runDir(welcome, who);
      Queue<RunnerEvent> events = new ConcurrentLinkedQueue<>();
      HeldBlocks heldBlocks = new HeldBlocks();
      // one runner per slot, each with its own code (a class instance, a stream process) and context
      List<RunnerThread> runners = new ArrayList<>(options.slots());
      String description = null;
      for (int slot = 0; slot < options.slots(); slot++) {
        LiveWorkerContext context =
            new LiveWorkerContext(task, welcome.workerId(), slot, runDir, welcome.process());
        BlockRunner code =
            BlockRunners.forWelcome(welcome.process(), options.function(), userClasses);
        description = code.description();
        runners.add(new RunnerThread(code, context, heldBlocks, events, signals, userClasses));
      }
      return new SessionLoop(zmq, connected.channel(), welcome, signals, events, heldBlocks,
              runners, description, stop, dropped, who)
          .run();
    } finally {
      wakeup = null;
      close(zmq, who);
      try {
        signals.close();
      } catch (IOException e) {
        LOG.fine(() -> "closing the wake-up pipe failed: " + e);
      }
    }
  }

  /**
   * Asks the worker to leave: its running block is stopped (its process killed), the scheduler gets
   * a goodbye, and {@link #run()} returns {@link WorkerExitCodes#STOPPED} soon after. Callable from
   * any thread, at any time; does not wait.
   */
  public void stop() {
    stop.request();
    Wakeup signals = wakeup;
    if (signals != null) {
      signals.signal();
    }
  }

  /**
   * Asks the worker to leave cleanly because its job's walltime is near: like {@link #stop()} it
   * takes no new block, hands back the running one and says goodbye, but {@link #run()} returns
   * {@link WorkerExitCodes#FINISHED}, so the launcher replaces it without counting a death.
   */
  public void drain() {
    stop.drain();
    Wakeup signals = wakeup;
    if (signals != null) {
      signals.signal();
    }
  }

  private Hello hello(String host) {
    long pid = ProcessHandle.current().pid();
    // offers every version it speaks; the welcome says which one the session uses
    return new Hello(task, host + ":" + pid, host, pid, options.job(), options.log(), options.slots(),
        options.workerId(), ProtocolVersion.newest());
  }

  /** The options' run directory, else the one the scheduler named, else none. */
  private Path runDir(Welcome welcome, String who) {
    if (options.runDir() != null) {
      return options.runDir();
    }
    if (welcome.runDir() == null) {
      return null;
    }
    try {
      return Path.of(welcome.runDir());
    } catch (InvalidPathException e) {
      LOG.warning(who + ": ignoring the scheduler's run_dir '" + welcome.runDir() + "': " + e.getMessage());
      return null;
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "localhost" : env;
    }
  }

  /**
   * Closes the context, which lets the goodbye out within the linger. JeroMQ may fail the first
   * attempt with EINTR after it swallowed an interrupt; a second one then succeeds.
   */
  private static void close(ZContext zmq, String who) {
    for (int attempt = 1; ; attempt++) {
      try {
        zmq.close();
        return;
      } catch (ZMQException e) {
        if (attempt == 2) {
          LOG.warning(who + ": closing ZeroMQ failed: " + e);
          return;
        }
      }
    }
  }
}
