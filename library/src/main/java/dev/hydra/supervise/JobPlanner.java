package dev.hydra.supervise;

import dev.hydra.forge.Issue;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Outcome;
import dev.hydra.label.PipelineState;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What to run on a repository, from its open issues and their labels (SPEC §4); pure. At most one
 * job per issue, the first rule that fits:
 *
 * <ol>
 *   <li>{@code rebuild:queued} → {@link Job.Kind#REBUILD} (the guard explains when {@code
 *       needs-input} is still on);
 *   <li>{@code retry:queued} → {@link Job.Kind#RETRY} (one fixer pass and round 2's reviews; the
 *       guard explains when {@code needs-input} is still on or the round's retry was used);
 *   <li>the trigger → {@link Job.Kind#BUILD};
 *   <li>both reviews {@code :queued} → {@link Job.Kind#REVIEWS} (both reviews, then the decision);
 *   <li>in a sweep only: a stage queued or running, or labels that contradict each other → {@link
 *       Job.Kind#RECONCILE} (the pipeline recovers what is stale and leaves the rest).
 * </ol>
 *
 * Pull requests are skipped: Hydra's state lives on the issue. So are issues with an outcome
 * ({@code done}, {@code needs-input}) and nothing requested.
 */
public final class JobPlanner {

  private final LabelScheme scheme;

  /** A planner for repositories labelled with {@code scheme} (its prefix and trigger). */
  public JobPlanner(LabelScheme scheme) {
    this.scheme = scheme;
  }

  /**
   * The jobs for a repository's open items, in the order the forge listed them.
   *
   * @param repo the repository
   * @param items its open issues (and pull requests, which are skipped)
   * @param sweep whether this is the repository-wide reconcile sweep
   */
  public List<Job> plan(RepoRef repo, List<Issue> items, boolean sweep) {
    List<Job> jobs = new ArrayList<>();
    for (Issue item : items) {
      if (item.pullRequest() || !item.open()) {
        continue;
      }
      kind(item.labels(), sweep)
          .ifPresent(kind -> jobs.add(new Job(repo, item.number(), item.title(), kind)));
    }
    return jobs;
  }

  /** The job for one issue's labels, if any. */
  public Optional<Job.Kind> kind(List<String> labels, boolean sweep) {
    PipelineState state = PipelineState.of(scheme, labels);
    if (labels.contains(scheme.name(Stage.REBUILD, StageState.QUEUED))) {
      return Optional.of(Job.Kind.REBUILD);
    }
    if (labels.contains(scheme.name(Stage.RETRY, StageState.QUEUED))) {
      return Optional.of(Job.Kind.RETRY);
    }
    if (state.triggered()) {
      return Optional.of(Job.Kind.BUILD);
    }
    if (state.state(Stage.CODE_REVIEW).equals(Optional.of(StageState.QUEUED))
        && state.state(Stage.SECURITY_REVIEW).equals(Optional.of(StageState.QUEUED))
        && state.contradictions().isEmpty()
        && !state.outcomes().contains(Outcome.NEEDS_INPUT)) {
      return Optional.of(Job.Kind.REVIEWS);
    }
    if (sweep && (state.busy() || !state.contradictions().isEmpty())) {
      return Optional.of(Job.Kind.RECONCILE);
    }
    return Optional.empty();
  }
}
