package dev.hydra.pipeline;

import dev.hydra.label.Stage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one progress comment on an issue: a hidden marker, when each stage started (hidden, for the
 * recovery of stale stages), the latest status line and a table of run records. Parsed from and
 * rendered to its body, so the comment itself carries the state it shows.
 */
final class ProgressComment {

  private static final Pattern STARTED =
      Pattern.compile("<!-- hydra:started ([a-z-]+) ([0-9T:.Z-]+) -->");
  private static final Pattern ROW = Pattern.compile("\\| ([a-z-]+) \\| .*\\|");

  private final int issue;
  private final Map<String, Instant> started = new LinkedHashMap<>();
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
      Matcher m = STARTED.matcher(line.strip());
      if (m.matches()) {
        try {
          c.started.put(m.group(1), Instant.parse(m.group(2)));
        } catch (DateTimeParseException e) {
          // a hand-edited marker: ignored
        }
        continue;
      }
      Matcher r = ROW.matcher(line.strip());
      if (r.matches() && Stage.fromId(r.group(1)).isPresent()) {
        c.rows.put(r.group(1), line.strip());
      } else if (line.startsWith("- ")) {
        c.notes.add(line.substring(2));
      }
    }
    return c;
  }

  void started(Stage stage, Instant at) {
    started.put(stage.id(), at);
  }

  Optional<Instant> startedAt(Stage stage) {
    return Optional.ofNullable(started.get(stage.id()));
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
    started.forEach(
        (stage, at) ->
            s.append("<!-- hydra:started ").append(stage).append(' ').append(at).append(" -->\n"));
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
