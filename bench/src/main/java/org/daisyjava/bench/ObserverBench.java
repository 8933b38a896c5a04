package org.daisyjava.bench;

import java.util.List;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.server.ServerObserver;

/**
 * What the run's observer costs the scheduler's loop per block: the three calls a block makes
 * (started, ended, done) on a 3-D task of 10^6 blocks (block map downsampled), 4 workers, alone
 * and with a reader thread copying block maps, tasks and workers every 250 ms as the live page
 * does. Args: blocks along each axis (default 100), rounds (default 5). Prints ns per block.
 */
public final class ObserverBench {
  private ObserverBench() {}

  public static void main(String[] args) throws Exception {
    int edge = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long side = edge * 10L;
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("bench",
        Roi.of(new long[] {0, 0, 0}, new long[] {side, side, side}), Roi.of(new long[] {0, 0, 0}, new long[] {10, 10, 10}),
        Roi.of(new long[] {0, 0, 0}, new long[] {10, 10, 10}), Fit.VALID, false, List.of())));
    long blocks = graph.totalBlocks();
    System.out.printf("run observer, %,d blocks, 3 calls per block on the loop thread%n", blocks);
    for (boolean reader : new boolean[] {false, true}) {
      for (int r = 0; r < rounds; r++) {
        RunModel model = new RunModel(new RunModel.RunInfo("bench", null, "bench", graph), System.nanoTime());
        ServerObserver o = model.observer();
        for (int w = 1; w <= 4; w++) {
          o.workerJoined(w, 0, "w" + w, "host", -1, null, null);
        }
        boolean[] stop = {false};
        Thread page = new Thread(() -> {
          while (!stop[0]) {
            model.map(0);
            model.tasks();
            model.workers();
            try {
              Thread.sleep(250);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        if (reader) {
          page.start();
        }
        long t0 = System.nanoTime();
        for (long id = 0; id < blocks; id++) {
          long w = 1 + (id & 3);
          o.blockStarted(0, id, w, 1);
          o.blockEnded(0, id, w, 1, 1_000_000 + (id & 1023), ServerObserver.Ending.SUCCEEDED, null);
          o.blockDone(0, id, false);
        }
        long t1 = System.nanoTime();
        stop[0] = true;
        page.interrupt();
        page.join();
        System.out.printf("  %-28s round %d: %6.1f ns per block%n", reader ? "with a page reading" : "alone",
            r + 1, (t1 - t0) / (double) blocks);
      }
    }
  }
}
