package dev.hydra.event;

import java.util.List;

/**
 * A pull request as the event payload saw it.
 *
 * @param number the pull request number
 * @param title the title (untrusted text)
 * @param body the body (untrusted text), empty when absent
 * @param open whether it was open
 * @param merged whether it was merged
 * @param draft whether it was a draft
 * @param headRef the head branch name, for example {@code hydra/12-add-login}
 * @param headSha the head commit
 * @param headRepository {@code owner/name} of the head repository, empty when unknown (a deleted
 *     fork)
 * @param baseRef the target branch name
 * @param labels the names of the labels on the pull request
 * @param author the login of who opened it, empty when absent
 * @param nodeId GitHub's global node id, empty when absent (Forgejo has none)
 * @param url the page a person opens, empty when absent
 */
public record PullRequestSnapshot(
    int number,
    String title,
    String body,
    boolean open,
    boolean merged,
    boolean draft,
    String headRef,
    String headSha,
    String headRepository,
    String baseRef,
    List<String> labels,
    String author,
    String nodeId,
    String url) {

  public PullRequestSnapshot {
    if (number < 1) {
      throw new IllegalArgumentException("pull request number must be positive, got " + number);
    }
    labels = List.copyOf(labels);
  }
}
