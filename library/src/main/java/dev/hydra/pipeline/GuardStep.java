package dev.hydra.pipeline;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Outcome;
import dev.hydra.label.PipelineState;
import dev.hydra.route.HydraBranch;
import dev.hydra.route.Workflow;
import java.util.List;
import java.util.Optional;

/**
 * The guard on the live issue (closed, a pull request, {@code needs-input}, contradicting labels,
 * {@code done}, a stage in progress) and on a Hydra pull request (its branch and its {@code Closes
 * #N} name the same issue): whether a step may act at all.
 */
final class GuardStep {

  private final LabelScheme scheme;
  private final RecoveryStep recovery;

  GuardStep(LabelScheme scheme, RecoveryStep recovery) {
    this.scheme = scheme;
    this.recovery = recovery;
  }

  /** Why nothing may run on the issue: closed, a pull request, or {@link #blockedByLabels}. */
  Optional<String> blocked(Issue issue, PipelineState state) {
    Optional<String> closed = notAnOpenIssue(issue);
    return closed.isPresent() ? closed : blockedByLabels(issue.number(), state);
  }

  /** Why the labels stop every step: {@code needs-input}, a contradiction, {@code done}. */
  Optional<String> blockedByLabels(int number, PipelineState state) {
    if (state.outcomes().contains(Outcome.NEEDS_INPUT)) {
      return Optional.of("issue #" + number + " is in `" + scheme.name(Outcome.NEEDS_INPUT) + "`");
    }
    List<String> contradictions = state.contradictions();
    if (!contradictions.isEmpty()) {
      return Optional.of(
          "the labels of issue #"
              + number
              + " contradict each other ("
              + String.join("; ", contradictions)
              + "); a person fixes them");
    }
    if (state.outcomes().contains(Outcome.DONE)) {
      return Optional.of("issue #" + number + " is done");
    }
    return Optional.empty();
  }

  /**
   * Why a build of {@code kind} must not start on the live issue, as the result to return; empty
   * when it may. A reset while {@code needs-input} is still on says so once on the issue; a stage
   * in progress is recovered when it is stale ({@link RecoveryStep#busyOrStale}).
   */
  Optional<PipelineResult> beforeBuild(
      IssueRun run, BuildKind kind, Issue issue, PipelineState state) throws ForgeException {
    int number = issue.number();
    Optional<String> closed = notAnOpenIssue(issue);
    if (closed.isPresent()) {
      return Optional.of(run.skip(kind.id(), closed.get()));
    }
    if (kind == BuildKind.RESET && state.outcomes().contains(Outcome.NEEDS_INPUT)) {
      return Optional.of(
          run.skip(kind.id(), needsInputStillOn(run, "rebuild", kind.label(scheme))));
    }
    Optional<String> not = blockedByLabels(number, state);
    if (not.isPresent()) {
      return Optional.of(run.skip(kind.id(), not.get()));
    }
    if (kind.busy(state)) {
      return Optional.of(recovery.busyOrStale(kind.id(), run, issue, state));
    }
    if (kind == BuildKind.FRESH && !state.triggered()) {
      return Optional.of(
          run.skip(
              kind.id(),
              "the trigger label `"
                  + scheme.trigger()
                  + "` is no longer on issue #"
                  + number
                  + " (a replayed or stale event, or the build was claimed already)"));
    }
    if (kind == BuildKind.FRESH && state.inPipeline()) {
      return Optional.of(
          run.skip(kind.id(), "issue #" + number + " has been through the pipeline already"));
    }
    return Optional.empty();
  }

  /**
   * A person's request ({@code rebuild:queued}, {@code retry:queued}) while {@code needs-input} is
   * still on: said once on the issue; returns the skip's reason.
   *
   * @param request {@code rebuild} or {@code retry}, as in {@code Hydra did not rebuild}
   * @param label the request's label
   */
  String needsInputStillOn(IssueRun run, String request, String label) throws ForgeException {
    String needsInput = scheme.name(Outcome.NEEDS_INPUT);
    String why = "`" + needsInput + "` is still on issue #" + run.number();
    run.explainOnce(
        run.builder(),
        request + "-needs-input",
        "Hydra did not "
            + request
            + ": "
            + why
            + ". A "
            + request
            + " starts only once a person has taken `needs-input` off: remove `"
            + needsInput
            + "` first, then remove `"
            + label
            + "` and apply it again.");
    return why + "; remove it first, then apply `" + label + "` again";
  }

  /**
   * A pull request whose branch and {@code Closes #N} disagree: skipped when it is not on a Hydra
   * branch, otherwise stopped with one comment on the pull request.
   */
  static PipelineResult stopped(PipelineContext context, RepoRef repo, PullRequest pr, String why)
      throws ForgeException {
    String stage = Workflow.REVIEW.id();
    if (HydraBranch.parse(pr.head()).isEmpty()) {
      return context.skip(stage, why);
    }
    IssueRun onPullRequest = context.issue(repo, pr.number());
    onPullRequest.explainOnce(onPullRequest.builder(), "mismatch", "Hydra stopped: " + why + ".");
    return new PipelineResult(
        stage, PipelineResult.Status.STOPPED, why, pr.number(), pr.url(), List.of());
  }

  private static Optional<String> notAnOpenIssue(Issue issue) {
    if (!issue.open()) {
      return Optional.of("issue #" + issue.number() + " is closed");
    }
    if (issue.pullRequest()) {
      return Optional.of("#" + issue.number() + " is a pull request, not an issue");
    }
    return Optional.empty();
  }
}
