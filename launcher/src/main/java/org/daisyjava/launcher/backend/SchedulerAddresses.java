package org.daisyjava.launcher.backend;

import java.net.Inet4Address;
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

/**
 * The addresses workers on compute nodes are offered, in the order they try them. "Workers
 * can't reach the head" is the most common launcher failure, so with {@code scheduler.host:
 * auto} every candidate goes in: this machine's non-loopback IPv4 addresses (private networks
 * first: clusters talk over them), then its host name; loopback only if there is nothing else.
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
