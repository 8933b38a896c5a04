package org.daisyjava.launcher.backend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daisyjava.launcher.config.PipelineConfig;
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

  @Override
  public String name() {
    return "slurm";
  }

  @Override
  public String defaultTemplate() {
    return "job-templates/slurm.sh";
  }

  @Override
  public Path customTemplate(TaskConfig task) {
    return task.slurm().template();
  }

  @Override
  public Duration pollInterval(PipelineConfig config) {
    return config.slurm().pollInterval();
  }

  @Override
  public Map<String, List<String>> directives(TaskConfig task) {
    SlurmSettings s = task.slurm();
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("partition", optional(s.partition()));
    m.put("account", optional(s.account()));
    m.put("qos", optional(s.qos()));
    m.put("time", optional(s.time()));
    m.put("mem", optional(s.mem()));
    m.put("cpus_per_task", optional(s.cpusPerTask()));
    m.put("gpus", optional(s.gpus()));
    m.put("constraint", optional(s.constraint()));
    m.put("job_extra_directive", s.jobExtraDirectives());
    m.put("prologue", s.jobScriptPrologue());
    return m;
  }

  private static List<String> optional(Object value) {
    return value == null ? List.of() : List.of(value.toString());
  }

  @Override
  public List<String> submitCommand(Path script, int count) {
    return List.of("sbatch", "--parsable", "--array=0-" + (count - 1), script.toString());
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
}
