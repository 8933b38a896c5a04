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
}
