package dev.hydra.pipeline;

import dev.hydra.forge.Comment;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.gate.GateTable;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Outcome;
import dev.hydra.label.PipelineState;
import dev.hydra.label.Stage;
import dev.hydra.label.StageLabel;
import dev.hydra.label.StageState;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Texts;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A person's {@code retry:queued} after {@code needs-input} (issue 13 item 4), as the builder: the
 * guard (still {@code needs-input}, this round's retry used, another stage in progress), the
 * authority of the label, the claim by taking it, then one fixer pass of the builder on the pull
 * request's head from the findings its {@code needs-input} comment carries ({@link RetryScope}),
 * kept by the runner to the files they name, and both reviews queued again (round 2). The pass's
 * own finished state ({@code retry:pass} or {@code retry:fail}) stays on the issue: a second retry
 * in the same round is refused; a rebuild clears it.
 */
record RetryStep(PipelineContext context, GuardStep guard, AuthorityStep authority) {

  private static final String RETRY = Stage.RETRY.id();

  /**
   * The retry of the issue {@code run}.
   *
   * @param added the label the event says was added, or null when it does not say
   * @param sender who sent the event: the labeller of {@code added}
   */
  PipelineResult retry(IssueRun run, @Nullable String added, Authority.@Nullable Actor sender)
      throws ForgeException, InterruptedException {
    LabelScheme scheme = run.scheme();
    Forge builder = run.builder();
    int number = run.number();
    Issue issue =
        sender == null || sender.login().isBlank()
            ? builder.issue(run.repo(), number)
            : builder.issue(run.repo(), number, sender.login());
    String label = scheme.name(Stage.RETRY, StageState.QUEUED);
    String rebuild = "`" + scheme.name(Stage.REBUILD, StageState.QUEUED) + "`";
    Optional<String> refused = refusal(run, issue, label, rebuild);
    if (refused.isPresent()) {
      return run.skip(RETRY, refused.get());
    }
    Authority.@Nullable Actor labeller =
        label.equals(added) && sender != null && !sender.login().isBlank() ? sender : null;
    Authority.Result allowed = authority.ofPerson(run, builder, label, labeller);
    if (!allowed.ok()) {
      run.explainOnce(
          builder,
          "unauthorised-retry",
          "Hydra did not retry: "
              + allowed.why()
              + ". Ask someone with write access to apply `"
              + label
              + "`.");
      return run.skip(RETRY, allowed.why());
    }
    Optional<RetryScope> found = scope(run, builder);
    Optional<PullRequest> pr =
        found.isEmpty()
            ? Optional.empty()
            : builder
                .findPullRequest(run.repo(), found.get().branch())
                .filter(open -> open.number() == found.get().pullRequest());
    if (found.isEmpty() || found.get().findings().isEmpty() || pr.isEmpty()) {
      String why =
          found.isEmpty() || found.get().findings().isEmpty()
              ? "the last needs-input comment of issue #"
                  + number
                  + " records no findings on a pull request, so a fixer pass has nothing to fix"
              : "PR #" + found.get().pullRequest() + " is no longer open";
      run.explainOnce(
          builder, "retry-nothing", "Hydra did not retry: " + why + ". Apply " + rebuild + ".");
      return run.skip(RETRY, why + "; apply " + rebuild);
    }
    Optional<List<String>> left = builder.takeLabel(run.repo(), number, label);
    if (left.isEmpty()) {
      return run.skip(RETRY, "another run took `" + label + "` of issue #" + number + " first");
    }
    Set<String> running = claimed(scheme, left.get());
    builder.setLabels(run.repo(), number, running);
    RetryScope scope = found.get();
    PullRequest onto = pr.get();
    run.log("builder claimed the retry of #" + number + " (" + allowed.why() + ")");
    run.findProgress(onto.author());
    run.progressNote(
        "Retry started by the builder persona ("
            + allowed.why()
            + "): one fixer pass on PR #"
            + onto.number()
            + " for "
            + scope.findings().size()
            + " finding(s).");
    GatePasses gates = new GatePasses(context.options().gateFixPasses(), RETRY);
    StageResult result =
        context
            .executor()
            .execute(StageExecutor.Call.retry(run.repo(), issue, onto, scope).withGates(gates));
    RunRecord record = run.record(result, gates);
    run.progressRecord(record);
    Optional<GateTable> table = gates.last();
    table.ifPresent(t -> run.progressGates("Gates on the retry's commits", t));
    if (!result.passed()) {
      String why = "the retry pass " + result.status().id() + ": " + result.message();
      run.needsInput(
          run.next(running, Stage.RETRY, StageState.FAIL),
          "Retry failed: " + Texts.oneLine(why),
          RETRY,
          why,
          table.filter(t -> !t.passed()).map(GateTable::markdown).orElse(""));
      return new PipelineResult(
          RETRY,
          PipelineResult.Status.NEEDS_INPUT,
          why,
          onto.number(),
          onto.url(),
          List.of(record));
    }
    // Round 2: the reviews are queued before the PR is reopened, whose event starts them (the
    // push's synchronize reached the review workflow before they were queued).
    PipelineState passed = run.state(run.next(running, Stage.RETRY, StageState.PASS));
    builder.setLabels(run.repo(), number, passed.afterBuild(true));
    builder.reopenPullRequest(run.repo(), onto.number());
    String done =
        "the retry pass pushed its fixes to PR #"
            + onto.number()
            + "; round 2: code and security reviews queued";
    run.progressNote("Retry passed: " + done + ".");
    run.log("builder retried PR #" + onto.number() + " for #" + number);
    return new PipelineResult(
        RETRY, PipelineResult.Status.PASSED, done, onto.number(), onto.url(), List.of(record));
  }

  /**
   * Why the retry must not start on the live issue; a person is told once when they can fix it
   * (take {@code needs-input} off first; use a rebuild once this round's retry is used).
   */
  private Optional<String> refusal(IssueRun run, Issue issue, String label, String rebuild)
      throws ForgeException {
    int number = issue.number();
    LabelScheme scheme = run.scheme();
    PipelineState state = run.state(issue.labels());
    if (!issue.labels().contains(label)) {
      return Optional.of(
          "`"
              + label
              + "` is no longer on issue #"
              + number
              + " (a replayed or stale event, or the retry was claimed already)");
    }
    if (!issue.open() || issue.pullRequest()) {
      return Optional.of("#" + number + " is not an open issue");
    }
    if (state.outcomes().contains(Outcome.NEEDS_INPUT)) {
      return Optional.of(guard.needsInputStillOn(run, RETRY, label));
    }
    if (issue.labels().contains(scheme.name(Stage.RETRY, StageState.PASS))
        || issue.labels().contains(scheme.name(Stage.RETRY, StageState.FAIL))) {
      String why =
          "this round of issue #"
              + number
              + " was a retry already, and a round gets one retry; its outcome is final";
      run.explainOnce(
          run.builder(),
          "retry-used",
          "Hydra did not retry: "
              + why
              + ". Remove `"
              + label
              + "` and apply "
              + rebuild
              + " to start again from the issue.");
      return Optional.of(why + "; apply " + rebuild);
    }
    Optional<String> blocked = guard.blockedByLabels(number, state);
    if (blocked.isPresent()) {
      return blocked;
    }
    for (Map.Entry<Stage, StageState> e : state.stages().entrySet()) {
      if (e.getKey() != Stage.RETRY && !e.getValue().finished()) {
        return Optional.of(
            "issue #"
                + number
                + " has a stage in progress: "
                + scheme.name(e.getKey(), e.getValue()));
      }
    }
    return Optional.empty();
  }

  /** The scope in the builder's last {@code needs-input} comment, read only from its own. */
  private static Optional<RetryScope> scope(IssueRun run, Forge builder) throws ForgeException {
    String login = run.builderLogin();
    String marker = "<!-- hydra:needs-input issue=" + run.number() + " -->";
    Optional<RetryScope> last = Optional.empty();
    for (Comment c : builder.comments(run.repo(), run.number())) {
      if (Authority.same(login, c.author()) && c.body().startsWith(marker)) {
        last = RetryScope.in(c.body());
      }
    }
    return last;
  }

  /**
   * The labels after the claim: the reviews' and the applier's labels of the round off, {@code
   * retry:running} on; the build's label, a person's own labels and another prefix's stay.
   */
  static Set<String> claimed(LabelScheme scheme, List<String> left) {
    Set<String> running = new LinkedHashSet<>();
    for (String l : left) {
      Optional<StageLabel> stage = scheme.stageLabel(l);
      if (stage.isEmpty() || stage.get().stage() == Stage.BUILD) {
        running.add(l);
      }
    }
    running.add(scheme.name(Stage.RETRY, StageState.RUNNING));
    return running;
  }
}
