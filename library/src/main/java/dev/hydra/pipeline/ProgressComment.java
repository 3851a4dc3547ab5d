package dev.hydra.pipeline;

import dev.hydra.label.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one progress comment on an issue: a hidden marker, status lines and a table of run records.
 * Parsed from and rendered to its body, so the comment itself carries what it shows. It is written
 * when the build ends and edited when the decision is taken; the labels show the live state, and
 * when a stage started is read from the issue's label history, not from here.
 */
final class ProgressComment {

  private static final Pattern ROW = Pattern.compile("\\| ([a-z-]+) \\| .*\\|");

  private final int issue;
  private final Map<String, String> rows = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  ProgressComment(int issue) {
    this.issue = issue;
  }

  /** The hidden marker that finds the comment. */
  static String marker(int issue) {
    return "<!-- hydra:progress issue=" + issue + " -->";
  }

  static ProgressComment parse(int issue, String body) {
    ProgressComment c = new ProgressComment(issue);
    for (String line : body.split("\n", -1)) {
      Matcher r = ROW.matcher(line.strip());
      if (r.matches() && Stage.fromId(r.group(1)).isPresent()) {
        c.rows.put(r.group(1), line.strip());
      } else if (line.startsWith("- ")) {
        c.notes.add(line.substring(2));
      }
    }
    return c;
  }

  void record(RunRecord record) {
    rows.put(record.stage(), record.row());
  }

  void note(String line) {
    notes.add(line.replace('\n', ' ').replace('\r', ' '));
  }

  String render() {
    StringBuilder s = new StringBuilder();
    s.append(marker(issue)).append('\n');
    s.append("### Hydra progress for #").append(issue).append("\n\n");
    for (String note : notes) {
      s.append("- ").append(note).append('\n');
    }
    if (!rows.isEmpty()) {
      s.append('\n').append(RunRecord.header()).append('\n');
      rows.values().forEach(row -> s.append(row).append('\n'));
    }
    return s.toString();
  }
}
