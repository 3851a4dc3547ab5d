package dev.hydra.pipeline;

import dev.hydra.forge.Comment;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one progress comment on an issue: a hidden marker, status lines and a table of run records.
 * Parsed from and rendered to its body, so the comment itself carries what it shows. It is written
 * when the build ends and edited when the decision is taken; the labels show the live state, and
 * when a stage started is read from the issue's label history, not from here. During one run it is
 * found once ({@link #find}) or started new, then saved in place ({@link #save}).
 */
final class ProgressComment {

  private static final Pattern ROW = Pattern.compile("\\| ([a-z-]+) \\| .*\\|");
  private static final String GATES_START = "<!-- hydra:gates -->";
  private static final String GATES_END = "<!-- /hydra:gates -->";

  private final int issue;
  private final Map<String, String> rows = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private String gates = "";
  private @Nullable Long id;

  ProgressComment(int issue) {
    this.issue = issue;
  }

  /** The hidden marker that finds the comment. */
  static String marker(int issue) {
    return "<!-- hydra:progress issue=" + issue + " -->";
  }

  static ProgressComment parse(int issue, String body) {
    ProgressComment c = new ProgressComment(issue);
    int start = body.indexOf(GATES_START);
    int end = body.indexOf(GATES_END);
    if (start >= 0 && end > start) {
      c.gates = body.substring(start + GATES_START.length(), end).strip();
      body = body.substring(0, start) + body.substring(end + GATES_END.length());
    }
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

  /**
   * The builder's progress comment on the issue, or a new one (posted at its first {@link #save})
   * when there is none.
   *
   * @param author the builder's login
   */
  static ProgressComment find(Forge builder, RepoRef repo, int issue, String author)
      throws ForgeException {
    Optional<Comment> found = builder.findComment(repo, issue, marker(issue), author);
    if (found.isEmpty()) {
      return new ProgressComment(issue);
    }
    ProgressComment comment = parse(issue, found.get().body());
    comment.id = found.get().id();
    return comment;
  }

  /** Posts the comment the first time, edits it in place after. */
  void save(Forge builder, RepoRef repo) throws ForgeException {
    Long existing = id;
    if (existing == null) {
      id = builder.comment(repo, issue, render()).id();
    } else {
      builder.editComment(repo, existing, render());
    }
  }

  void record(RunRecord record) {
    rows.put(record.stage(), record.row());
  }

  /**
   * The last gate table shown, replacing the one before.
   *
   * @param title what was checked, for example {@code Gates on the builder's commits}
   * @param markdown the table ({@code GateTable.markdown()}, escaped)
   */
  void gates(String title, String markdown) {
    gates = "**" + title.replace("*", "") + "**\n\n" + markdown.replace(GATES_END, "").strip();
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
    if (!gates.isEmpty()) {
      s.append('\n').append(GATES_START).append('\n').append(gates).append('\n');
      s.append(GATES_END).append('\n');
    }
    return s.toString();
  }
}
