package dev.hydra.workspace;

import java.util.List;

/**
 * A stage's validated output, fetched into the runner's mirror and ready to push.
 *
 * @param branch the branch the commits are on ({@code HYDRA_BRANCH})
 * @param headSha the branch's new tip
 * @param commits the new commits, newest first
 * @param changedPaths every path the commits added, changed, deleted or renamed (both names)
 */
public record Output(
    String branch, String headSha, List<String> commits, List<String> changedPaths) {

  /** Copies the lists. */
  public Output {
    commits = List.copyOf(commits);
    changedPaths = List.copyOf(changedPaths);
  }
}
