package dev.hydra.workspace;

/**
 * How much one stage may push.
 *
 * @param maxCommits new commits on the branch
 * @param maxBundleBytes size of {@code out/changes.bundle}
 * @param maxFileBytes size of any one file a commit adds or changes
 * @param maxChangedFiles distinct paths the commits touch
 */
public record OutputLimits(
    int maxCommits, long maxBundleBytes, long maxFileBytes, int maxChangedFiles) {

  /**
   * Checks the limits.
   *
   * @throws IllegalArgumentException when a limit is not positive
   */
  public OutputLimits {
    if (maxCommits < 1 || maxBundleBytes < 1 || maxFileBytes < 1 || maxChangedFiles < 1) {
      throw new IllegalArgumentException("every output limit must be positive");
    }
  }

  /** 100 commits, a 50 MiB bundle, 5 MiB per file, 500 files. */
  public static OutputLimits defaults() {
    return new OutputLimits(100, 50L << 20, 5L << 20, 500);
  }
}
