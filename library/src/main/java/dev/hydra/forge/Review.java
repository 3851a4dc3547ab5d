package dev.hydra.forge;

import java.util.List;

/**
 * A pull request review with inline comments.
 *
 * @param event what the review does
 * @param body the review's summary
 * @param commitSha the commit reviewed
 * @param comments comments on lines of the new files
 */
public record Review(Event event, String body, String commitSha, List<InlineComment> comments) {

  public Review {
    comments = List.copyOf(comments);
  }

  /**
   * What a review does. Reviewer personas only ever comment or request changes; only the yolo path
   * approves. The wire words differ: GitHub {@code APPROVE}, Forgejo {@code APPROVED}, and a wrong
   * word silently makes a pending review on Forgejo, so adapters map this enum, never a string.
   */
  public enum Event {
    COMMENT,
    REQUEST_CHANGES,
    APPROVE
  }

  /**
   * A comment on one line of a file in the new version.
   *
   * @param path the file, relative to the repository root
   * @param line the line in the new file (1-based)
   * @param body the comment
   */
  public record InlineComment(String path, int line, String body) {
    public InlineComment {
      if (line < 1) {
        throw new IllegalArgumentException("inline comments need a line >= 1, got " + line);
      }
    }
  }
}
