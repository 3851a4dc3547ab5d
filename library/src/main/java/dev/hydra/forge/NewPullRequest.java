package dev.hydra.forge;

/**
 * A draft pull request to open.
 *
 * @param head the head branch, in the same repository
 * @param base the target branch
 * @param title the title
 * @param body the body; Hydra's always contains {@code Closes #N}
 */
public record NewPullRequest(String head, String base, String title, String body) {}
