package dev.hydra.forge;

import java.util.List;

/**
 * A pull request, as the forge reports it or as an event payload saw it.
 *
 * @param number its number, positive
 * @param title its title (untrusted text)
 * @param body its body (untrusted text), empty when absent
 * @param open whether it is open
 * @param draft whether it is a draft (Forgejo: a work-in-progress title prefix)
 * @param merged whether it was merged
 * @param head the head branch, for example {@code hydra/12-add-login}
 * @param headSha the head commit
 * @param base the target branch
 * @param url the page a person opens, empty when absent
 * @param author the login of who opened it, empty when unknown
 * @param nodeId GitHub's global node id (for GraphQL), empty on Forgejo and when unknown
 * @param headRepository {@code owner/name} of the head repository, empty when unknown (a deleted
 *     fork)
 * @param labels the names of its labels as an event payload listed them; empty when an adapter read
 *     it (nothing acts on a pull request's labels)
 */
public record PullRequest(
    int number,
    String title,
    String body,
    boolean open,
    boolean draft,
    boolean merged,
    String head,
    String headSha,
    String base,
    String url,
    String author,
    String nodeId,
    String headRepository,
    List<String> labels) {

  public PullRequest {
    if (number < 1) {
      throw new IllegalArgumentException("pull request number must be positive, got " + number);
    }
    labels = List.copyOf(labels);
  }
}
