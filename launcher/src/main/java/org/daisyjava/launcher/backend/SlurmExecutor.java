package org.daisyjava.launcher.backend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daisyjava.launcher.config.BatchSection;
import org.daisyjava.launcher.config.SlurmSettings;
import org.daisyjava.launcher.config.TaskConfig;

/**
 * SLURM: {@code sbatch --parsable --array}, one {@code squeue} per poll for the whole run,
 * {@code scancel}.
 */
public final class SlurmExecutor implements GridExecutor {
  /** squeue's compact state codes ({@code %t}). */
  private static final Map<String, JobState> STATES = Map.ofEntries(
      Map.entry("PD", JobState.PENDING), Map.entry("CF", JobState.PENDING),
      Map.entry("R", JobState.RUNNING), Map.entry("CG", JobState.RUNNING),
      Map.entry("CD", JobState.DONE),
      Map.entry("CA", JobState.FAILED), Map.entry("F", JobState.FAILED),
      Map.entry("TO", JobState.FAILED), Map.entry("NF", JobState.FAILED),
      Map.entry("PR", JobState.FAILED), Map.entry("BF", JobState.FAILED),
      Map.entry("OOM", JobState.FAILED), Map.entry("DL", JobState.FAILED),
      Map.entry("S", JobState.HELD), Map.entry("ST", JobState.HELD));
  /** {@code 123}, {@code 123_4} or {@code 123_[5-9,12]} (pending array elements). */
  private static final Pattern JOB = Pattern.compile("(\\d+)(?:_(\\d+|\\[[0-9,\\-%]+\\]))?");
  /** One {@code scontrol -o show job} field: {@code Key=value} (values without spaces). */
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S*)");

  @Override
  public String name() {
    return "slurm";
  }

  @Override
  public String defaultTemplate() {
    return "job-templates/slurm.sh";
  }

  @Override
  public BatchSection<SlurmSettings> section() {
    return SlurmSettings.SECTION;
  }

  @Override
  public Directives directives(TaskConfig task) {
    SlurmSettings s = task.batch().get(SlurmSettings.SECTION);
    return new Directives()
        .set("partition", s.partition())
        .set("account", s.account())
        .set("qos", s.qos())
        .set("time", s.walltimeDirective())
        // B: the batch shell only, which is the worker (the script execs it)
        .set("signal", "B:USR1@" + s.drainSeconds())
        .set("mem", s.mem())
        .set("cpus_per_task", s.cpusPerTask())
        .set("gpus", s.gpus())
        .set("constraint", s.constraint());
  }

  @Override
  public List<String> submitCommand(Submission s) {
    return List.of("sbatch", "--parsable", "--array=0-" + (s.count() - 1), s.script().toString());
  }

  /** {@code --parsable} prints {@code jobid} or {@code jobid;cluster}. */
  @Override
  public String parseJobId(String stdout) {
    for (String line : stdout.strip().split("\n")) {
      String id = line.strip().split(";", 2)[0].strip();
      if (id.matches("\\d+")) {
        return id;
      }
    }
    throw new IllegalArgumentException("sbatch printed no job id: '" + stdout.strip() + "'");
  }

  @Override
  public List<String> arrayElements(String jobId, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(jobId + "_" + i);
    }
    return out;
  }

  /** The template's {@code --error="<log_dir>/%A_%a.err"}. */
  @Override
  public Path errorLog(Path logDir, String element) {
    return logDir.resolve(element + ".err");
  }

  @Override
  public List<String> statusCommand(String jobName) {
    return List.of("squeue", "--noheader", "--array", "--name=" + jobName, "--format=%i %t");
  }

  /**
   * Lines {@code ID STATE}; IDs like {@code 123_4}, {@code 123} or, for pending elements,
   * {@code 123_[5-9]} (expanded). Unknown state codes map to UNKNOWN; unparsable lines are
   * skipped.
   */
  @Override
  public Map<String, JobState> parseStatus(String stdout) {
    Map<String, JobState> out = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length < 2) {
        continue;
      }
      Matcher m = JOB.matcher(parts[0]);
      if (!m.matches()) {
        continue;
      }
      JobState state = STATES.getOrDefault(parts[1], JobState.UNKNOWN);
      String element = m.group(2);
      if (element == null) {
        out.put(m.group(1), state);
      } else if (element.startsWith("[")) {
        for (long i : expandRange(element.substring(1, element.length() - 1))) {
          out.put(m.group(1) + "_" + i, state);
        }
      } else {
        out.put(m.group(1) + "_" + element, state);
      }
    }
    return out;
  }

  /** {@code 5-9,12} (a {@code %N} throttle suffix ignored) to the indices. */
  static List<Long> expandRange(String spec) {
    List<Long> out = new ArrayList<>();
    String s = spec.contains("%") ? spec.substring(0, spec.indexOf('%')) : spec;
    for (String part : s.split(",")) {
      if (part.isEmpty()) {
        continue;
      }
      String[] ends = part.split("-");
      long from = Long.parseLong(ends[0]);
      long to = ends.length > 1 ? Long.parseLong(ends[1]) : from;
      for (long i = from; i <= to && out.size() < 1_000_000; i++) {
        out.add(i);
      }
    }
    return out;
  }

  @Override
  public List<String> cancelCommand(String jobName, List<String> jobIds) {
    List<String> argv = new ArrayList<>();
    argv.add("scancel");
    if (jobName != null) {
      // scancel applies its filters to the ids given: a reused id with another name is left alone
      argv.add("--name=" + jobName);
    }
    argv.addAll(jobIds);
    return argv;
  }

  @Override
  public List<String> arrayLimitCommand() {
    return List.of("scontrol", "show", "config");
  }

  /** An array's indices run from 0 to MaxArraySize - 1: at most MaxArraySize elements from 0. */
  @Override
  public String arrayLimitKey() {
    return "MaxArraySize";
  }

  /**
   * {@code scontrol -o show job 123}: one line per element of array 123, kept by the controller
   * for MinJobAge (300 s by default) after the job ended, with or without accounting.
   */
  @Override
  public List<String> endingCommand(String jobId) {
    return List.of("scontrol", "-o", "show", "job", jobId);
  }

  /**
   * Lines of {@code Key=value} fields: {@code JobId}, {@code ArrayJobId}, {@code ArrayTaskId},
   * {@code JobState} (COMPLETED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, CANCELLED, FAILED, …),
   * {@code Reason} and {@code ExitCode=code:signal}.
   */
  @Override
  public Map<String, JobEnding> parseEndings(String stdout) {
    Map<String, JobEnding> out = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      Map<String, String> f = new LinkedHashMap<>();
      Matcher m = FIELD.matcher(line);
      while (m.find()) {
        f.putIfAbsent(m.group(1), m.group(2));
      }
      String state = f.get("JobState");
      if (state == null || f.get("JobId") == null) {
        continue;
      }
      String id = f.containsKey("ArrayTaskId") && f.containsKey("ArrayJobId")
          && f.get("ArrayTaskId").matches("\\d+")
          ? f.get("ArrayJobId") + "_" + f.get("ArrayTaskId") : f.get("JobId");
      Integer exit = null;
      String[] codes = f.getOrDefault("ExitCode", "").split(":");
      if (codes.length == 2 && codes[0].matches("\\d{1,3}") && codes[1].matches("\\d{1,3}")) {
        int signal = Integer.parseInt(codes[1]);
        exit = signal > 0 ? 128 + signal : Integer.parseInt(codes[0]);
      }
      String reason = f.getOrDefault("Reason", "None");
      out.put(id, new JobEnding(cause(state), exit, reason.equals("None") ? "" : reason));
    }
    return out;
  }

  private static JobEnding.Cause cause(String state) {
    return switch (state) {
      case "COMPLETED" -> JobEnding.Cause.COMPLETED;
      case "TIMEOUT", "DEADLINE" -> JobEnding.Cause.TIMEOUT;
      case "OUT_OF_MEMORY" -> JobEnding.Cause.OUT_OF_MEMORY;
      case "NODE_FAIL", "BOOT_FAIL" -> JobEnding.Cause.NODE_FAIL;
      case "CANCELLED", "PREEMPTED" -> JobEnding.Cause.CANCELLED;
      case "PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED" -> JobEnding.Cause.UNKNOWN;
      default -> JobEnding.Cause.FAILED;
    };
  }
}
