package org.daisyjava.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The head's answers come from a thread of their own: the real probe, run on the test's thread,
 * gets its pong and its thanks while the thread that started the answers does nothing else
 * with the socket, as the doctor's thread does while a status command runs.
 */
class ProbeAnswersTest {
  @TempDir Path dir;

  @Test
  void theProbeIsAnsweredWhileTheDoctorsThreadIsBusyAndItsReportIsThereByTheThanks() throws Exception {
    String token = "0123456789abcdef";
    Path marker = dir.resolve("marker");
    Files.writeString(marker, token + "\n");
    try (ZContext zmq = new ZContext()) {
      ZMQ.Socket router = zmq.createSocket(SocketType.ROUTER);
      router.setLinger(0);
      int port = router.bindToRandomPort("tcp://127.0.0.1");
      try (ProbeAnswers answers = ProbeAnswers.start(router, token)) {
        assertNull(answers.await(Duration.ZERO), "no report before the probe ran");
        // this thread is the probe's from here until its report has been thanked
        int code = DoctorProbe.run(new String[] {"--token", token, "--marker", marker.toString(),
            "--classpath", dir.toString(), "--connect", "tcp://127.0.0.1:" + port});
        assertEquals(0, code, "the probe heard a pong");
        ProbeReport report = answers.await(Duration.ZERO);
        assertNotNull(report, "the report is taken before the probe is thanked for it");
        assertTrue(report.anyAnswered(), report.text());
        assertEquals("tcp://127.0.0.1:" + port, report.addresses().get(0).address());
      }
      // closed and joined: the socket is this thread's again
      router.close();
    }
  }

  @Test
  void strangersAndOtherDoctorsRunsAreNotAnswered() throws Exception {
    try (ZContext zmq = new ZContext()) {
      ZMQ.Socket router = zmq.createSocket(SocketType.ROUTER);
      router.setLinger(0);
      int port = router.bindToRandomPort("tcp://127.0.0.1");
      try (ProbeAnswers answers = ProbeAnswers.start(router, "the-right-token")) {
        ZMQ.Socket probe = zmq.createSocket(SocketType.DEALER);
        probe.setLinger(0);
        probe.setReceiveTimeOut((int) Duration.ofSeconds(60).toMillis());
        probe.connect("tcp://127.0.0.1:" + port);
        probe.send("garbage");
        DoctorWire.send(probe, "another-token", DoctorWire.PING, "");
        DoctorWire.send(probe, "the-right-token", DoctorWire.REPORT, "daisy-doctor node x\n");
        // the one answer is the thanks for the last message: the two before it got none
        assertEquals(java.util.List.of(DoctorWire.MAGIC, "the-right-token", DoctorWire.THANKS, ""),
            DoctorWire.receive(probe));
        assertNotNull(answers.await(Duration.ZERO));
        probe.close();
      }
    }
  }
}
