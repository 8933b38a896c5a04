package org.daisyjava.launcher.backend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daisyjava.launcher.config.BatchSection;
import org.daisyjava.launcher.config.LsfSettings;
import org.daisyjava.launcher.config.TaskConfig;

/**
 * IBM Spectrum LSF: {@code bsub < script} with the array in the script's {@code #BSUB -J
 * "name[1-N]"}, one {@code bjobs} per poll for the whole run, {@code bkill}. Array indices start
 * at 1 and an element is {@code 123[4]}; its logs are {@code %J_%I} ({@code 123_4.err}).
 */
public final class LsfExecutor implements GridExecutor {
  /** bjobs' STAT column (the design notes' map). */
  private static final Map<String, JobState> STATES = Map.ofEntries(
      Map.entry("PEND", JobState.PENDING), Map.entry("PROV", JobState.PENDING),
      Map.entry("WAIT", JobState.PENDING), Map.entry("RUN", JobState.RUNNING),
      Map.entry("DONE", JobState.DONE), Map.entry("EXIT", JobState.FAILED),
      Map.entry("ZOMBI", JobState.FAILED), Map.entry("PSUSP", JobState.HELD),
      Map.entry("USUSP", JobState.HELD), Map.entry("SSUSP", JobState.HELD),
      Map.entry("UNKWN", JobState.UNKNOWN));
  /** An element's index at the end of its job name in {@code bjobs -w}: {@code name[4]}. */
  private static final Pattern NAME_INDEX = Pattern.compile("\\[(\\d+)]$");
  /** The submit answer; {@code LSF is processing your request. Please wait ...} may come first. */
  private static final Pattern SUBMITTED = Pattern.compile("Job <(\\d+)> is submitted to (?:default )?queue");
  private static final Pattern NOT_FOUND =
      Pattern.compile("No (?:unfinished |matching )?job found|Job <[^>\\n]*> is not found");
  /** Fields of {@code -o "jobid jobindex stat exit_code exit_reason delimiter='|'"}. */
  private static final String DELIMITER = "|";

  @Override
  public String name() {
    return "lsf";
  }

  @Override
  public BatchSection<LsfSettings> section() {
    return LsfSettings.SECTION;
  }

  @Override
  public String defaultTemplate() {
    return "job-templates/lsf.sh";
  }

  @Override
  public Directives directives(TaskConfig task) {
    LsfSettings s = task.batch().get(LsfSettings.SECTION);
    return new Directives()
        .set("queue", s.queue())
        .set("project", s.project())
        .set("walltime", s.walltimeDirective())
        .set("drain", s.drainDirective())
        .set("cores", s.cores())
        .set("mem", s.memWithUnit())
        .set("gpus", s.gpus());
  }

  /** The array is in the script ({@code #BSUB -J}); bsub reads the script from stdin. */
  @Override
  public List<String> submitCommand(Submission s) {
    return List.of("bsub");
  }

  @Override
  public String submitInput(Submission s, String scriptText) {
    return scriptText;
  }

  @Override
  public String parseJobId(String stdout) {
    Matcher m = SUBMITTED.matcher(stdout);
    if (m.find()) {
      return m.group(1);
    }
    throw new IllegalArgumentException("bsub printed no job id: '" + stdout.strip() + "'");
  }

  @Override
  public List<String> arrayElements(String jobId, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(jobId + "[" + i + "]");
    }
    return out;
  }

  /** The template's {@code -e "<log_dir>/%J_%I.err"}. */
  @Override
  public Path errorLog(Path logDir, String element) {
    return logDir.resolve(element.replace("[", "_").replace("]", "") + ".err");
  }

  /** {@code -a}: finished jobs too (within CLEAN_PERIOD), so DONE and EXIT are seen. */
  @Override
  public List<String> statusCommand(String jobName) {
    return List.of("bjobs", "-a", "-noheader", "-o", "jobid jobindex stat", "-J", jobName);
  }

  /**
   * Lines {@code JOBID INDEX STAT}; index 0 is a job outside an array. Also reads {@code bjobs -w}
   * lines ({@code JOBID USER STAT QUEUE FROM_HOST EXEC_HOST JOB_NAME SUBMIT_TIME}, the element in
   * the job name as {@code name[4]}). {@code No unfinished job found} and {@code Job <1> is not
   * found} (stderr) leave nothing to parse: an empty answer.
   */
  @Override
  public Map<String, JobState> parseStatus(String stdout) {
    Map<String, JobState> out = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      String[] p = line.strip().split("\\s+");
      if (p.length < 3 || !p[0].matches("\\d+")) {
        continue;
      }
      if (p[1].matches("\\d+") && STATES.containsKey(p[2])) {
        out.put(p[1].equals("0") ? p[0] : p[0] + "[" + p[1] + "]", STATES.get(p[2]));
      } else if (p.length >= 6) {
        // JOB_NAME is column 7, or 6 while EXEC_HOST is still empty (pending)
        String id = p[0];
        for (int c = 5; c <= Math.min(6, p.length - 1); c++) {
          Matcher index = NAME_INDEX.matcher(p[c]);
          if (index.find()) {
            id = p[0] + "[" + index.group(1) + "]";
          }
        }
        out.put(id, STATES.getOrDefault(p[2], JobState.UNKNOWN));
      }
    }
    return out;
  }

  /**
   * bjobs says so on stderr, and may exit non-zero: {@code No unfinished job found}, {@code No job
   * found}, {@code Job <123> is not found}, {@code Job <daisy-x> is not found}.
   */
  @Override
  public boolean isEmptyAnswer(CommandRunner.Result r) {
    return r.stdout().isBlank() && NOT_FOUND.matcher(r.stderr()).find();
  }

  /**
   * {@code bkill 123 "123[4]"}: ids this launch has just seen under its job name. bkill ignores
   * {@code -J} when ids are given, so the name cannot filter here; it does for leftovers.
   */
  @Override
  public List<String> cancelCommand(String jobName, List<String> jobIds) {
    List<String> argv = new ArrayList<>();
    argv.add("bkill");
    argv.addAll(jobIds);
    return argv;
  }

  /**
   * {@code bkill -J name 0}: every job of the user named as the earlier launch's were, and no
   * other, whatever the recorded ids have become since.
   */
  @Override
  public List<String> cancelLeftoversCommand(String jobName, List<String> jobIds) {
    return jobName == null ? cancelCommand(null, jobIds) : List.of("bkill", "-J", jobName, "0");
  }

  @Override
  public List<String> arrayLimitCommand() {
    return List.of("bparams", "-a");
  }

  @Override
  public String arrayLimitKey() {
    return "MAX_JOB_ARRAY_SIZE";
  }

  @Override
  public List<String> endingCommand(String jobId) {
    return List.of("bjobs", "-a", "-noheader", "-o",
        "jobid jobindex stat exit_code exit_reason delimiter='" + DELIMITER + "'", jobId);
  }

  /**
   * Lines {@code JOBID|INDEX|STAT|EXIT_CODE|EXIT_REASON}; {@code -} for an empty field. The reason
   * is LSF's termination text or keyword ({@code TERM_RUNLIMIT: job killed after reaching LSF run
   * time limit}, {@code TERM_MEMLIMIT}, {@code TERM_OWNER}, …).
   */
  @Override
  public Map<String, JobEnding> parseEndings(String stdout) {
    Map<String, JobEnding> out = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      String[] f = line.strip().split(Pattern.quote(DELIMITER), 5);
      if (f.length < 3 || !f[0].matches("\\d+") || !f[1].matches("\\d+")) {
        continue;
      }
      String id = f[1].equals("0") ? f[0] : f[0] + "[" + f[1] + "]";
      Integer exit = f.length > 3 && f[3].strip().matches("\\d{1,3}") ? Integer.valueOf(f[3].strip()) : null;
      String reason = f.length > 4 && !f[4].strip().equals("-") ? f[4].strip() : "";
      out.put(id, new JobEnding(cause(f[2].strip(), reason, exit), f[2].strip().equals("DONE") ? Integer.valueOf(0) : exit, reason));
    }
    return out;
  }

  private static JobEnding.Cause cause(String stat, String reason, Integer exit) {
    String r = reason.toUpperCase(java.util.Locale.ROOT);
    if (stat.equals("DONE")) {
      return JobEnding.Cause.COMPLETED;
    }
    if (!stat.equals("EXIT") && !stat.equals("ZOMBI")) {
      return JobEnding.Cause.UNKNOWN;
    }
    if (r.contains("RUNLIMIT") || r.contains("RUN TIME LIMIT") || r.contains("DEADLINE")) {
      return JobEnding.Cause.TIMEOUT;
    }
    if (r.contains("MEMLIMIT") || r.contains("MEMORY")) {
      return JobEnding.Cause.OUT_OF_MEMORY;
    }
    if (r.contains("ZOMBIE") || r.contains("HUNG") || stat.equals("ZOMBI")) {
      return JobEnding.Cause.NODE_FAIL;
    }
    if (r.contains("OWNER") || r.contains("ADMIN") || r.contains("KILLED BY")) {
      return JobEnding.Cause.CANCELLED;
    }
    return JobEnding.Cause.FAILED;
  }
}
