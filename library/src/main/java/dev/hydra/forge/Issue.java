package dev.hydra.forge;

import java.util.List;

/**
 * An issue, as the forge reports it now or as an event payload saw it. A payload's may be stale (a
 * re-run replays an old payload), so anything that acts re-reads the live issue first.
 *
 * @param number the issue number, positive
 * @param title the title (untrusted text)
 * @param body the body (untrusted text), empty when none
 * @param open whether it is open; false when the payload of an event that cannot start a stage
 *     leaves the state out (GitHub's {@code issues.pinned})
 * @param author the author's login
 * @param labels the names of its labels (in a payload: after the change)
 * @param pullRequest whether this "issue" is really a pull request
 */
public record Issue(
    int number,
    String title,
    String body,
    boolean open,
    String author,
    List<String> labels,
    boolean pullRequest) {

  public Issue {
    if (number < 1) {
      throw new IllegalArgumentException("issue number must be positive, got " + number);
    }
    labels = List.copyOf(labels);
  }
}
