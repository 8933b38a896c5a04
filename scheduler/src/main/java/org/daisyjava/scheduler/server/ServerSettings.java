package org.daisyjava.scheduler.server;

import java.time.Duration;
import java.util.List;
import org.daisyjava.core.protocol.ServerSecurity;

/**
 * How the scheduler's socket is bound and how liveness is judged.
 *
 * @param bindHost interface to bind ({@code *} = all)
 * @param portLow first port to try; 0 = any free port
 * @param portHigh last port to try
 * @param security CURVE keys (only the run's workers get in) or plain (loopback only)
 * @param runDir sent to workers ({@code DAISY_RUN_DIR}); may be null
 * @param heartbeatInterval the configured heartbeat interval; the one in use is {@link
 *     #heartbeat()}, longer for many workers
 * @param tasks per task, in graph order
 * @param expectedWorkers how many workers the run starts in all (the sum of {@code num_workers});
 *     0 if unknown (e.g. workers started by the user). Sizes the listen backlog ({@link
 *     org.daisyjava.core.protocol.ZmqSockets#backlogFor}) and the heartbeat ({@link #heartbeat()})
 */
public record ServerSettings(
    String bindHost,
    int portLow,
    int portHigh,
    Duration heartbeatInterval,
    int liveness,
    ServerSecurity security,
    String runDir,
    List<TaskSettings> tasks,
    int expectedWorkers) {
  /**
   * Heartbeats the scheduler may send per second in all, and expects to receive: with 10,000
   * workers and a 1 s interval it would be 10,000 messages a second each way (each one CURVE-boxed
   * in pure Java), so beyond this many workers the interval grows with their number instead.
   */
  public static final int HEARTBEATS_PER_SECOND = 2000;
  /** The interval never grows beyond this, however many workers: a dead worker is noticed in time. */
  public static final Duration MAX_HEARTBEAT = Duration.ofSeconds(10);

  /** Settings for a run whose number of workers is not known in advance. */
  public ServerSettings(String bindHost, int portLow, int portHigh, Duration heartbeatInterval,
      int liveness, ServerSecurity security, String runDir, List<TaskSettings> tasks) {
    this(bindHost, portLow, portHigh, heartbeatInterval, liveness, security, runDir, tasks, 0);
  }

  public ServerSettings {
    if (heartbeatInterval == null || heartbeatInterval.toMillis() <= 0) {
      throw new IllegalArgumentException("heartbeatInterval must be positive");
    }
    if (liveness < 1) {
      throw new IllegalArgumentException("liveness must be >= 1, got " + liveness);
    }
    if (portLow < 0 || portHigh > 65535 || portHigh < portLow) {
      throw new IllegalArgumentException("bad port range " + portLow + "-" + portHigh);
    }
    if (security == null) {
      throw new IllegalArgumentException("security must be given (ServerSecurity.PLAIN for none)");
    }
    if (expectedWorkers < 0) {
      throw new IllegalArgumentException("expectedWorkers must be >= 0, got " + expectedWorkers);
    }
    tasks = List.copyOf(tasks);
  }

  /**
   * The heartbeat interval in use, told to every worker in {@code welcome} (so both sides judge
   * silence by the same {@code liveness × interval}): the configured one, or longer when the run
   * has so many workers that one heartbeat each per interval would exceed {@link
   * #HEARTBEATS_PER_SECOND} — {@code max(configured, min(MAX_HEARTBEAT, expectedWorkers /
   * HEARTBEATS_PER_SECOND s))}, never shorter than configured. Fixed for the run (from the
   * expected count, not the connected one): a worker welcomed early must not be judged by a
   * longer or shorter interval than the one it was told.
   */
  public Duration heartbeat() {
    return scaledHeartbeat(heartbeatInterval, expectedWorkers);
  }

  static Duration scaledHeartbeat(Duration configured, int workers) {
    long scaledMs = (long) Math.ceil(workers * 1000.0 / HEARTBEATS_PER_SECOND);
    long capped = Math.min(scaledMs, MAX_HEARTBEAT.toMillis());
    return capped > configured.toMillis() ? Duration.ofMillis(capped) : configured;
  }

  /** Silence after which a peer counts as dead: {@code liveness ×} {@link #heartbeat()}. */
  public Duration deadAfter() {
    return heartbeat().multipliedBy(liveness);
  }
}
