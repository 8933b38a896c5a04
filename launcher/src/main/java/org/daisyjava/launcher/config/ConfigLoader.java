package org.daisyjava.launcher.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.daisyjava.core.BlockCode;
import org.daisyjava.launcher.backend.BackendRegistry;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.GraphException;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.FailureLimit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates a config file (see the contract). Every problem is reported as a
 * {@link ConfigException} naming file, line and key; nothing is half-loaded.
 */
public final class ConfigLoader {
  /**
   * The batch systems' sections ({@code slurm:}, {@code lsf:}), as the backend registry has them:
   * the one list of backends (config reads the registry's names and sections; the registry's
   * executors read their settings from here), so a new batch system needs no edit in this file.
   */
  private static final List<BatchSection<?>> SECTIONS = BackendRegistry.sections();
  private static final Set<String> TOP_KEYS = withSections(
      "name", "run_dir", "backend", "scheduler", "worker", "ssh", "tasks");
  private static final Set<String> TASK_KEYS = withSections("name", "total_roi", "read_roi",
      "write_roi", "voxel_size", "fit", "read_write_conflict", "num_workers", "max_retries",
      "timeout", "upstream", "process", "check", "max_failures", "env");
  /** The bound of the block grid (see there), checked here to name the key and line. */
  private static final long COORDINATE_LIMIT = TaskGeometry.COORDINATE_LIMIT;
  private static final List<String> FITS = List.of("valid", "overhang", "shrink");
  /** Built-in block functions and the options each takes. */
  private static final Map<String, Set<String>> BUILTINS = Map.of(
      "noop", Set.of(), "sleep", Set.of("seconds"), "fail", Set.of("probability"),
      "touch", Set.of("dir"));
  private static final Map<String, Set<String>> CHECK_BUILTINS = Map.of("touched", Set.of("dir"));

  private ConfigLoader() {}

  private static Set<String> withSections(String... keys) {
    Set<String> all = new java.util.HashSet<>(List.of(keys));
    SECTIONS.forEach(s -> all.add(s.key()));
    return Set.copyOf(all);
  }

  /** Loads {@code file}; the file name as given is used in messages. */
  public static PipelineConfig load(Path file) throws ConfigException {
    String label = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(label, 0, "", "cannot read the config file: " + e.getMessage());
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(label, 1, "", "not a YAML file: not valid UTF-8 text");
    }
    String base = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    Path dir = file.toAbsolutePath().getParent();
    PipelineConfig c = parse(text, label, dir, base);
    return new PipelineConfig(c.name(), c.runDir(), c.backend(), c.scheduler(), c.worker(),
        c.batch(), c.ssh(), c.tasks(), c.graph(), c.text(), file.toAbsolutePath());
  }

  /**
   * Parses config {@code text}.
   *
   * @param label the file name used in messages
   * @param configDir relative template paths are resolved against it
   * @param defaultName the run name if the config gives none
   */
  public static PipelineConfig parse(String text, String label, Path configDir, String defaultName)
      throws ConfigException {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10); // a "billion laughs" of nested lists is refused
      options.setNestingDepthLimit(50);
      options.setCodePointLimit(3 * 1024 * 1024);
      root = new Yaml(new SafeConstructor(options)).compose(new java.io.StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = m == null ? 1 : m.getLine() + 1;
      String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
      throw new ConfigException(label, line, "", "not valid YAML: " + problem.trim());
    } catch (YAMLException e) {
      throw new ConfigException(label, 1, "", "not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new ConfigException(label, 1, "", "the file is empty; expected a mapping with a 'tasks' list");
    }
    DocumentLimits.check(label, root);
    ConfigNode top = new ConfigNode(label, "", root);
    if (!(top.isMapping())) {
      throw top.error("expected a mapping with a 'tasks' list at the top level");
    }
    top.allowOnly(TOP_KEYS);

    String name = defaultName;
    ConfigNode nameNode = top.get("name");
    if (nameNode != null) {
      name = nameNode.string();
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}")) {
      throw (nameNode != null ? nameNode : top).error("run name must be 1-64 letters, digits,"
          + " '_', '.', '-' starting with a letter or digit, got '" + ConfigNode.shorten(name) + "'");
    }
    Path runDir = top.get("run_dir") == null
        ? Path.of("daisy-runs", name)
        : Path.of(top.get("run_dir").pathValue());
    String backend = top.get("backend") == null ? "local" : top.get("backend").oneOf(BackendRegistry.names());
    SchedulerSettings scheduler = SchedulerSettings.from(top.get("scheduler"));
    WorkerSettings worker = WorkerSettings.from(top.get("worker"));
    BatchSettings batch = BatchSettings.read(top, BatchSettings.defaults(SECTIONS), SECTIONS, false, configDir);
    SshSettings ssh = SshSettings.from(top.get("ssh"));

    ConfigNode tasksNode = top.require("tasks");
    List<ConfigNode> taskNodes = tasksNode.list();
    if (taskNodes.isEmpty()) {
      throw tasksNode.error("needs at least one task");
    }
    List<TaskConfig> tasks = new ArrayList<>();
    Map<String, ConfigNode> names = new HashMap<>();
    for (ConfigNode t : taskNodes) {
      TaskConfig task = task(t, batch, configDir);
      ConfigNode first = names.putIfAbsent(task.name(), t);
      if (first != null) {
        throw t.require("name").error("duplicate task name '" + task.name() + "' (also "
            + first.path() + " at line " + first.line() + ")");
      }
      tasks.add(task);
    }
    checkUpstream(taskNodes, tasks, names.keySet());
    DependencyGraph graph;
    try {
      graph = DependencyGraph.of(tasks.stream().map(TaskConfig::geometry).toList());
    } catch (GraphException e) {
      ConfigNode t = taskNodes.get(Math.max(0, e.taskIndex()));
      ConfigNode at = t.get(e.key());
      throw (at != null ? at : t).error(stripTaskPrefix(e.getMessage()));
    } catch (IllegalArgumentException e) {
      throw tasksNode.error(e.getMessage());
    }
    return new PipelineConfig(name, runDir, backend, scheduler, worker, batch, ssh,
        List.copyOf(tasks), graph, text, null);
  }

  private static String stripTaskPrefix(String message) {
    return message.replaceFirst("^task [^ ]+: ", "");
  }

  private static void checkUpstream(List<ConfigNode> nodes, List<TaskConfig> tasks, Set<String> known)
      throws ConfigException {
    for (int i = 0; i < tasks.size(); i++) {
      ConfigNode up = nodes.get(i).get("upstream");
      if (up == null || !up.isList()) {
        continue;
      }
      List<ConfigNode> items = up.list();
      for (int j = 0; j < items.size(); j++) {
        String u = tasks.get(i).geometry().upstream().get(j);
        if (!known.contains(u)) {
          throw items.get(j).error("unknown task '" + u + "' (tasks are: "
              + String.join(", ", tasks.stream().map(TaskConfig::name).toList()) + ")");
        }
      }
    }
  }

  private static TaskConfig task(ConfigNode t, BatchSettings batch, Path configDir)
      throws ConfigException {
    t.allowOnly(TASK_KEYS);
    ConfigNode nameNode = t.require("name");
    String name = nameNode.string();
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,99}")) {
      throw nameNode.error("task names are 1-100 letters, digits, '_', '.', ':', '-' starting"
          + " with a letter or digit, got '" + ConfigNode.shorten(name) + "'");
    }
    ConfigNode totalNode = t.require("total_roi");
    Roi total = roi(totalNode, -1);
    Roi read = roi(t.require("read_roi"), total.dims());
    ConfigNode writeNode = t.require("write_roi");
    Roi write = roi(writeNode, total.dims());
    if (!read.contains(write)) {
      throw writeNode.error("write ROI " + describe(write) + " must lie inside read ROI "
          + describe(read));
    }
    long[] voxel = null;
    ConfigNode voxelNode = t.get("voxel_size");
    if (voxelNode != null) {
      voxel = voxelNode.longArray();
      if (voxel.length != total.dims()) {
        throw voxelNode.error("has " + voxel.length + " dimensions but total_roi has " + total.dims());
      }
      if (!Coordinate.of(voxel).allPositive()) {
        throw voxelNode.error("must be positive on every axis");
      }
      for (String key : List.of("total_roi", "read_roi", "write_roi")) {
        checkMultiple(t.require(key), Coordinate.of(voxel));
      }
    }
    Fit fit = t.get("fit") == null ? Fit.VALID : Fit.fromConfigName(t.get("fit").oneOf(FITS));
    boolean conflict = t.get("read_write_conflict") == null || t.get("read_write_conflict").bool();
    // 0: the launcher starts none for this task; it prints their command and waits for workers
    // started elsewhere (as with --backend external)
    int workers = t.get("num_workers") == null ? 1 : t.get("num_workers").intValue(0, 100_000);
    int retries = t.get("max_retries") == null ? 2 : t.get("max_retries").intValue(0, 1_000_000);
    Duration timeout = null;
    ConfigNode timeoutNode = t.get("timeout");
    if (timeoutNode != null) {
      timeout = timeoutNode.duration();
      if (timeout.isZero()) {
        throw timeoutNode.error("must be positive");
      }
    }
    List<String> upstream = List.of();
    ConfigNode up = t.get("upstream");
    if (up != null) {
      upstream = up.isList() ? up.stringList() : List.of(up.string());
    }
    BlockCode process = code(t.get("process"), BUILTINS);
    if (process != null && process.kind() == BlockCode.Kind.CLASS && voxel != null) {
      // class code learns the task's voxel size through its context (WorkerContext.voxelSize)
      Map<String, String> options = new LinkedHashMap<>(process.options());
      options.put(BlockCode.VOXEL_SIZE_OPTION, Coordinate.of(voxel).toCsv());
      process = new BlockCode(process.kind(), process.value(), options);
    }
    BlockCode check = code(t.get("check"), CHECK_BUILTINS);
    FailureLimit maxFailures = t.get("max_failures") == null
        ? FailureLimit.DEFAULT : failureLimit(t.get("max_failures"));
    Map<String, String> env = t.get("env") == null ? Map.of() : WorkerSettings.env(t.get("env"));
    TaskGeometry geometry;
    try {
      geometry = new TaskGeometry(name, total, read, write, fit, conflict, upstream);
    } catch (IllegalArgumentException e) {
      throw t.error(stripTaskPrefix(e.getMessage()));
    }
    BatchSettings own = BatchSettings.read(t, batch, SECTIONS, true, configDir);
    own.checkTimeout(t, timeout);
    return new TaskConfig(geometry, voxel, workers, retries, timeout, process, check, maxFailures, env,
        own, t.line());
  }

  /** {@code {offset: [...], shape: [...]}} with positive shape; {@code dims} -1 = any. */
  private static Roi roi(ConfigNode n, int dims) throws ConfigException {
    n.allowOnly(Set.of("offset", "shape"));
    ConfigNode offsetNode = n.require("offset");
    ConfigNode shapeNode = n.require("shape");
    long[] offset = offsetNode.longArray();
    long[] shape = shapeNode.longArray();
    if (offset.length == 0) {
      throw offsetNode.error("needs at least one dimension");
    }
    if (shape.length != offset.length) {
      throw shapeNode.error("has " + shape.length + " dimensions but offset has " + offset.length);
    }
    if (dims >= 0 && offset.length != dims) {
      throw n.error("has " + offset.length + " dimensions but total_roi has " + dims);
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] <= 0) {
        throw shapeNode.error("must be positive on every axis, got " + shape[i] + " on axis " + i);
      }
      // Compared, not Math.abs'ed: abs(Long.MIN_VALUE) is negative and slipped through.
      if (offset[i] < -COORDINATE_LIMIT || offset[i] > COORDINATE_LIMIT) {
        throw offsetNode.error("axis " + i + " (" + offset[i] + ") is beyond ±2^60, the largest"
            + " coordinate supported");
      }
      if (shape[i] > COORDINATE_LIMIT) {
        throw shapeNode.error("axis " + i + " (" + shape[i] + ") is beyond 2^60, the largest"
            + " extent supported");
      }
    }
    return Roi.of(offset, shape);
  }

  private static void checkMultiple(ConfigNode roiNode, Coordinate voxel) throws ConfigException {
    for (String key : List.of("offset", "shape")) {
      ConfigNode c = roiNode.require(key);
      long[] v = c.longArray();
      int axis = Coordinate.of(v).firstAxisNotMultipleOf(voxel);
      if (axis >= 0) {
        throw c.error("axis " + axis + " (" + v[axis] + ") is not a multiple of voxel_size "
            + voxel.get(axis) + " " + voxel);
      }
    }
  }

  /**
   * {@code max_failures}: a count of blocks ({@code 10}) or a share of the task's blocks
   * ({@code 5%}).
   */
  private static FailureLimit failureLimit(ConfigNode n) throws ConfigException {
    String v = n.string().trim();
    try {
      if (v.endsWith("%")) {
        return new FailureLimit.Share(Double.parseDouble(v.substring(0, v.length() - 1).trim()));
      }
      return new FailureLimit.Blocks(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw n.error("expected a number of blocks (10) or a share of the task's blocks (5%), got '"
          + v + "'");
    } catch (IllegalArgumentException e) {
      throw n.error(e.getMessage().replaceFirst("^max_failures ", ""));
    }
  }

  /**
   * A {@code process:} or {@code check:} mapping: exactly one of its kinds. Unknown keys are named
   * first (a typo such as {@code comand} is the likely reason a kind is missing).
   */
  private static BlockCode code(ConfigNode n, Map<String, Set<String>> builtins)
      throws ConfigException {
    if (n == null) {
      return null;
    }
    if (!n.isMapping()) {
      throw n.error("expected a mapping such as {command: \"...\"}, {class: org.example.Predict},"
          + " {stream: \"python3 serve.py\"} or {builtin: NAME}");
    }
    Set<String> known = new java.util.HashSet<>();
    for (BlockCode.Kind k : BlockCode.Kind.values()) {
      known.add(k.key());
    }
    builtins.values().forEach(known::addAll);
    known.add("args"); // with class
    n.allowOnly(known);
    Map<String, ConfigNode> entries = n.entries();
    List<String> kinds = new ArrayList<>();
    for (BlockCode.Kind k : BlockCode.Kind.values()) {
      if (entries.containsKey(k.key())) {
        kinds.add(k.key());
      }
    }
    if (kinds.size() != 1) {
      throw n.error("needs exactly one of class, command, stream or builtin"
          + (kinds.isEmpty() ? "" : ", got " + kinds));
    }
    BlockCode.Kind kind = BlockCode.Kind.fromKey(kinds.get(0));
    ConfigNode valueNode = entries.get(kind.key());
    String value = kind == BlockCode.Kind.COMMAND || kind == BlockCode.Kind.STREAM
        ? valueNode.text() : valueNode.string();
    if (value.isBlank()) {
      throw valueNode.error("must not be empty");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (kind == BlockCode.Kind.BUILTIN) {
      Set<String> opts = builtins.get(value);
      if (opts == null) {
        throw valueNode.error("expected one of " + String.join(", ", builtins.keySet().stream().sorted().toList())
            + ", got '" + value + "'");
      }
      Set<String> keys = new java.util.HashSet<>(opts);
      keys.add("builtin");
      n.allowOnly(keys);
      for (String opt : opts) {
        ConfigNode o = n.get(opt);
        if (o == null) {
          if (opt.equals("dir")) {
            throw n.error("builtin " + value + " needs 'dir'");
          }
          continue;
        }
        options.put(opt, builtinOption(opt, o));
      }
    } else {
      n.allowOnly(kind == BlockCode.Kind.CLASS ? Set.of(kind.key(), "args") : Set.of(kind.key()));
      if (kind == BlockCode.Kind.CLASS
          && !value.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
        throw valueNode.error("not a Java class name: '" + value + "'");
      }
      if (kind == BlockCode.Kind.CLASS && n.get("args") != null) {
        options.putAll(classArgs(n.get("args")));
      }
    }
    return new BlockCode(kind, value, options);
  }

  /**
   * {@code args:} of a class process: a mapping of names to scalars or lists of scalars (lists
   * reach the class comma-separated), at most 64 entries of at most 4096 characters each.
   */
  private static Map<String, String> classArgs(ConfigNode args) throws ConfigException {
    Map<String, ConfigNode> entries = args.entries();
    if (entries.size() > 64) {
      throw args.error("at most 64 args, got " + entries.size());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : entries.entrySet()) {
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_.-]{0,63}")) {
        throw e.getValue().error("arg name must be letters, digits, '_', '.' or '-'");
      }
      ConfigNode v = e.getValue();
      String value = v.isList() ? String.join(",", v.stringList()) : v.text();
      if (value.length() > 4096) {
        throw v.error("longer than 4096 characters");
      }
      out.put(BlockCode.ARG_PREFIX + e.getKey(), value);
    }
    return out;
  }

  private static String builtinOption(String opt, ConfigNode o) throws ConfigException {
    switch (opt) {
      case "seconds" -> {
        double s = o.number();
        if (s < 0 || s > 86400) {
          throw o.error("must be between 0 and 86400, got " + s);
        }
        return Double.toString(s);
      }
      case "probability" -> {
        double p = o.number();
        if (p < 0 || p > 1) {
          throw o.error("must be between 0 and 1, got " + p);
        }
        return Double.toString(p);
      }
      default -> {
        return o.string();
      }
    }
  }

  private static String describe(Roi r) {
    return "offset " + r.begin() + " shape " + r.shape();
  }
}
