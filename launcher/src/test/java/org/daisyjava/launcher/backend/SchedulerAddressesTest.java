package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The addresses job scripts hand workers, in the order they try them. */
class SchedulerAddressesTest {
  @Test
  void configuredHostsAreUsedInTheirOrder() {
    assertEquals(List.of("tcp://10.0.0.5:4000", "tcp://head-node:4000"),
        SchedulerAddresses.of(List.of("10.0.0.5", "head-node"), 4000));
  }

  @Test
  void ipv6AddressesAreBracketed() {
    assertEquals(List.of("tcp://[fe80::1]:7", "tcp://[::1]:7"), SchedulerAddresses.of(List.of("fe80::1", "[::1]"), 7));
  }

  @Test
  void autoOffersThisMachinesAddressesAndLoopbackOnlyWhenThereIsNothingElse() {
    List<String> hosts = SchedulerAddresses.probe();
    assertFalse(hosts.isEmpty());
    assertEquals(hosts.size(), hosts.stream().distinct().count(), "no duplicates: " + hosts);
    if (hosts.size() > 1) {
      assertTrue(hosts.stream().noneMatch(h -> h.startsWith("127.") || h.equals("localhost")), hosts.toString());
    }
    List<String> addresses = SchedulerAddresses.of(List.of(), 5555);
    assertEquals(hosts.stream().map(h -> "tcp://" + h + ":5555").toList(), addresses);
  }

  @Test
  void configuredHostsMustBeAddressesOfThisMachine() throws Exception {
    List<String> own = new java.util.ArrayList<>(List.of("127.0.0.1", "localhost"));
    for (java.net.InetAddress a : SchedulerAddresses.localAddresses()) {
      own.add(a.getHostAddress());
    }
    SchedulerAddresses.checkOwn(own, "run.yaml");
    SchedulerAddresses.checkOwn(List.of(), "run.yaml");
    // TEST-NET-1 (RFC 5737) literals: never any machine's address, and no lookup is needed
    for (String foreign : List.of("192.0.2.1", "0.0.0.0")) {
      org.daisyjava.launcher.run.LaunchException e = org.junit.jupiter.api.Assertions.assertThrows(
          org.daisyjava.launcher.run.LaunchException.class,
          () -> SchedulerAddresses.checkOwn(List.of("127.0.0.1", foreign), "run.yaml"));
      assertEquals(org.daisyjava.launcher.ExitCode.USAGE, e.exitCode());
      assertTrue(e.getMessage().startsWith("run.yaml: scheduler.host: '" + foreign + "' is not an address of this"
          + " machine"), e.getMessage());
      assertTrue(e.getMessage().contains("127.0.0.1"), "lists the machine's own addresses: " + e.getMessage());
    }
  }

  @Test
  void theCheckComparesResolvedAddressesWithTheInterfaces() throws Exception {
    java.util.Set<java.net.InetAddress> local = java.util.Set.of(java.net.InetAddress.getByName("10.9.9.9"));
    SchedulerAddresses.checkOwn(List.of("10.9.9.9"), "c.yaml", local);
    org.junit.jupiter.api.Assertions.assertThrows(org.daisyjava.launcher.run.LaunchException.class,
        () -> SchedulerAddresses.checkOwn(List.of("10.9.9.9", "10.9.9.8"), "c.yaml", local));
    SchedulerAddresses.checkOwn(List.of("127.0.0.2"), "c.yaml", local); // loopback is always this machine
  }
}
