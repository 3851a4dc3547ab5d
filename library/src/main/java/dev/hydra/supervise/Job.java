package dev.hydra.supervise;

import dev.hydra.forge.RepoRef;

/**
 * One piece of work the supervisor found on a repository: which issue, and what to do with it.
 *
 * @param repo the repository
 * @param number the issue
 * @param title the issue's title (the build's branch name is made from it)
 * @param kind what to do
 */
public record Job(RepoRef repo, int number, String title, Kind kind) {

  /** What a job does; each is one call of the pipeline. */
  public enum Kind {
    /** The trigger label is on the issue: the build. */
    BUILD,
    /** A person applied {@code rebuild:queued}: the reset and the build. */
    REBUILD,
    /** A person applied {@code retry:queued}: one fixer pass, then round 2's reviews. */
    RETRY,
    /** Both reviews are queued: both reviews and the decision, in a row. */
    REVIEWS,
    /** A stage is queued or running, or labels contradict: recover it when stale. */
    RECONCILE;

    /** The lower-case name, for logs and metric tags. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Job {
    if (number < 1) {
      throw new IllegalArgumentException("issue number must be positive, got " + number);
    }
  }

  /** The issue this job works on: a supervisor runs at most one job per issue at a time. */
  public Key key() {
    return new Key(repo, number);
  }

  /**
   * An issue of a repository.
   *
   * @param repo the repository
   * @param number the issue
   */
  public record Key(RepoRef repo, int number) {
    @Override
    public String toString() {
      return repo.fullName() + "#" + number;
    }
  }

  @Override
  public String toString() {
    return kind.id() + " " + key();
  }
}
