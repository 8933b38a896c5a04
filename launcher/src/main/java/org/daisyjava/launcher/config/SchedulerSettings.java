package org.daisyjava.launcher.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code scheduler:} section: where workers connect and how liveness is judged.
 *
 * @param hosts addresses offered to workers; empty means probe this machine's addresses
 * @param portLow first port to try (0 = any free port)
 * @param portHigh last port to try (equal to portLow for a single port)
 * @param web where the live status page listens ({@code web: HOST:PORT}); empty for {@code off}
 * @param encryption CURVE (the default) or off (allowed only when every address is loopback)
 * @param encryptionLine the config line of {@code scheduler.encryption}, 0 if not given
 */
public record SchedulerSettings(
    List<String> hosts,
    int portLow,
    int portHigh,
    Duration heartbeatInterval,
    int heartbeatLiveness,
    Duration statusInterval,
    Optional<InetSocketAddress> web,
    Encryption encryption,
    int encryptionLine) {

  /** {@code scheduler.encryption}. */
  public enum Encryption { CURVE, OFF }

  static final SchedulerSettings DEFAULTS = new SchedulerSettings(
      List.of(), 0, 0, Duration.ofSeconds(1), 5, Duration.ofSeconds(30),
      Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", 0)), Encryption.CURVE, 0);

  private static final Set<String> KEYS = Set.of(
      "host", "port", "heartbeat_interval", "heartbeat_liveness", "status_interval", "web", "encryption");

  /** Time without any message after which a peer counts as dead. */
  public Duration deadAfter() {
    return heartbeatInterval.multipliedBy(heartbeatLiveness);
  }

  static SchedulerSettings from(ConfigNode n) throws ConfigException {
    if (n == null) {
      return DEFAULTS;
    }
    n.allowOnly(KEYS);
    List<String> hosts = DEFAULTS.hosts;
    ConfigNode host = n.get("host");
    if (host != null) {
      if (host.isList()) {
        hosts = List.copyOf(host.stringList());
      } else {
        String single = host.string();
        hosts = single.equals("auto") ? List.of() : List.of(single);
      }
      for (String h : hosts) {
        if (!h.matches("[A-Za-z0-9.:_\\-\\[\\]%]+")) {
          throw host.error("not a host name or address: '" + h + "'");
        }
      }
    }
    int low = 0;
    int high = 0;
    ConfigNode port = n.get("port");
    if (port != null) {
      String p = port.string().trim();
      try {
        if (p.contains("-")) {
          String[] parts = p.split("-", 2);
          low = Integer.parseInt(parts[0].trim());
          high = Integer.parseInt(parts[1].trim());
        } else {
          low = Integer.parseInt(p);
          high = low;
        }
      } catch (NumberFormatException e) {
        throw port.error("expected 0, a port number or a range such as 40000-40100, got '" + p + "'");
      }
      if (low < 0 || high > 65535 || high < low || (low == 0 && high != 0)) {
        throw port.error("expected 0, a port number or a range such as 40000-40100, got '" + p + "'");
      }
    }
    Duration hb = DEFAULTS.heartbeatInterval;
    ConfigNode hbNode = n.get("heartbeat_interval");
    if (hbNode != null) {
      hb = hbNode.duration();
      if (hb.toMillis() < 10) {
        throw hbNode.error("must be at least 10ms, got " + hb.toMillis() + "ms");
      }
    }
    int liveness = DEFAULTS.heartbeatLiveness;
    ConfigNode live = n.get("heartbeat_liveness");
    if (live != null) {
      liveness = live.intValue(1, 1000);
    }
    Duration status = DEFAULTS.statusInterval;
    ConfigNode st = n.get("status_interval");
    if (st != null) {
      status = st.duration();
      if (status.toMillis() < 100) {
        throw st.error("must be at least 100ms");
      }
    }
    Encryption encryption = DEFAULTS.encryption;
    ConfigNode enc = n.get("encryption");
    if (enc != null) {
      encryption = enc.oneOf(List.of("curve", "off")).equals("off") ? Encryption.OFF : Encryption.CURVE;
    }
    return new SchedulerSettings(hosts, low, high, hb, liveness, status, web(n.get("web")), encryption,
        enc == null ? 0 : enc.line());
  }

  /** {@code off}, or {@code HOST:PORT} with an IP address or name and a port (0 = any free). */
  private static Optional<InetSocketAddress> web(ConfigNode w) throws ConfigException {
    if (w == null) {
      return DEFAULTS.web;
    }
    String v = w.string().trim();
    if (v.equals("off")) {
      return Optional.empty();
    }
    int colon = v.lastIndexOf(':');
    String host = colon > 0 ? v.substring(0, colon).replaceAll("^\\[|\\]$", "") : "";
    String port = colon > 0 ? v.substring(colon + 1) : "";
    if (!host.matches("[A-Za-z0-9.:_\\-%]+") || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      throw w.error("expected off or HOST:PORT such as 127.0.0.1:0 (port 0 = any free port), got '" + v + "'");
    }
    return Optional.of(InetSocketAddress.createUnresolved(host, Integer.parseInt(port)));
  }
}
