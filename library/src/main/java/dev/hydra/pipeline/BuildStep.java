package dev.hydra.pipeline;

import dev.hydra.forge.Comment;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.PullRequest;
import dev.hydra.gate.GateTable;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.PipelineState;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.route.HydraBranch;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The build, as the builder, for the trigger and for a person's reset alike ({@link BuildKind},
 * read from the live issue): the guard, the authority of the label, the claim, the builder's
 * container, the reviews queued and the draft pull request opened (or, after a reset, the existing
 * one closed and reopened).
 */
record BuildStep(PipelineContext context, GuardStep guard, AuthorityStep authority) {

  /**
   * The build, or the reset when the live issue carries {@code rebuild:queued}.
   *
   * @param added the label the event says was added, or null when it does not say
   * @param sender who sent the event: the labeller of {@code added}
   * @param seen the issue as the event saw it, or null: when its title or body differ from the live
   *     issue, it was edited after the label was applied, and Hydra builds only what the labeller
   *     saw (security-anchors §6 case 5)
   */
  PipelineResult build(
      IssueRun run, @Nullable String added, Authority.@Nullable Actor sender, @Nullable Issue seen)
      throws ForgeException, InterruptedException {
    LabelScheme scheme = run.scheme();
    Forge builder = run.builder();
    int number = run.number();
    // The sender's permission may come with the guard's read (GitHub): asked right after it.
    Issue issue =
        sender == null || sender.login().isBlank()
            ? builder.issue(run.repo(), number)
            : builder.issue(run.repo(), number, sender.login());
    PipelineState state = run.state(issue.labels());
    BuildKind kind = BuildKind.of(scheme, issue.labels());
    String label = kind.label(scheme);
    // The event's sender speaks only for the label the event says it added.
    Authority.@Nullable Actor labeller =
        label.equals(added) && sender != null && !sender.login().isBlank() ? sender : null;
    Optional<PipelineResult> refused = guard.beforeBuild(run, kind, issue, state);
    if (refused.isPresent()) {
      return refused.get();
    }
    Authority.Result allowed = authority.ofPerson(run, builder, label, labeller);
    if (!allowed.ok()) {
      run.explainOnce(
          builder,
          kind.unauthorised(),
          "Hydra did not "
              + kind.verb()
              + ": "
              + allowed.why()
              + ". Ask someone with write access to apply `"
              + label
              + "`.");
      return run.skip(kind.id(), allowed.why());
    }
    String taken = "another run took " + kind.named(scheme) + " of issue #" + number + " first";
    if (seen != null
        && (!seen.title().equals(issue.title()) || !seen.body().equals(issue.body()))) {
      // The label is taken off, so that applying it again builds the text as it is now.
      if (builder.takeLabel(run.repo(), number, label).isEmpty()) {
        return run.skip(kind.id(), taken);
      }
      String why =
          "issue #"
              + number
              + " was edited after `"
              + label
              + "` was applied, so the text is not what the labeller approved";
      builder.comment(
          run.repo(),
          number,
          "<!-- hydra:edited #"
              + number
              + " -->\nHydra did not "
              + kind.verb()
              + ": "
              + why
              + ". Read the issue as it is now, then apply `"
              + label
              + "` again to "
              + kind.id()
              + " it.");
      return run.skip(kind.id(), why + "; " + kind.named(scheme) + " was removed, apply it again");
    }
    Optional<List<String>> left = builder.takeLabel(run.repo(), number, label);
    if (left.isEmpty()) {
      return run.skip(kind.id(), taken);
    }
    Set<String> running = kind.claimed(scheme, left.get());
    builder.setLabels(run.repo(), number, running);
    run.log("builder claimed the " + kind.id() + " of #" + number + " (" + allowed.why() + ")");
    if (kind.reusesPullRequest()) {
      run.findProgress(null);
    } else {
      run.startProgress();
    }
    run.progressNote(kind.startedNote(allowed.why()));
    return runBuild(run, issue, running, kind);
  }

  /**
   * The builder's container and what follows it, for a build and a reset alike.
   *
   * @param issue the issue as the guard checked it: the builder builds this text, not a later one
   */
  private PipelineResult runBuild(IssueRun run, Issue issue, Set<String> running, BuildKind kind)
      throws ForgeException, InterruptedException {
    Forge builder = run.builder();
    int number = run.number();
    PipelineState ran = run.state(running);
    List<Comment> comments;
    try {
      comments = builder.comments(run.repo(), number);
    } catch (ForgeException e) {
      return failed(
          run,
          ran,
          "the comments of issue #"
              + number
              + " could not be read for the builder, so no container was started: "
              + Texts.oneLine(String.valueOf(e.getMessage())),
          null,
          "");
    }
    GatePasses gates = new GatePasses(context.options().gateFixPasses());
    StageResult result =
        context
            .executor()
            .execute(StageExecutor.Call.build(run.repo(), issue, comments).withGates(gates));
    RunRecord record = run.record(result, gates);
    run.progressRecord(record);
    Optional<GateTable> table = gates.last();
    table.ifPresent(t -> run.progressGates(gatesTitle(gates), t));
    Optional<String> problem = problem(result, number);
    if (problem.isPresent()) {
      return failed(
          run,
          ran,
          problem.get(),
          record,
          table.filter(t -> !t.passed()).map(GateTable::markdown).orElse(""));
    }
    Verdict.BuilderResult built = result.verdictValue().flatMap(Verdict::builder).orElseThrow();
    // The reviews are queued before the PR exists: opening it starts the review workflow, whose
    // jobs must find them.
    builder.setLabels(run.repo(), number, ran.afterBuild(true));
    PullRequest pr;
    boolean reopened = false;
    try {
      Optional<PullRequest> existing =
          kind.reusesPullRequest()
              ? builder.findPullRequest(run.repo(), built.branch())
              : Optional.empty();
      if (existing.isPresent()) {
        // The builder's push reached the review workflow (synchronize) while the reviews were not
        // yet queued, so its jobs found nothing to take: a reopened event starts them now.
        pr = existing.get();
        builder.reopenPullRequest(run.repo(), pr.number());
        reopened = true;
      } else {
        pr =
            builder.openDraftPullRequest(
                run.repo(),
                new NewPullRequest(
                    built.branch(),
                    context.options().baseBranch(),
                    built.prTitle(),
                    Closes.appendTo(built.prBody(), number)));
      }
    } catch (ForgeException e) {
      return failed(
          run,
          ran,
          "the build passed, but its draft pull request could not be opened: "
              + Texts.oneLine(String.valueOf(e.getMessage())),
          record,
          "");
    }
    String done =
        reopened
            ? "PR #" + pr.number() + " closed and reopened to start the reviews"
            : "draft PR #" + pr.number() + " opened";
    run.progressNote("Build passed: " + done + "; code and security reviews queued.");
    run.log(
        "builder " + (reopened ? "reused" : "opened") + " PR #" + pr.number() + " for #" + number);
    return new PipelineResult(
        Stage.BUILD.id(),
        PipelineResult.Status.PASSED,
        done + " from " + built.branch(),
        pr.number(),
        pr.url(),
        List.of(record));
  }

  /** The progress comment's title of the build's last gate table. */
  private static String gatesTitle(GatePasses gates) {
    int passes = gates.tables().size();
    return "Gates on the builder's commits"
        + (passes == 1 ? "" : " (pass " + passes + ", after " + (passes - 1) + " fix pass(es))");
  }

  /**
   * The build's {@code needs-input} ending.
   *
   * @param record the container's run record, null when none was started
   * @param details the red gate table, or empty
   */
  private static PipelineResult failed(
      IssueRun run, PipelineState ran, String problem, @Nullable RunRecord record, String details)
      throws ForgeException {
    run.needsInput(
        ran.with(Stage.BUILD, StageState.FAIL),
        "Build failed: " + Texts.oneLine(problem),
        Stage.BUILD.id(),
        problem,
        details);
    return new PipelineResult(
        Stage.BUILD.id(),
        PipelineResult.Status.NEEDS_INPUT,
        problem,
        null,
        null,
        record == null ? List.of() : List.of(record));
  }

  /** What is wrong with the builder's result, if anything: a failure, or no usable branch. */
  static Optional<String> problem(StageResult result, int number) {
    if (!result.passed()) {
      return Optional.of("the builder stage " + result.status().id() + ": " + result.message());
    }
    Optional<Verdict.BuilderResult> built = result.verdictValue().flatMap(Verdict::builder);
    if (built.isEmpty()) {
      return Optional.of("the builder passed but named no branch for the pull request");
    }
    Optional<HydraBranch> branch = HydraBranch.parse(built.get().branch());
    if (branch.isEmpty() || branch.get().issue() != number) {
      return Optional.of(
          "the builder pushed branch "
              + Texts.quote(built.get().branch())
              + ", which is not hydra/"
              + number
              + "-<slug> for this issue; no pull request was opened");
    }
    return Optional.empty();
  }
}
