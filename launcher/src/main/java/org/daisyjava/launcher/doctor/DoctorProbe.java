package org.daisyjava.launcher.doctor;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.worker.WorkerExitCodes;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The program the doctor's probe job runs on a compute node ({@code java -cp <the worker's
 * classpath> org.daisyjava.launcher.doctor.DoctorProbe ...}): tries every candidate head address
 * the way a worker would (a ZeroMQ DEALER, a ping, {@link DoctorWire#ANSWER_WAIT} for the pong),
 * looks at the node, prints a {@link ProbeReport} and sends it to the first address that answered.
 * Exit 0 if one answered, {@link WorkerExitCodes#NEVER_CONNECTED} otherwise.
 *
 * <p>Arguments: {@code --token T --marker FILE --classpath CP --connect ADDR[,ADDR...]}; the
 * marker is a file the doctor wrote beside the run directory holding the token: reading it back
 * proves the node sees that file system.
 */
public final class DoctorProbe {
  private DoctorProbe() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    String token = a.get("--token");
    String connect = a.get("--connect");
    if (token == null || connect == null || a.get("--marker") == null || a.get("--classpath") == null) {
      System.err.println("usage: DoctorProbe --token T --marker FILE --classpath CP --connect ADDR[,ADDR...]");
      return WorkerExitCodes.USAGE;
    }
    List<ProbeReport.Answer> answers = new ArrayList<>();
    ProbeReport report;
    try (ZContext zmq = new ZContext()) {
      for (String address : connect.split(",")) {
        answers.add(new ProbeReport.Answer(address, ping(zmq, address, token)));
      }
      report = new ProbeReport(node(), String.valueOf(Runtime.getRuntime().availableProcessors()), gpus(),
          System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
              + System.getProperty("java.home") + ")",
          marker(Path.of(a.get("--marker")), token), classpath(a.get("--classpath")), answers);
      System.out.print(report.text());
      System.out.flush();
      for (ProbeReport.Answer answer : answers) {
        if (answer.answered()) {
          send(zmq, answer.address(), token, report.text());
          break;
        }
      }
    }
    return report.anyAnswered() ? 0 : WorkerExitCodes.NEVER_CONNECTED;
  }

  /** Round trip in ms of a ping to {@code address}, or -1 if nothing answered in time. */
  private static long ping(ZContext zmq, String address, String token) {
    ZMQ.Socket s = zmq.createSocket(SocketType.DEALER);
    try {
      s.setLinger(0);
      s.setReceiveTimeOut((int) DoctorWire.ANSWER_WAIT.toMillis());
      s.connect(address);
      long t0 = System.nanoTime();
      DoctorWire.send(s, token, DoctorWire.PING, "");
      List<String> reply = DoctorWire.receive(s);
      if (reply != null && DoctorWire.matches(reply, token, DoctorWire.PONG)) {
        return Math.max(0, (System.nanoTime() - t0) / 1_000_000);
      }
      return -1;
    } catch (RuntimeException e) {
      System.err.println("daisy-doctor: " + address + ": " + e);
      return -1;
    } finally {
      s.close();
    }
  }

  /** Sends the report and waits for the head's receipt, so the job does not exit with it in flight. */
  private static void send(ZContext zmq, String address, String token, String text) {
    ZMQ.Socket s = zmq.createSocket(SocketType.DEALER);
    try {
      s.setLinger((int) DoctorWire.ANSWER_WAIT.toMillis());
      s.setReceiveTimeOut((int) DoctorWire.ANSWER_WAIT.toMillis());
      s.connect(address);
      DoctorWire.send(s, token, DoctorWire.REPORT, text);
      DoctorWire.receive(s);
    } finally {
      s.close();
    }
  }

  private static String node() {
    String n = System.getenv("SLURMD_NODENAME");
    if (n != null && !n.isBlank()) {
      return n;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** NVIDIA devices on the node, and what the batch system granted (CUDA_VISIBLE_DEVICES). */
  private static String gpus() {
    int n = 0;
    try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/dev"), "nvidia[0-9]*")) {
      for (Path p : d) {
        n++;
      }
    } catch (IOException e) {
      // no /dev listing: report 0
    }
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    return n + (visible == null ? "" : " (CUDA_VISIBLE_DEVICES=" + visible + ")");
  }

  private static String marker(Path marker, String token) {
    try {
      return Files.readString(marker, StandardCharsets.UTF_8).strip().equals(token)
          ? "visible" : "not visible: " + marker + " holds something else";
    } catch (IOException e) {
      return "not visible: cannot read " + marker + " (" + e.getClass().getSimpleName() + ")";
    }
  }

  private static String classpath(String cp) {
    for (String part : cp.split(File.pathSeparator)) {
      if (!part.isEmpty() && !Files.isReadable(Path.of(part))) {
        return "not visible: " + part;
      }
    }
    return "visible";
  }
}
