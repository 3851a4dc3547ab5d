package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateTable;
import dev.hydra.label.MetadataLabel;
import dev.hydra.label.Outcome;
import dev.hydra.label.PipelineState;
import dev.hydra.label.ReviewDecision;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.route.Workflow;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decision after both reviews (SPEC §4), as the builder: both reviews' outcomes and the
 * decision in one label write, then {@code done} (the PR ready for review, merged on an authorised
 * {@code yolo}), the applier when a reviewer pushed fixes, or {@code needs-input}.
 */
record DecisionStep(PipelineContext context, GuardStep guard, AuthorityStep authority) {

  private static final String DECISION = Step.DECISION.id();

  /** The gates' recheck, as the stage of its record and the place of its {@code needs-input}. */
  static final String RECHECK = "gate-recheck";

  /**
   * Decides on {@code pr}.
   *
   * @param reports the two reviews' reports; a missing one counts as a failed review
   */
  PipelineResult decide(RepoRef repo, PullRequest pr, Map<Stage, ReviewReport> reports)
      throws ForgeException, InterruptedException {
    Optional<String> mismatch = Closes.mismatch(pr);
    if (mismatch.isPresent()) {
      return GuardStep.stopped(context, repo, pr, mismatch.get());
    }
    ReviewReport code = report(reports, Stage.CODE_REVIEW);
    ReviewReport security = report(reports, Stage.SECURITY_REVIEW);
    if (!code.ran() || !security.ran()) {
      return context.skip(
          DECISION,
          "the reviews did not both run in this run ("
              + (code.ran() ? security.reason() : code.reason())
              + ")");
    }
    IssueRun run = context.issue(repo, Closes.issueOf(pr));
    int number = run.number();
    Issue issue = run.builder().issue(repo, number);
    PipelineState state = run.state(issue.labels());
    Optional<String> not = guard.blocked(issue, state);
    if (not.isPresent()) {
      return run.skip(DECISION, not.get());
    }
    if (state.state(Stage.CODE_REVIEW).orElse(null) != StageState.RUNNING
        || state.state(Stage.SECURITY_REVIEW).orElse(null) != StageState.RUNNING) {
      return run.skip(
          DECISION,
          "the reviews of issue #" + number + " are not both running; there is nothing to decide");
    }
    StageState codeState = code.passed() ? StageState.PASS : StageState.FAIL;
    StageState securityState = security.passed() ? StageState.PASS : StageState.FAIL;
    Set<String> labels =
        run.state(run.next(issue.labels(), Stage.CODE_REVIEW, codeState))
            .with(Stage.SECURITY_REVIEW, securityState);
    List<RunRecord> records = new ArrayList<>();
    run.offerRetry(pr, code.findings());
    run.offerRetry(pr, security.findings());
    run.findProgress(pr.author());
    for (ReviewReport report : List.of(code, security)) {
      RunRecord record = report.record();
      if (record != null) {
        records.add(record);
        run.progressRecord(record);
      }
    }
    ReviewDecision decision =
        ReviewDecision.decide(
            Optional.of(codeState), Optional.of(securityState), code.fixes() || security.fixes());
    return switch (decision) {
      case WAIT, NEEDS_INPUT ->
          needsInput(
              run,
              pr,
              labels,
              "A review failed: a person decides.",
              Workflow.REVIEW.id(),
              "a review failed on PR #"
                  + pr.number()
                  + ": "
                  + (code.passed() ? security.reason() : code.reason()),
              records);
      case DONE -> done(run, pr, labels, records);
      case APPLIER -> applier(run, issue, pr, labels, records);
    };
  }

  private static ReviewReport report(Map<Stage, ReviewReport> reports, Stage stage) {
    ReviewReport report = reports.get(stage);
    return report != null
        ? report
        : new ReviewReport(
            stage.id(), ReviewReport.FAIL, false, "no report of the " + stage.id(), null);
  }

  /**
   * Reviewers pushed fixes: the applier's final go or no-go, on the pull request as it is now (the
   * fixes moved its head since the event), which a {@code yolo} merge then merges exactly.
   *
   * @param issue the issue as the decision read it
   * @param event the pull request as the event saw it
   */
  private PipelineResult applier(
      IssueRun run, Issue issue, PullRequest event, Set<String> labels, List<RunRecord> records)
      throws ForgeException, InterruptedException {
    Set<String> running = run.next(labels, Stage.APPLIER, StageState.RUNNING);
    Forge builder = run.builder();
    builder.setLabels(run.repo(), run.number(), running);
    run.progressNote("Reviewers applied fixes: the applier gives the final go/no-go.");
    Optional<PullRequest> now =
        builder
            .findPullRequest(run.repo(), event.head())
            .filter(open -> open.number() == event.number());
    if (now.isEmpty()) {
      return needsInput(
          run,
          event,
          run.next(running, Stage.APPLIER, StageState.FAIL),
          "The pull request is no longer open: a person decides.",
          Stage.APPLIER.id(),
          "PR #" + event.number() + " is no longer open, so the applier did not run",
          records);
    }
    PullRequest pr = now.get();
    StageResult result =
        context
            .executor()
            .execute(
                StageExecutor.Call.onPullRequest(
                    Stage.APPLIER,
                    Persona.APPLIER,
                    run.repo(),
                    issue,
                    pr,
                    StageExecutor.Mode.APPLY));
    RunRecord record = run.record(result);
    run.offerRetry(pr, result.verdictValue().map(Verdict::findings).orElse(List.of()));
    List<RunRecord> all = new ArrayList<>(records);
    all.add(record);
    run.progressRecord(record);
    Set<String> after =
        run.next(running, Stage.APPLIER, result.passed() ? StageState.PASS : StageState.FAIL);
    if (ReviewDecision.afterApplier(result.passed()) == Outcome.DONE) {
      return done(run, pr, after, all);
    }
    return needsInput(
        run,
        pr,
        after,
        "The applier said no-go: a person decides.",
        Stage.APPLIER.id(),
        "the applier " + result.status().id() + ": " + result.message(),
        all);
  }

  /**
   * {@code done}: the PR ready for review, then merged when {@code yolo} is on ({@link #yolo}).
   *
   * @param pr the pull request as the event saw it, or, after fixes, as the applier was given it
   */
  private PipelineResult done(
      IssueRun run, PullRequest pr, Set<String> labels, List<RunRecord> checked)
      throws ForgeException, InterruptedException {
    List<RunRecord> records = new ArrayList<>(checked);
    Optional<String> red = recheck(run, pr, records);
    if (red.isPresent()) {
      return needsInput(
          run,
          pr,
          labels,
          "A gate is red on the pull request's final head: a person decides.",
          RECHECK,
          red.get(),
          records);
    }
    Forge builder = run.builder();
    PipelineState state = run.state(labels);
    try {
      builder.markReadyForReview(run.repo(), pr);
    } catch (ForgeException e) {
      return needsInput(
          run,
          pr,
          labels,
          "Could not mark the PR ready for review: a person decides.",
          DECISION,
          "both reviews passed, but PR #"
              + pr.number()
              + " could not be marked ready for review: "
              + Texts.oneLine(String.valueOf(e.getMessage())),
          records);
    }
    builder.setLabels(run.repo(), run.number(), state.withOutcome(Outcome.DONE));
    Ending ending =
        new Ending(PipelineResult.Status.DONE, "PR #" + pr.number() + " is ready for review");
    if (state.has(MetadataLabel.YOLO)) {
      ending = yolo(run, pr, ending.reason());
    }
    run.progressNote("Done: " + ending.reason() + ".");
    run.log(ending.reason());
    return new PipelineResult(
        DECISION, ending.status(), ending.reason(), pr.number(), pr.url(), records);
  }

  /**
   * The recheck before {@code done} (issue 13 item 3): every gate of the target branch re-run by
   * the runner on the pull request's head — the exact commit {@code done} marks ready and a {@code
   * yolo} merges —, because reviewers were seen skipping them. Its record joins {@code records} and
   * its table the progress comment.
   *
   * @return why the issue needs a person, with the red table; empty when every gate passed or this
   *     runner runs no gates (the log says so)
   */
  private Optional<String> recheck(IssueRun run, PullRequest pr, List<RunRecord> records)
      throws InterruptedException {
    long start = System.nanoTime();
    Optional<GateTable> checked = context.executor().recheckGates(Persona.BUILDER, run.repo(), pr);
    if (checked.isEmpty()) {
      run.log("gates not rechecked on PR #" + pr.number() + ": this runner runs no gates");
      return Optional.empty();
    }
    GateTable table = checked.get();
    records.add(
        run.keep(
            new RunRecord(
                RECHECK,
                "runner",
                "-",
                null,
                "",
                0,
                0,
                0,
                (System.nanoTime() - start) / 1_000_000,
                table.passed() ? "passed" : "failed",
                GateRecord.of(RECHECK, table),
                List.of())));
    run.progressGates(
        "Gates rechecked on the final head "
            + pr.headSha().substring(0, Math.min(12, pr.headSha().length())),
        table);
    run.log(
        "gates rechecked on PR #"
            + pr.number()
            + ": "
            + (table.passed() ? table.note() + ", all green" : GatePasses.failing(table)));
    if (table.passed()) {
      return Optional.empty();
    }
    run.offerRetry(pr, GateFindings.of(table));
    return Optional.of(
        "the gates re-run on PR #"
            + pr.number()
            + "'s final head are red ("
            + GatePasses.failing(table)
            + "), so it is neither done nor merged\n\n"
            + table.markdown());
  }

  /** How {@code done} ended: ready for review, or merged. */
  private record Ending(PipelineResult.Status status, String reason) {}

  /**
   * Merges on {@code yolo}, as the applier, when a person with write access applied it; otherwise
   * {@code done} as it is, the reason saying why it was not merged.
   *
   * @param ready the reason when it is not merged
   */
  private Ending yolo(IssueRun run, PullRequest pr, String ready) throws ForgeException {
    PipelineResult.Status done = PipelineResult.Status.DONE;
    Forge applier = context.forges().find(Persona.APPLIER);
    if (applier == null) {
      return new Ending(
          done,
          ready
              + "; not merged: `yolo` needs the applier's token ("
              + Persona.APPLIER.envVariable()
              + ")");
    }
    Authority.Result yolo =
        authority.ofPerson(run, applier, run.scheme().name(MetadataLabel.YOLO), null);
    if (!yolo.ok()) {
      return new Ending(done, ready + "; not merged: " + yolo.why());
    }
    try {
      // After fixes, pr is the one the applier was given: merged exactly at what it looked at.
      applier.merge(run.repo(), pr.number(), pr.headSha());
      return new Ending(
          PipelineResult.Status.MERGED,
          "PR #" + pr.number() + " merged (yolo, " + yolo.why() + ")");
    } catch (ForgeException e) {
      return new Ending(
          done,
          ready
              + "; the forge refused the yolo merge: "
              + Texts.oneLine(String.valueOf(e.getMessage())));
    }
  }

  /** The decision's {@code needs-input} ending ({@link IssueRun#needsInput}) and its result. */
  private static PipelineResult needsInput(
      IssueRun run,
      PullRequest pr,
      Set<String> labels,
      String note,
      String where,
      String why,
      List<RunRecord> records)
      throws ForgeException {
    int details = why.indexOf("\n\n");
    String sentence = details < 0 ? why : why.substring(0, details);
    run.needsInput(labels, note, where, sentence, details < 0 ? "" : why.substring(details + 2));
    return new PipelineResult(
        DECISION, PipelineResult.Status.NEEDS_INPUT, sentence, pr.number(), pr.url(), records);
  }
}
