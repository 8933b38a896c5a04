package org.daisyjava.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The load generator: N simulated workers (up to 10,000) against a real scheduler — a {@link
 * LoadScheduler} JVM with CURVE and the durable checkpoint log, one 3-D task with conflicts of
 * no-op blocks — driven by shard JVMs of at most {@code -Dloadgen.perShard} workers each, a few
 * driver threads per shard (not a thread per worker). All shards build their sockets first; then
 * every worker connects at once (a storm). Two engines of simulated workers ({@code
 * -Dloadgen.engine}): {@code jeromq} (default, {@link LoadShard}: a JeroMQ DEALER per worker, made
 * as a real worker's; 2000 per shard by default) and {@code nio} ({@link NioShard}: the same bytes
 * from one SocketChannel per worker; 5000 per shard by default).
 *
 * <p>How to run and what it measures: build ({@code mvn -o -q -B package -DskipTests -pl bench
 * -am}), then {@code java -Dloadgen.engine=nio -Dloadgen.protocol=2 -Dloadgen.prefetch=32 -cp
 * bench/target/classes:launcher/target/daisy-java.jar org.daisyjava.bench.LoadGen 10000 1000000
 * 1}. A storm of N workers measures the scheduler's limit only when the generator is not the
 * bottleneck: JeroMQ's simulated workers cost the generator more CPU than the scheduler spends
 * (about 105 s against 37 s for 10,000 on 2 cores), NIO's far less, because each NIO worker made
 * its transient CURVE keys and HELLO before "go" (as a real worker does on its own machine) and
 * carries no JeroMQ machinery; compare {@code gen_cpu_s} (and {@code gen_prep_cpu_s}, its part
 * before "go") with {@code sched_cpu_s}. Give the run enough blocks to outlast the storm: when
 * the first workers finish before the last have connected, "all connected" never happens and the
 * run is reported as such ({@code connect_s} missing; {@code last_welcome_s}, the NIO shards' own
 * time from "go" to their last welcome, still says how long the storm took).
 *
 * <p>Reports per run: steady blocks/s (the scheduler's durable count between 10 % — or all
 * connected, if later — and 90 %), the time from "go" until every worker had a session, refused
 * handshakes and hellos, workers declared dead, abandons, the kernel's listen-queue overflows
 * during the run (TcpExt ListenOverflows, machine-wide), the scheduler JVM's CPU (whole process,
 * its loop thread, ZeroMQ's I/O threads) and RSS, the shards' CPU, when the workers were
 * welcomed (quantiles, and a line of welcomes per second: {@link WelcomeTimes}), and how old the
 * scheduler's newest snapshot was at worst when LoadScheduler looked (its loop publishes them; an
 * old one means a starved or stuck loop). Then min/median/max over the repeats.
 *
 * <p>Why separate JVMs: a JeroMQ socket costs several file descriptors (its mailbox, its poller, its
 * TCP connection; an NIO worker costs one) and this machine allows 20,000 per process, so 10,000
 * workers do not fit in one; and the scheduler's CPU and RSS are measured without the generator's.
 *
 * <p>Arguments: {@code [workers, default 100] [blocks (rounded to a cube), default 200000]
 * [repeats, default 3]}; {@code -Dloadgen.threads} driver threads per shard (default 2), {@code
 * -Dloadgen.prefetch} acquires each worker keeps outstanding (default 4), {@code
 * -Dloadgen.heartbeatMs} (default 1000), {@code -Dloadgen.liveness} (default 5), {@code
 * -Dloadgen.schedulerJvm} / {@code -Dloadgen.shardJvm} extra options of the scheduler's and the
 * shards' JVMs (e.g. a flight recording; {@code %i} is the shard's index; the scheduler's default
 * is {@code @scripts/launcher-compiler.args}, what daisy-launch gives the launcher; the shards'
 * is {@link #SHARD_JVM}), {@code
 * -Dloadgen.ioThreads} ZeroMQ I/O threads per shard (default 1), {@code -Dloadgen.keep=true}
 * keeps the run directory (logs), {@code -Dloadgen.plain=true} runs without CURVE, {@code
 * -Dloadgen.unsized=true} does not tell the scheduler how many workers to expect, {@code
 * -Dloadgen.protocol=2} has the simulated workers speak protocol version 2 (batched leases; default
 * 1), {@code -Dloadgen.jitterMs=J} spreads the first connects uniformly over J ms as the worker
 * of a job array does ({@code ConnectJitter}: up to 2000 ms; default 0, a storm).
 */
public final class LoadGen {
  private LoadGen() {}

  public static void main(String[] args) throws Exception {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    long blocks = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int edge = Math.max(2, (int) Math.round(Math.cbrt(blocks)));
    List<Map<String, Double>> runs = new ArrayList<>();
    System.out.printf("load generator: %d simulated workers (%s, protocol version %d, %s engine), 3-D with"
        + " conflicts, %d^3 no-op blocks, durable checkpoint log%n", workers, Boolean.getBoolean("loadgen.plain")
        ? "plain" : "CURVE", Integer.getInteger("loadgen.protocol", 1), engineIsNio() ? "nio" : "jeromq", edge);
    for (int r = 0; r < repeats; r++) {
      runs.add(run(workers, edge));
    }
    System.out.printf("summary over %d runs (min/median/max), %d workers:%n", repeats, workers);
    for (String key : List.of("steady_blocks_per_s", "connect_s", "refused", "lost", "abandons", "unfinished",
        "listen_overflows", "sched_cpu_s", "sched_loop_cpu_s", "sched_io_cpu_s", "sched_rss_mb",
        "gen_cpu_s", "gen_prep_cpu_s", "last_welcome_s", "welcome_p50_s", "welcome_p90_s", "welcome_p99_s",
        "reconnects", "max_snapshot_age_s", "wall_s")) {
      double[] v = runs.stream().mapToDouble(m -> m.getOrDefault(key, Double.NaN)).toArray();
      Arrays.sort(v);
      System.out.printf("  %-20s %s / %s / %s%n", key, fmt(v[0]), fmt(v[v.length / 2]), fmt(v[v.length - 1]));
    }
  }

  /** {@code -Dloadgen.engine}: {@code jeromq} (default, {@link LoadShard}) or {@code nio} ({@link NioShard}). */
  private static boolean engineIsNio() {
    String engine = System.getProperty("loadgen.engine", "jeromq");
    if (!engine.equals("jeromq") && !engine.equals("nio")) {
      throw new IllegalArgumentException("-Dloadgen.engine must be jeromq or nio, got " + engine);
    }
    return engine.equals("nio");
  }

  /**
   * The shards' JVM options unless {@code -Dloadgen.shardJvm} says otherwise: the launcher's
   * inlining limits (scripts/launcher-compiler.args). The shards stand in for workers on other
   * machines, so their CPU on this one is an artefact to keep small: with HotSpot's defaults their
   * C2 took 5.8 s of a 10,000-worker storm, and they used 18–20 s of CPU in all, 14–18 s with these.
   */
  static final String SHARD_JVM = "-XX:FreqInlineSize=100 -XX:InlineSmallCode=1000";

  private static String fmtOr(Map<String, Double> m, String key) {
    return m.containsKey(key) ? fmt(m.get(key)) : "?";
  }

  private static String fmt(double v) {
    return v >= 1000 ? String.format("%,.0f", v) : String.format("%.2f", v);
  }

  private static Map<String, Double> run(int workers, int edge) throws Exception {
    Path dir = Files.createTempDirectory("daisy-loadgen");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    List<String> schedArgv = new ArrayList<>(List.of(java));
    // the compiler settings scripts/daisy-launch gives the launcher's JVM
    String extra = System.getProperty("loadgen.schedulerJvm",
        "@" + Path.of(System.getProperty("bench.root", "."), "scripts", "launcher-compiler.args").toAbsolutePath());
    if (!extra.isBlank()) {
      schedArgv.addAll(List.of(extra.trim().split("\\s+")));
    }
    schedArgv.addAll(List.of("-Dloadgen.plain=" + Boolean.getBoolean("loadgen.plain"),
        "-Dloadgen.unsized=" + Boolean.getBoolean("loadgen.unsized"), "-cp", cp,
        LoadScheduler.class.getName(), dir.toString(),
        Integer.toString(edge), Integer.toString(workers), System.getProperty("loadgen.heartbeatMs", "1000"),
        System.getProperty("loadgen.liveness", "5")));
    Process sched = new ProcessBuilder(schedArgv).redirectError(dir.resolve("scheduler.err").toFile()).start();
    BufferedReader schedOut = new BufferedReader(new InputStreamReader(sched.getInputStream(), StandardCharsets.UTF_8));
    String[] portLine = expect(schedOut, "port").split(" ");
    String endpoint = "tcp://127.0.0.1:" + portLine[1];
    boolean nio = engineIsNio();
    int perShard = Integer.getInteger("loadgen.perShard", nio ? 5000 : 2000);
    int shards = (workers + perShard - 1) / perShard;
    List<Process> procs = new ArrayList<>();
    List<BufferedReader> outs = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      int from = (int) ((long) workers * s / shards);
      int to = (int) ((long) workers * (s + 1) / shards);
      List<String> argv = new ArrayList<>(List.of(java));
      String shardJvm = System.getProperty("loadgen.shardJvm", SHARD_JVM).replace("%i", Integer.toString(s));
      if (!shardJvm.isBlank()) {
        argv.addAll(List.of(shardJvm.trim().split("\\s+")));
      }
      argv.addAll(List.of("-Dloadgen.ioThreads=" + Integer.getInteger("loadgen.ioThreads", 1),
          "-Dloadgen.protocol=" + Integer.getInteger("loadgen.protocol", 1),
          "-Dloadgen.jitterMs=" + Integer.getInteger("loadgen.jitterMs", 0), "-cp", cp,
          (nio ? NioShard.class : LoadShard.class).getName(), endpoint, dir.resolve("worker.key").toString(), Integer.toString(from),
          Integer.toString(to - from), System.getProperty("loadgen.threads", "2"),
          System.getProperty("loadgen.prefetch", "4")));
      Process p = new ProcessBuilder(argv)
          .redirectError(dir.resolve("shard" + s + ".err").toFile()).start();
      procs.add(p);
      outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
    }
    for (BufferedReader o : outs) {
      expect(o, "ready");
    }
    long overflowsBefore = listenOverflows();
    long go = System.currentTimeMillis();
    long t0 = System.nanoTime();
    for (Process p : procs) {
      OutputStream in = p.getOutputStream();
      in.write("go\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
    }
    Map<String, Double> m = new HashMap<>();
    String line;
    Map<String, String> result = null;
    while ((line = schedOut.readLine()) != null) {
      if (line.startsWith("connected ")) {
        m.put("connect_s", (Long.parseLong(line.substring(10).trim()) - go) / 1000.0);
      } else if (line.startsWith("result ")) {
        result = fields(line);
        break;
      }
    }
    if (result == null) {
      throw new IOException("the scheduler ended without a result; see " + dir.resolve("scheduler.err"));
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    for (Process p : procs) {
      try {
        OutputStream in = p.getOutputStream(); // the scheduler is done: workers still waiting stop
        in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
      } catch (IOException e) {
        // that shard has finished and exited already
      }
    }
    long unfinished = 0;
    long genCpu = 0;
    long welcomed = 0;
    long refusedAtWorkers = 0;
    long abandons = 0;
    long genPrepCpu = 0;
    long lastWelcome = -1;
    long reconnects = 0;
    java.util.TreeMap<Integer, Long> welcomeTimes = new java.util.TreeMap<>();
    for (BufferedReader o : outs) {
      Map<String, String> f = fields(expect(o, "result"));
      genCpu += Long.parseLong(f.get("cpu_ms"));
      genPrepCpu += Long.parseLong(f.getOrDefault("prep_cpu_ms", "0"));
      lastWelcome = Math.max(lastWelcome, Long.parseLong(f.getOrDefault("last_welcome_ms", "-1")));
      WelcomeTimes.addHistogram(f.get("welcome_hist"), welcomeTimes);
      reconnects += Long.parseLong(f.getOrDefault("reconnects", "0"));
      welcomed += Long.parseLong(f.get("welcomed"));
      refusedAtWorkers += Long.parseLong(f.get("refused"));
      abandons += Long.parseLong(f.get("abandons"));
      unfinished += Long.parseLong(f.get("unfinished"));
    }
    for (Process p : procs) {
      p.waitFor();
    }
    sched.waitFor();
    long overflows = listenOverflows() - overflowsBefore;
    long refused = Long.parseLong(result.get("refused_handshakes")) + Long.parseLong(result.get("refused_hellos"))
        + refusedAtWorkers;
    m.put("steady_blocks_per_s", Double.parseDouble(result.get("steady")));
    m.put("refused", (double) refused);
    m.put("lost", Double.parseDouble(result.get("lost")));
    m.put("abandons", (double) abandons);
    m.put("unfinished", (double) unfinished);
    m.put("listen_overflows", (double) overflows);
    m.put("sched_cpu_s", Long.parseLong(result.get("process_cpu_ms")) / 1000.0);
    m.put("sched_loop_cpu_s", Long.parseLong(result.get("loop_cpu_ms")) / 1000.0);
    m.put("sched_io_cpu_s", Long.parseLong(result.get("io_cpu_ms")) / 1000.0);
    m.put("sched_rss_mb", Long.parseLong(result.get("hwm_kb")) / 1024.0);
    m.put("gen_cpu_s", genCpu / 1000.0);
    m.put("gen_prep_cpu_s", genPrepCpu / 1000.0);
    if (lastWelcome >= 0) {
      m.put("last_welcome_s", lastWelcome / 1000.0);
    }
    if (!welcomeTimes.isEmpty()) {
      m.put("welcome_p50_s", WelcomeTimes.quantileSeconds(welcomeTimes, 0.5));
      m.put("welcome_p90_s", WelcomeTimes.quantileSeconds(welcomeTimes, 0.9));
      m.put("welcome_p99_s", WelcomeTimes.quantileSeconds(welcomeTimes, 0.99));
    }
    m.put("reconnects", (double) reconnects);
    m.put("max_snapshot_age_s", Long.parseLong(result.getOrDefault("max_snapshot_age_ms", "-1")) / 1000.0);
    m.put("wall_s", wall);
    System.out.printf("  run: %,.0f blocks/s steady, all %d connected after %s s (welcomed %d, half after %s s, 90 %% after %s, 99 %% after %s, the"
        + " last after %s s),"
        + " refused %d, declared dead %d, abandons %d, never finished %d, reconnects %d, listen overflows %d;"
        + " scheduler CPU %.1f s"
        + " (loop %.1f, I/O %.1f), peak RSS %.0f MB; generator CPU %.1f s (%.1f s of it before go); wall %.1f s%n",
        m.get("steady_blocks_per_s"), workers, m.containsKey("connect_s") ? fmt(m.get("connect_s")) : "never",
        welcomed, fmtOr(m, "welcome_p50_s"), fmtOr(m, "welcome_p90_s"), fmtOr(m, "welcome_p99_s"),
        fmtOr(m, "last_welcome_s"), refused,
        m.get("lost").longValue(), abandons, unfinished, reconnects, overflows, m.get("sched_cpu_s"), m.get("sched_loop_cpu_s"),
        m.get("sched_io_cpu_s"), m.get("sched_rss_mb"), m.get("gen_cpu_s"), m.get("gen_prep_cpu_s"), wall);
    if (!welcomeTimes.isEmpty()) {
      System.out.println("  welcomes in each second after go: " + WelcomeTimes.perSecond(welcomeTimes));
    }
    if (!Boolean.getBoolean("loadgen.keep")) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    } else {
      System.out.println("  kept " + dir);
    }
    return m;
  }

  private static String expect(BufferedReader in, String key) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith(key)) {
        return line;
      }
    }
    throw new IOException("a child ended before it said '" + key + "'");
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> f = new HashMap<>();
    for (String part : line.split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        f.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return f;
  }

  /** The kernel's count of connections dropped because a listen queue was full (all sockets). */
  private static long listenOverflows() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
          List<String> names = List.of(lines.get(i).split("\\s+"));
          String[] values = lines.get(i + 1).split("\\s+");
          int k = names.indexOf("ListenOverflows");
          return k < 0 ? -1 : Long.parseLong(values[k]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
