package org.daisyjava.launcher.doctor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zeromq.ZMQ;

/**
 * The head's end of the doctor's wire ({@link DoctorWire}), on a thread of its own: answers the
 * probe's pings and takes its report. The probe waits {@link DoctorWire#ANSWER_WAIT} for each pong,
 * while the doctor's own thread runs the status command, which over SSH to a loaded login node can
 * take longer than that. Answered between two status commands, a ping of a reachable address could
 * go unanswered, and the table would call that address unreachable.
 *
 * <p>The thread owns the socket from {@link #start} until {@link #close} has joined it; the socket
 * is handed over and back across those two points (a thread's start and its join order every use).
 */
final class ProbeAnswers implements AutoCloseable {
  /** How long one receive waits, so that {@link #close} is seen soon. */
  private static final int RECEIVE_MILLIS = 100;

  private final ZMQ.Socket router;
  private final String token;
  private final CompletableFuture<ProbeReport> report = new CompletableFuture<>();
  private final Thread thread;
  private volatile boolean closing;

  private ProbeAnswers(ZMQ.Socket router, String token) {
    this.router = router;
    this.token = token;
    this.thread = new Thread(this::serve, "daisy-doctor-answers");
    thread.setDaemon(true);
  }

  /** Starts answering on {@code router}, which no other thread may touch until {@link #close}. */
  static ProbeAnswers start(ZMQ.Socket router, String token) {
    ProbeAnswers answers = new ProbeAnswers(router, token);
    answers.thread.start();
    return answers;
  }

  /** The probe's report if it arrives within {@code wait} (zero: if it is here), else null. */
  ProbeReport await(Duration wait) {
    try {
      return report.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot happen: the report is never completed exceptionally", e);
    }
  }

  /** Stops answering and waits for the thread, after which the socket is the caller's again. */
  @Override
  public void close() {
    closing = true;
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve() {
    router.setReceiveTimeOut(RECEIVE_MILLIS);
    try {
      while (!closing) {
        serveOne();
      }
    } catch (RuntimeException e) {
      // ZeroMQ's context closing under us (the doctor was interrupted), or a socket that broke:
      // the doctor's thread then finds no report and reads the probe's log instead
      System.err.println("daisy-launch doctor: no longer answering the probe: " + e);
    }
  }

  /** Answers one message, if one comes within a receive timeout. */
  private void serveOne() {
    byte[] peer = router.recv();
    if (peer == null) {
      return;
    }
    List<String> frames = DoctorWire.rest(router);
    if (DoctorWire.matches(frames, token, DoctorWire.PING)) {
      reply(peer, DoctorWire.PONG);
    } else if (DoctorWire.matches(frames, token, DoctorWire.REPORT) && frames.size() >= 4) {
      ProbeReport r = ProbeReport.parse(frames.get(3));
      if (r != null) {
        // before the thanks: once the probe may exit (and its job be seen gone), the report is here
        report.complete(r); // the first one counts; later ones are thanked and dropped
      }
      reply(peer, DoctorWire.THANKS);
    }
    // anything else (strays, old probes) is dropped
  }

  private void reply(byte[] peer, String kind) {
    router.sendMore(peer);
    DoctorWire.send(router, token, kind, "");
  }
}
