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
 * @param tasks per task, in graph order
 */
public record ServerSettings(
    String bindHost,
    int portLow,
    int portHigh,
    Duration heartbeatInterval,
    int liveness,
    ServerSecurity security,
    String runDir,
    List<TaskSettings> tasks) {

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
    tasks = List.copyOf(tasks);
  }

  /** Silence after which a peer counts as dead. */
  public Duration deadAfter() {
    return heartbeatInterval.multipliedBy(liveness);
  }
}
