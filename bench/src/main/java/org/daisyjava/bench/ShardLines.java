package org.daisyjava.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A shard's side of its lines with {@link LoadGen}: the shard prints {@code ready} once its
 * workers are prepared; the parent's first line on stdin is "go" (every shard's workers connect
 * at once), its second "stop" (the scheduler has ended: workers still waiting give up). The end
 * of stdin — the parent gone — also stops.
 */
final class ShardLines {
  private ShardLines() {}

  /** Says ready, waits for go, and from then on runs {@code onStop} on stop, on a daemon thread. */
  static void readyThenGo(Runnable onStop) throws IOException {
    System.out.println("ready");
    System.out.flush();
    BufferedReader parent = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    parent.readLine();
    Thread stopper = new Thread(() -> {
      try {
        parent.readLine();
      } catch (IOException e) {
        // the parent is gone: stop as well
      }
      onStop.run();
    }, "shard-stop");
    stopper.setDaemon(true);
    stopper.start();
  }
}
