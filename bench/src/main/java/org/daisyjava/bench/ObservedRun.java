package org.daisyjava.bench;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.launcher.observe.RunEvents;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.launcher.web.LivePage;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * What {@code -Dbench.observe} adds to the ZeroMQ benchmark, to measure what the run's observers
 * cost the scheduler: {@code off} (default) nothing; {@code model} the run model fed by the
 * server's observer hook and ticked like the launcher does; {@code page} that plus the live page
 * with a client fetching {@code /api/run} twice a second (more often than the page polls).
 */
final class ObservedRun implements AutoCloseable {
  private final RunEvents run;
  private final Thread client;
  private volatile boolean stop;

  private ObservedRun(RunEvents run, Thread client) {
    this.run = run;
    this.client = client;
  }

  static ObservedRun attach(SchedulerServer server, DependencyGraph graph, Path dir) {
    String mode = System.getProperty("bench.observe", "off");
    if (mode.equals("off")) {
      return new ObservedRun(null, null);
    }
    List<RunListener> listeners = new ArrayList<>();
    LivePage page = mode.equals("page")
        ? new LivePage(InetSocketAddress.createUnresolved("127.0.0.1", 0), dir,
            new PrintStream(OutputStream.nullOutputStream()))
        : null;
    if (page != null) {
      listeners.add(page);
    }
    RunEvents run = new RunEvents(new RunModel(new RunModel.RunInfo("bench", dir.toString(), "bench", graph),
        System.nanoTime()), listeners, System.nanoTime());
    server.observe(run.observer());
    run.started();
    ObservedRun[] self = new ObservedRun[1];
    Thread client = null;
    if (page != null) {
      client = new Thread(() -> {
        while (!self[0].stop) {
          try (InputStream in = new URL(page.url() + "api/run").openStream()) {
            in.readAllBytes();
            Thread.sleep(500);
          } catch (Exception e) {
            return;
          }
        }
      }, "bench-page-client");
      client.setDaemon(true);
    }
    self[0] = new ObservedRun(run, client);
    if (client != null) {
      client.start();
    }
    return self[0];
  }

  void tick(ServerSnapshot s) {
    if (run != null) {
      run.tick(s);
    }
  }

  @Override
  public void close() {
    stop = true;
    if (run != null) {
      run.close();
    }
  }
}
