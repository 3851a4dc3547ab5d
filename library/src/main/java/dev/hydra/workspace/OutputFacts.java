package dev.hydra.workspace;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a stage's bundle holds, read from the runner's mirror after the fetch: the input of the pure
 * {@link OutputRules}.
 *
 * @param branch the branch the output must be on ({@code HYDRA_BRANCH})
 * @param refs the refs the bundle carries
 * @param baseSha the commit the output must build on ({@code HYDRA_BASE_SHA})
 * @param headSha the tip the bundle brought, {@code null} when it brought none
 * @param headDescendsFromBase whether {@code baseSha} is an ancestor of (or equal to) the head
 * @param bundleBytes the bundle's size
 * @param commits the commits reachable from the head and not from the base, newest first
 */
public record OutputFacts(
    String branch,
    List<String> refs,
    String baseSha,
    @Nullable String headSha,
    boolean headDescendsFromBase,
    long bundleBytes,
    List<Commit> commits) {

  /** Copies the lists. */
  public OutputFacts {
    refs = List.copyOf(refs);
    commits = List.copyOf(commits);
  }

  /**
   * One new commit.
   *
   * @param sha its id
   * @param parents its parents' ids
   * @param messageLines its message, line by line
   * @param changes what it changed against its first parent (everything, for a root commit)
   */
  public record Commit(
      String sha, List<String> parents, List<String> messageLines, List<Change> changes) {
    /** Copies the lists. */
    public Commit {
      parents = List.copyOf(parents);
      messageLines = List.copyOf(messageLines);
      changes = List.copyOf(changes);
    }
  }

  /**
   * One changed path in a commit (a rename has both names).
   *
   * @param oldPath the path before, {@code null} when added
   * @param newPath the path after, {@code null} when deleted
   * @param oldMode git's mode bits before (0 when added)
   * @param newMode git's mode bits after (0 when deleted)
   * @param newBytes the new blob's size (0 when deleted or a submodule)
   * @param added the lines the change adds, with their line numbers in the new file
   */
  public record Change(
      @Nullable String oldPath,
      @Nullable String newPath,
      int oldMode,
      int newMode,
      long newBytes,
      List<Line> added) {
    /** Copies the list. */
    public Change {
      added = List.copyOf(added);
    }
  }

  /**
   * An added line.
   *
   * @param number its 1-based number in the new file
   * @param text the line without its line break
   */
  public record Line(int number, String text) {}
}
