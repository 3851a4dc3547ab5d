package dev.hydra.config;

import dev.hydra.config.ConfigVariable.Kind;
import dev.hydra.config.ConfigVariable.Section;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tables of docs/configuration.md, rendered from the registry ({@link Variables}). Each table
 * stands between two markers naming its section; the prose around them is written by hand. {@link
 * #rewrite} puts the current tables between the markers; {@code ConfigurationDocTest} fails when
 * the file differs from that, and writes it with {@code -Dhydra.docs.write=true}. Pure.
 */
public final class ConfigurationDoc {

  /** How to regenerate, as the markers say it. */
  public static final String REGENERATE =
      "./mvnw -q -pl library -am test -Dtest=ConfigurationDocTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dhydra.docs.write=true";

  private ConfigurationDoc() {}

  /** The marker that opens a section's table. */
  public static String begin(Section section) {
    return "<!-- generated from dev.hydra.config.Variables, section "
        + section.id()
        + ": do not edit; regenerate with "
        + REGENERATE
        + " -->";
  }

  /** The marker that closes a section's table. */
  public static String end(Section section) {
    return "<!-- end of generated section " + section.id() + " -->";
  }

  /** The markdown table of one section, without markers; ends with a line break. */
  public static String table(Section section) {
    StringBuilder out = new StringBuilder("| Variable | Default | Meaning | Read by |\n");
    out.append("|---|---|---|---|\n");
    for (ConfigVariable variable : Variables.of(section)) {
      out.append("| ")
          .append(nameCell(variable))
          .append(" | ")
          .append(line(variable.defaultText()))
          .append(" | ")
          .append(line(variable.meaning()))
          .append(" | ")
          .append(line(variable.readBy()))
          .append(" |\n");
    }
    return out.toString();
  }

  /**
   * The document with every section's table replaced by the current one.
   *
   * @throws IllegalArgumentException when a section's markers are missing, repeated or out of order
   */
  public static String rewrite(String document) {
    String text = document;
    List<String> problems = new ArrayList<>();
    for (Section section : Section.values()) {
      String begin = begin(section);
      String end = end(section);
      int from = text.indexOf(begin);
      int to = text.indexOf(end);
      if (from < 0 || to < from || text.indexOf(begin, from + 1) >= 0) {
        problems.add(section.id());
        continue;
      }
      int body = from + begin.length();
      text = text.substring(0, body) + "\n" + table(section) + text.substring(to);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "docs/configuration.md needs each section's table once, between "
              + begin(Section.STAGES)
              + " and "
              + end(Section.STAGES)
              + " (with the section's id); missing or broken: "
              + String.join(", ", problems));
    }
    return text;
  }

  private static String nameCell(ConfigVariable variable) {
    String names =
        variable.names().stream().map(n -> "`" + n + "`").collect(Collectors.joining(", "));
    List<String> notes = new ArrayList<>();
    if (variable.kind() == Kind.SECRET) {
      notes.add("secret");
    }
    if (!variable.inputs().isEmpty()) {
      notes.add(
          (variable.inputs().size() == 1 ? "action input " : "action inputs ")
              + variable.inputs().stream()
                  .map(i -> "`" + i + "`")
                  .collect(Collectors.joining(", ")));
    }
    return notes.isEmpty() ? names : names + " (" + String.join("; ", notes) + ")";
  }

  private static String line(String markdown) {
    return markdown.strip().replaceAll("\\s*\\n\\s*", " ");
  }
}
