package org.daisyjava.launcher.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The page (one HTML file with its style and script inline, from the launcher's resources), for
 * the live server and the report. The report puts the run's document into the page, so it needs
 * nothing but itself; the live page has none and polls {@code /api/run}.
 */
final class PageTemplate {
  private static final String PAGE = resource("page.html")
      .replace("/*STYLE*/", resource("page.css"))
      .replace("/*SCRIPT*/", resource("page.js"));

  private PageTemplate() {}

  static String live() {
    return PAGE.replace("/*DATA*/null", "null");
  }

  /** The report: {@code documentJson} inline. {@code </} is escaped so no text ends the script. */
  static String report(String documentJson) {
    return PAGE.replace("/*DATA*/null", documentJson.replace("</", "<\\/"));
  }

  private static String resource(String name) {
    try (InputStream in = PageTemplate.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " of the launcher");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
