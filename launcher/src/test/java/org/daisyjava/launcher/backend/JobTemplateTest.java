package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The template language of job scripts, and quoting for the shell. */
class JobTemplateTest {
  @TempDir Path tmp;

  private JobTemplate template(String text) throws IOException {
    Path file = tmp.resolve("t-" + System.nanoTime() + ".sh");
    Files.writeString(file, text);
    return JobTemplate.file(file);
  }

  private static Map<String, List<String>> values(Object... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> v = kv[i + 1] instanceof List<?> l ? (List<String>) l : List.of((String) kv[i + 1]);
      m.put((String) kv[i], v);
    }
    return m;
  }

  @Test
  void singleValuesAreFilledInAndOtherLinesKeptAsTheyAre() throws IOException {
    JobTemplate t = template("#!/bin/bash\n#SBATCH --job-name={{job_name}}\n# {not a placeholder} ${X}\necho {{task}}-{{task}}\n");
    assertEquals("#!/bin/bash\n#SBATCH --job-name=daisy-r-1\n# {not a placeholder} ${X}\necho a-a\n",
        t.render(values("job_name", "daisy-r-1", "task", "a")));
  }

  @Test
  void aLineWhosePlaceholderHasNoValueIsLeftOut() throws IOException {
    JobTemplate t = template("a\n#SBATCH --partition={{partition}}\n#SBATCH --qos={{qos}}\nb\n");
    assertEquals("a\n#SBATCH --qos=normal\nb\n", t.render(values("partition", List.of(), "qos", "normal")));
  }

  @Test
  void aLineWithAListPlaceholderIsRepeatedPerItemInOrder() throws IOException {
    JobTemplate t = template("#SBATCH {{job_extra_directive}}\n{{prologue}}\nexport {{env_export}} # {{task}}\nend\n");
    String out = t.render(values(
        "job_extra_directive", List.of("--exclusive", "--signal=B:USR1@60"),
        "prologue", List.of("module load java/17", "echo hi"),
        "env_export", List.of("A=1", "B='x y'"),
        "task", "t"));
    assertEquals("#SBATCH --exclusive\n#SBATCH --signal=B:USR1@60\nmodule load java/17\necho hi\n"
        + "export A=1 # t\nexport B='x y' # t\nend\n", out);
  }

  @Test
  void aLineWithAnEmptyPlaceholderIsLeftOutEvenBesideAList() throws IOException {
    // one empty value drops the line, wherever it stands among the line's placeholders
    JobTemplate t = template("x {{prologue}} {{gpus}}\ny {{gpus}} {{prologue}}\nz\n");
    assertEquals("z\n", t.render(values("prologue", List.of("p1", "p2"), "gpus", List.of())));
  }

  @Test
  void twoListPlaceholdersOnOneLineAreAnError() throws IOException {
    JobTemplate t = template("ok\n{{prologue}} {{env_export}}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.render(values("prologue", List.of("a", "b"), "env_export", List.of("X=1", "Y=2"))));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("{{prologue}}") && e.getMessage().contains("{{env_export}}"), e.getMessage());
  }

  @Test
  void anUnknownPlaceholderIsAnErrorNamingItAndTheKnownOnes() throws IOException {
    JobTemplate t = template("#SBATCH --partition={{partiton}}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.render(values("partition", "gpu", "task", "a")));
    assertTrue(e.getMessage().contains("{{partiton}}"), e.getMessage());
    assertTrue(e.getMessage().contains("known: partition, task"), e.getMessage());
  }

  @Test
  void anUnknownPlaceholderIsAnErrorEvenOnALineThatWouldBeDropped() throws IOException {
    JobTemplate t = template("#SBATCH --qos={{qos}} {{typo}}\n");
    assertThrows(IllegalArgumentException.class, () -> t.render(values("qos", List.of())));
  }

  @Test
  void placeholdersAreListed() throws IOException {
    assertEquals(java.util.Set.of("a", "b_c"), template("{{a}} {{b_c}} {{a}} {{NotOne}} {{ d }}").placeholders());
  }

  @Test
  void theBundledSlurmTemplateIsInTheJarAndUsesOnlyKnownPlaceholders() throws IOException {
    JobTemplate t = JobTemplate.resource("job-templates/slurm.sh");
    java.util.Set<String> known = new java.util.TreeSet<>(JobScripts.RUN_PLACEHOLDERS);
    known.addAll(List.of("partition", "account", "qos", "time", "mem", "cpus_per_task", "gpus",
        "constraint", "signal", "job_extra_directive", "prologue"));
    assertTrue(known.containsAll(t.placeholders()), t.placeholders().toString());
    assertThrows(IOException.class, () -> JobTemplate.resource("job-templates/nope.sh"));
  }

  @Test
  void theBundledLsfTemplateIsInTheJarAndUsesOnlyKnownPlaceholders() throws IOException {
    JobTemplate t = JobTemplate.resource("job-templates/lsf.sh");
    java.util.Set<String> known = new java.util.TreeSet<>(JobScripts.RUN_PLACEHOLDERS);
    known.addAll(List.of("queue", "project", "walltime", "drain", "cores", "mem", "gpus",
        "job_extra_directive", "prologue"));
    assertTrue(known.containsAll(t.placeholders()), t.placeholders().toString());
    assertTrue(t.placeholders().contains("array_size"), "the array is in the script: -J \"name[1-N]\"");
  }

  @Test
  void plainWordsAreLeftUnquoted() {
    for (String s : List.of("java", "/usr/bin/java", "-Xmx2g", "a=b", "tcp://10.0.0.1:4000,tcp://h:4000",
        "org.daisyjava.worker.WorkerMain", "x_y-z+1@2%3")) {
      assertEquals(s, JobTemplate.shellQuote(s));
    }
  }

  @Test
  void everythingElseIsSingleQuoted() {
    assertEquals("''", JobTemplate.shellQuote(""));
    assertEquals("'a b'", JobTemplate.shellQuote("a b"));
    assertEquals("'$HOME'", JobTemplate.shellQuote("$HOME"));
    assertEquals("'it'\\''s'", JobTemplate.shellQuote("it's"));
    assertEquals("'\"x\"'", JobTemplate.shellQuote("\"x\""));
    assertEquals("'a;rm -rf /'", JobTemplate.shellQuote("a;rm -rf /"));
  }

  /** The shell itself reads every quoted word back exactly. */
  @Test
  void quotedWordsSurviveTheShell() throws Exception {
    List<String> words = List.of("plain", "", "two words", "it's", "\"double\"", "$HOME", "${X:-y}",
        "`id`", "$(id)", "back\\slash", "a;b&c|d", "*", "~", "tab\there", "'", "''\"", "ünïcödé", "!x", "#hash");
    StringBuilder script = new StringBuilder("printf '%s\\n'");
    for (String w : words) {
      script.append(' ').append(JobTemplate.shellQuote(w));
    }
    script.append('\n');
    assertEquals(words, runBash(script.toString()));
  }

  static List<String> runBash(String script) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not finish");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    lines.remove(lines.size() - 1);
    return lines;
  }
}
