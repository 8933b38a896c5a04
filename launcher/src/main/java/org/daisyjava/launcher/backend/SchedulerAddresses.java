package org.daisyjava.launcher.backend;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.run.LaunchException;

/**
 * The addresses workers on compute nodes are offered, in the order they try them. "Workers
 * can't reach the head" is the most common launcher failure, so with {@code scheduler.host:
 * auto} every candidate goes in: this machine's non-loopback IPv4 addresses (private networks
 * first: clusters talk over them), then its host name; loopback only if there is nothing else.
 * They are always this machine's — the head's, where the scheduler listens — even when jobs are
 * submitted through a login node over SSH: the login node only runs sbatch.
 *
 * <p>A configured {@code scheduler.host} is checked the same way ({@link #checkOwn}): an entry
 * that is not an address of this machine (a typo, the login node's name, an old IP) would send
 * every worker to a place where no scheduler listens, so it is refused before anything starts.
 */
public final class SchedulerAddresses {
  private SchedulerAddresses() {}

  /** {@code tcp://HOST:PORT} for each candidate. */
  public static List<String> of(List<String> configured, int port) {
    List<String> hosts = configured.isEmpty() ? probe() : configured;
    List<String> out = new ArrayList<>();
    for (String h : hosts) {
      out.add("tcp://" + (h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + port);
    }
    return out;
  }

  /**
   * Exit 2 unless every entry of a configured {@code scheduler.host} resolves to an address of
   * one of this machine's interfaces ({@code source} names the config in the message).
   */
  public static void checkOwn(List<String> configured, String source) throws LaunchException {
    if (configured.isEmpty()) {
      return;
    }
    checkOwn(configured, source, localAddresses());
  }

  static void checkOwn(List<String> configured, String source, Set<InetAddress> local) throws LaunchException {
    for (String entry : configured) {
      String h = entry.startsWith("[") && entry.endsWith("]") ? entry.substring(1, entry.length() - 1) : entry;
      InetAddress[] resolved;
      try {
        resolved = InetAddress.getAllByName(h);
      } catch (UnknownHostException e) {
        throw new LaunchException(ExitCode.USAGE, source + ": scheduler.host: '" + entry + "' does not resolve"
            + " to an address; workers connect to the scheduler on this machine, so name one of its addresses"
            + " (" + describe(local) + ") or use auto");
      }
      boolean own = false;
      for (InetAddress a : resolved) {
        // loopback (all of 127.0.0.0/8 on Linux) is this machine whatever the interface list says
        own |= !a.isAnyLocalAddress() && (a.isLoopbackAddress() || local.contains(withoutScope(a)));
      }
      if (!own) {
        List<String> got = new ArrayList<>();
        for (InetAddress a : resolved) {
          got.add(a.getHostAddress());
        }
        throw new LaunchException(ExitCode.USAGE, source + ": scheduler.host: '" + entry + "'"
            + (got.size() == 1 && got.get(0).equals(h) ? "" : " (" + String.join(", ", got) + ")")
            + " is not an address of this machine, where the scheduler listens and the workers connect to;"
            + " name one of its addresses (" + describe(local) + ") or use auto");
      }
    }
  }

  /** Every address of every interface that is up, loopback included. */
  static Set<InetAddress> localAddresses() {
    Set<InetAddress> out = new LinkedHashSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp()) {
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            out.add(withoutScope(a));
          }
        }
      }
    } catch (SocketException e) {
      // no interface list: only loopback is known to be ours
      out.add(InetAddress.getLoopbackAddress());
    }
    return out;
  }

  /** fe80::1%eth0 and fe80::1 are the same address for this check. */
  private static InetAddress withoutScope(InetAddress a) {
    if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
      try {
        return InetAddress.getByAddress(v6.getAddress());
      } catch (UnknownHostException e) {
        return a;
      }
    }
    return a;
  }

  private static String describe(Set<InetAddress> local) {
    List<String> out = new ArrayList<>();
    for (InetAddress a : local) {
      out.add(a.getHostAddress());
    }
    return String.join(", ", out);
  }

  static List<String> probe() {
    List<Inet4Address> v4 = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address v && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            v4.add(v);
          }
        }
      }
    } catch (SocketException e) {
      // no interface list: fall back to the host name below
    }
    v4.sort(Comparator.comparing((Inet4Address a) -> !a.isSiteLocalAddress()));
    Set<String> out = new LinkedHashSet<>();
    for (Inet4Address a : v4) {
      out.add(a.getHostAddress());
    }
    try {
      String host = InetAddress.getLocalHost().getCanonicalHostName();
      if (!host.isEmpty() && !host.equals("localhost")) {
        out.add(host);
      }
    } catch (UnknownHostException e) {
      // no resolvable host name
    }
    if (out.isEmpty()) {
      out.add("127.0.0.1");
    }
    return List.copyOf(out);
  }
}
