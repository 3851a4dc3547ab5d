package dev.hydra.event;

import java.util.List;

/**
 * An issue as the event payload saw it. It may be stale: a re-run replays an old payload, so
 * anything that acts re-reads the live issue first.
 *
 * @param number the issue number
 * @param title the title (untrusted text)
 * @param body the body (untrusted text), empty when absent
 * @param open whether the issue was open; false when the payload of an event that cannot start a
 *     stage leaves the state out (GitHub's {@code issues.pinned})
 * @param author the login of the issue's author
 * @param labels the names of all labels on the issue after the change
 * @param pullRequest whether this "issue" is really a pull request
 */
public record IssueSnapshot(
    int number,
    String title,
    String body,
    boolean open,
    String author,
    List<String> labels,
    boolean pullRequest) {

  public IssueSnapshot {
    if (number < 1) {
      throw new IllegalArgumentException("issue number must be positive, got " + number);
    }
    labels = List.copyOf(labels);
  }
}
