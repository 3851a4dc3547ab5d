package dev.hydra.input;

import dev.hydra.forge.Comment;
import dev.hydra.forge.Issue;
import dev.hydra.forge.RepoRef;
import java.util.List;

/**
 * The issue a builder implements, rendered as the file {@code issue.md} of its input folder:
 * exactly the title, labels, body and comments the runner read and checked (the
 * edited-after-labelling guard compared this very text), so a later edit on the forge cannot slip
 * in.
 *
 * <p>The text is written by strangers, so it is cleaned and framed before an agent reads it:
 *
 * <ul>
 *   <li>HTML comments are removed (a forge hides them from people, not from an agent), also one
 *       left open, which hides everything after it;
 *   <li>characters a person does not see are removed: format characters (zero-width, bidi overrides
 *       and isolates), controls other than line feed and tab, private-use, unassigned and lone
 *       surrogate code points; line and paragraph separators and carriage returns become line
 *       feeds;
 *   <li>every piece of text sits in a fenced block whose fence is longer than any run of backticks
 *       inside, so no text can close its frame and continue as the file's own words; a note above
 *       says it is data, not instructions.
 * </ul>
 *
 * Pure: no file or network access ({@link StageInputs} writes the file).
 */
public final class IssueInput {

  /** The file name in the input folder. */
  public static final String FILE = "issue.md";

  private IssueInput() {}

  /**
   * Renders the issue file.
   *
   * @param repo the repository the issue is in
   * @param issue the issue as the runner read it
   * @param comments its comments, oldest first, as the runner read them
   * @return the file's text
   */
  public static String render(RepoRef repo, Issue issue, List<Comment> comments) {
    String title = clean(issue.title());
    String body = clean(issue.body());
    List<String> labels = issue.labels().stream().map(IssueInput::clean).toList();
    List<Comment> cleaned =
        comments.stream()
            .map(c -> new Comment(c.id(), clean(c.author()), clean(c.body())))
            .toList();
    StringBuilder all = new StringBuilder(title).append(body);
    labels.forEach(all::append);
    cleaned.forEach(c -> all.append(c.author()).append(c.body()));
    String fence = DataText.fence(all);

    StringBuilder out = new StringBuilder();
    out.append("# Issue #")
        .append(issue.number())
        .append(" in ")
        .append(repo.fullName())
        .append("\n\n")
        .append(DataText.DATA_NOTE)
        .append("\n\n");
    DataText.section(out, "Title", title, fence);
    out.append("## Labels\n\n");
    if (labels.isEmpty()) {
      out.append("(none)\n\n");
    } else {
      DataText.section(out, null, String.join("\n", labels), fence);
    }
    DataText.section(out, "Body", body.isBlank() ? "(empty)" : body, fence);
    out.append("## Comments\n\n");
    if (cleaned.isEmpty()) {
      out.append("(none)\n");
    }
    int n = 1;
    for (Comment c : cleaned) {
      DataText.section(
          out, "### " + n++ + ". by @" + DataText.oneLine(c.author()), c.body(), fence);
    }
    return out.toString();
  }

  /**
   * Removes what a person reading the issue on the forge does not see: HTML comments and hidden
   * characters (see the class comment). Line breaks become line feeds.
   */
  public static String clean(String text) {
    return DataText.clean(text);
  }
}
