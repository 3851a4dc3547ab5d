package dev.hydra.workspace;

import org.jspecify.annotations.Nullable;

/**
 * A push that the remote accepted.
 *
 * @param branch the branch pushed
 * @param previousSha what the remote branch held before, {@code null} when it was created
 * @param headSha what it holds now
 * @param pushedAs the login whose token pushed
 */
public record PushResult(
    String branch, @Nullable String previousSha, String headSha, String pushedAs) {}
