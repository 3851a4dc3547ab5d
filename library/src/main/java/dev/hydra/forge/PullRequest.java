package dev.hydra.forge;

/**
 * A pull request.
 *
 * @param number its number
 * @param title its title (untrusted text)
 * @param body its body (untrusted text)
 * @param open whether it is open
 * @param draft whether it is a draft (Forgejo: a work-in-progress title prefix)
 * @param merged whether it was merged
 * @param head the head branch
 * @param headSha the head commit
 * @param base the target branch
 * @param url the page a person opens
 * @param author the login of who opened it, empty when unknown
 * @param nodeId GitHub's global node id (for GraphQL), empty on Forgejo and when unknown
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
    String nodeId) {}
