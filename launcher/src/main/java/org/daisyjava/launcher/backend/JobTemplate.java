package org.daisyjava.launcher.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job-script template with {@code {{name}}} placeholders. A line whose placeholders have no
 * value is dropped; a line with a list placeholder is repeated per item (one list placeholder per
 * line). Values are inserted as given: whoever supplies them quotes what goes into shell code.
 */
public final class JobTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
  private final String source;
  private final String text;

  private JobTemplate(String source, String text) {
    this.source = source;
    this.text = text;
  }

  /** The template bundled with daisy-java (a copy of job-templates/ in the jar). */
  public static JobTemplate resource(String name) throws IOException {
    try (InputStream in = JobTemplate.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("template " + name + " is missing from the daisy-java jar");
      }
      return new JobTemplate(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  public static JobTemplate file(Path path) throws IOException {
    return new JobTemplate(path.toString(), Files.readString(path));
  }

  /** Placeholder names the template uses. */
  public Set<String> placeholders() {
    Set<String> names = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * Fills in the template. Per line: if any placeholder on it has no value (an empty list), the
   * line is left out; if one has several values, the line is repeated once per value; a line
   * with two placeholders of several values each is an error (which pairs would be meant?).
   *
   * @throws IllegalArgumentException naming a placeholder that {@code values} does not know, or
   *     a line with two list placeholders
   */
  public String render(Map<String, List<String>> values) {
    for (String name : placeholders()) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("template " + source + " uses an unknown placeholder {{"
            + name + "}} (known: " + String.join(", ", new TreeSet<>(values.keySet())) + ")");
      }
    }
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher m = PLACEHOLDER.matcher(line);
      String listName = null;
      boolean dropped = false;
      boolean any = false;
      while (m.find()) {
        any = true;
        List<String> v = values.get(m.group(1));
        if (v.isEmpty()) {
          dropped = true;
        } else if (v.size() > 1) {
          if (listName != null && !listName.equals(m.group(1))) {
            throw new IllegalArgumentException("template " + source + " line " + (i + 1)
                + " has two placeholders with several values ({{" + listName + "}} and {{"
                + m.group(1) + "}}); put each on a line of its own");
          }
          listName = m.group(1);
        }
      }
      if (!any) {
        out.append(line).append('\n');
        continue;
      }
      if (dropped) {
        continue;
      }
      List<String> repeat = listName == null ? List.of("") : values.get(listName);
      for (String item : repeat) {
        final String list = listName;
        out.append(PLACEHOLDER.matcher(line).replaceAll(r -> Matcher.quoteReplacement(
            r.group(1).equals(list) ? item : values.get(r.group(1)).get(0)))).append('\n');
      }
    }
    String result = out.toString();
    return result.endsWith("\n\n") ? result.substring(0, result.length() - 1) : result;
  }

  /** Quotes {@code s} for a POSIX shell: {@code 'it'\''s'}. */
  public static String shellQuote(String s) {
    if (!s.isEmpty() && s.matches("[A-Za-z0-9_@%+=:,./\\-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
