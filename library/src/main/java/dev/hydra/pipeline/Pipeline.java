package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Comment;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.json.Json;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.MetadataLabel;
import dev.hydra.label.Outcome;
import dev.hydra.label.PipelineState;
import dev.hydra.label.ReviewDecision;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.route.HydraBranch;
import dev.hydra.route.PipelineStage;
import dev.hydra.route.RouteDecision;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Performs a routed stage for one issue (SPEC §4): guard, claim, start, run, post as the stage's
 * persona, advance.
 *
 * <h2>Exactly once</h2>
 *
 * State lives in the issue's labels. A stage is claimed by one label write from the labels just
 * read: on the {@link LocalForge} with its compare-and-set {@link LocalForge#replaceLabelsIf}, so
 * of any number of concurrent runs exactly one wins; on GitHub and Forgejo, which have no
 * compare-and-set, by writing and re-reading, stopping when the labels are not what was written.
 * There the workflows' per-issue {@code concurrency} group is the primary guard; the re-read only
 * narrows the window. The trigger label is consumed by the claim, so a replayed or duplicated event
 * finds no trigger and does nothing.
 *
 * <h2>Who does what</h2>
 *
 * Every side effect is made through the forge instance of the persona that owns it: the builder
 * claims builds, opens the draft PR and owns the progress comment and {@code needs-input} comments;
 * each reviewer posts its own review and sets its own stage label; the applier runs last and merges
 * on {@code yolo}. Reviews never approve.
 *
 * <h2>Authority</h2>
 *
 * The trigger and {@code yolo} count only when the user who applied them last ({@link
 * Forge#lastLabeledBy}) has write access or more ({@link Forge#userPermission}). Forgejo answers
 * that question only to administrators: when it refuses ({@link ForgeForbiddenException}), the
 * operator's allow-list {@code HYDRA_TRUSTED_LABELERS} decides.
 */
public final class Pipeline {

  private static final Pattern CLOSES =
      Pattern.compile(
          "(?i)\\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\\s*:?\\s+#([1-9][0-9]{0,8})\\b");

  private final Map<Persona, Forge> forges;
  private final StageExecutor executor;
  private final PipelineOptions options;
  private final LabelScheme scheme;
  private final Consumer<String> log;
  private final Map<Persona, String> logins = new ConcurrentHashMap<>();

  /**
   * @param forges one forge instance per persona, each with that persona's token (the builder's at
   *     least; a stage whose persona has none fails)
   * @param executor runs the stage containers
   * @param options the label scheme, timeouts, trusted labellers
   * @param log receives one line per decision and side effect
   */
  public Pipeline(
      Map<Persona, Forge> forges,
      StageExecutor executor,
      PipelineOptions options,
      Consumer<String> log) {
    if (!forges.containsKey(Persona.BUILDER)) {
      throw new IllegalArgumentException("no forge for persona builder, which owns the issue");
    }
    this.forges = new EnumMap<>(forges);
    this.executor = executor;
    this.options = options;
    this.scheme = options.labels();
    this.log = log;
  }

  /**
   * Performs what the router decided.
   *
   * @param decision the route decision
   * @param headRef the PR's head branch, for review events
   */
  public PipelineResult run(RouteDecision decision, @Nullable String headRef)
      throws ForgeException, InterruptedException {
    if (!decision.runs()) {
      return skip("route", decision.reason());
    }
    PipelineStage stage = decision.runningStage().orElseThrow();
    Integer issue = decision.issue();
    return switch (stage) {
      case BUILD -> build(decision.repository(), issue == null ? 0 : issue);
      case REVIEW -> {
        Integer pr = decision.pullRequest();
        if (pr == null || headRef == null) {
          yield skip("review", "the event names no pull request");
        }
        yield review(decision.repository(), pr, headRef);
      }
      case IMAGE -> skip("image", "the image workflow builds images; hydra run performs no stage");
    };
  }

  // ---------------------------------------------------------------------------------- build

  /** Performs the build of an issue whose trigger label was added. */
  public PipelineResult build(RepoRef repo, int number)
      throws ForgeException, InterruptedException {
    Forge builder = forge(Persona.BUILDER);
    Issue issue = builder.issue(repo, number);
    PipelineState state = PipelineState.of(scheme, issue.labels());
    Optional<String> not = blocked(issue, state);
    if (not.isPresent()) {
      return skip("build", not.get());
    }
    if (state.busy()) {
      return busyOrStale("build", builder, repo, issue, state);
    }
    if (!state.triggered()) {
      return skip(
          "build",
          "the trigger label `"
              + scheme.trigger()
              + "` is no longer on issue #"
              + number
              + " (a replayed or stale event, or the build was claimed already)");
    }
    if (state.inPipeline()) {
      return skip("build", "issue #" + number + " has been through the pipeline already");
    }
    Authority authority = authority(builder, repo, number, scheme.trigger());
    if (!authority.ok()) {
      explainOnce(
          builder,
          repo,
          number,
          "unauthorised",
          "Hydra did not start: "
              + authority.why()
              + ". Ask someone with write access to apply `"
              + scheme.trigger()
              + "`.");
      return skip("build", authority.why());
    }
    Set<String> queued = state.startBuild();
    if (!claim(builder, repo, number, issue.labels(), queued)) {
      return skip("build", "another run claimed the build of issue #" + number + " first");
    }
    log("builder claimed the build of #" + number + " (" + authority.why() + ")");
    Set<String> running = next(queued, Stage.BUILD, StageState.RUNNING);
    builder.setLabels(repo, number, running);
    Progress progress = Progress.load(this, repo, number);
    progress.comment.started(Stage.BUILD, now());
    progress.comment.note("Build started by the builder persona.");
    progress.save();

    StageResult result =
        executor.execute(
            new StageExecutor.Call(Stage.BUILD, Persona.BUILDER, repo, number, null, "build"));
    RunRecord record = record(repo, number, result);
    progress.comment.record(record);
    Optional<String> problem = buildProblem(result, number);
    if (problem.isPresent()) {
      builder.setLabels(
          repo, number, PipelineState.of(scheme, List.copyOf(running)).afterBuild(false));
      progress.comment.note("Build failed: " + Texts.oneLine(problem.get()));
      progress.save();
      needsInput(repo, number, "build", problem.get());
      return new PipelineResult(
          "build", PipelineResult.Status.NEEDS_INPUT, problem.get(), null, null, List.of(record));
    }
    Verdict.BuilderResult built = result.verdictValue().flatMap(Verdict::builder).orElseThrow();
    PullRequest pr =
        builder.openDraftPullRequest(
            repo,
            new NewPullRequest(
                built.branch(),
                options.baseBranch(),
                built.prTitle(),
                withCloses(built.prBody(), number)));
    builder.setLabels(
        repo, number, PipelineState.of(scheme, List.copyOf(running)).afterBuild(true));
    progress.comment.note(
        "Build passed: draft PR #" + pr.number() + " opened; code and security reviews queued.");
    progress.save();
    log("builder opened draft PR #" + pr.number() + " for #" + number);
    return new PipelineResult(
        "build",
        PipelineResult.Status.PASSED,
        "draft PR #" + pr.number() + " opened from " + built.branch(),
        pr.number(),
        pr.url(),
        List.of(record));
  }

  private Optional<String> buildProblem(StageResult result, int number) {
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

  private static String withCloses(String body, int number) {
    return closedIssues(body).contains(number) ? body : body + "\n\nCloses #" + number;
  }

  // --------------------------------------------------------------------------------- review

  /** Performs both reviews of a Hydra PR, then the decision (and the applier when it says so). */
  public PipelineResult review(RepoRef repo, int prNumber, String headRef)
      throws ForgeException, InterruptedException {
    Forge reviewer = forge(Persona.REVIEWER);
    Optional<HydraBranch> branch = HydraBranch.parse(headRef);
    if (branch.isEmpty()) {
      return skip("review", "head branch " + Texts.quote(headRef) + " is not a Hydra branch");
    }
    Optional<PullRequest> found = reviewer.findPullRequest(repo, headRef);
    if (found.isEmpty() || found.get().number() != prNumber) {
      return skip(
          "review", "PR #" + prNumber + " is no longer the open PR of " + Texts.quote(headRef));
    }
    PullRequest pr = found.get();
    int number = branch.get().issue();
    Set<Integer> closes = closedIssues(pr.body());
    if (!closes.equals(Set.of(number))) {
      String why =
          "PR #"
              + prNumber
              + " is on branch "
              + Texts.quote(headRef)
              + " (issue #"
              + number
              + ") but its body "
              + (closes.isEmpty() ? "closes no issue" : "closes " + hashes(closes))
              + "; Hydra reviews a PR only when both name the same issue";
      explainOnce(reviewer, repo, prNumber, "mismatch", "Hydra stopped: " + why + ".");
      return new PipelineResult(
          "review", PipelineResult.Status.STOPPED, why, pr.number(), pr.url(), List.of());
    }
    Issue issue = reviewer.issue(repo, number);
    PipelineState state = PipelineState.of(scheme, issue.labels());
    Optional<String> not = blocked(issue, state);
    if (not.isPresent()) {
      return skip("review", not.get());
    }
    Optional<StageState> code = state.state(Stage.CODE_REVIEW);
    Optional<StageState> security = state.state(Stage.SECURITY_REVIEW);
    if (code.isEmpty() || security.isEmpty()) {
      return skip("review", "issue #" + number + " has no reviews queued");
    }
    if (code.get() != StageState.QUEUED || security.get() != StageState.QUEUED) {
      if (state.busy()) {
        return busyOrStale("review", reviewer, repo, issue, state);
      }
      return skip("review", "the reviews of issue #" + number + " ran already");
    }
    Set<String> running =
        PipelineState.of(
                scheme, List.copyOf(next(issue.labels(), Stage.CODE_REVIEW, StageState.RUNNING)))
            .with(Stage.SECURITY_REVIEW, StageState.RUNNING);
    if (!claim(reviewer, repo, number, issue.labels(), running)) {
      return skip("review", "another run claimed the reviews of issue #" + number + " first");
    }
    log("reviewer claimed the reviews of #" + number + " (PR #" + prNumber + ")");
    Progress progress = Progress.load(this, repo, number);
    progress.comment.started(Stage.CODE_REVIEW, now());
    progress.comment.started(Stage.SECURITY_REVIEW, now());
    progress.comment.note("Code and security reviews started on PR #" + prNumber + ".");
    progress.save();

    List<RunRecord> records = new ArrayList<>();
    Set<String> labels = running;
    boolean fixes = false;
    for (Stage stage : List.of(Stage.CODE_REVIEW, Stage.SECURITY_REVIEW)) {
      Persona persona = stage == Stage.CODE_REVIEW ? Persona.REVIEWER : Persona.SECURITY;
      StageResult result =
          executor.execute(
              new StageExecutor.Call(stage, persona, repo, number, pr.url(), stage.id()));
      RunRecord record = record(repo, number, result);
      records.add(record);
      progress.comment.record(record);
      Forge own = forge(persona);
      own.review(repo, prNumber, review(result, pr.headSha()));
      labels = next(labels, stage, result.passed() ? StageState.PASS : StageState.FAIL);
      own.setLabels(repo, number, labels);
      fixes |= result.verdictValue().map(v -> !v.fixesApplied().isEmpty()).orElse(false);
      log(persona.id() + " posted its review of PR #" + prNumber + ": " + result.status().id());
    }
    PipelineState reviewed = PipelineState.of(scheme, List.copyOf(labels));
    ReviewDecision decision =
        ReviewDecision.decide(
            reviewed.state(Stage.CODE_REVIEW), reviewed.state(Stage.SECURITY_REVIEW), fixes);
    return switch (decision) {
      case WAIT, NEEDS_INPUT -> {
        String why = "a review failed on PR #" + prNumber + ": see its review";
        forge(Persona.BUILDER).setLabels(repo, number, reviewed.withOutcome(Outcome.NEEDS_INPUT));
        progress.comment.note("A review failed: a person decides.");
        progress.save();
        needsInput(repo, number, "review", why);
        yield new PipelineResult(
            "review", PipelineResult.Status.NEEDS_INPUT, why, prNumber, pr.url(), records);
      }
      case DONE -> done(repo, number, pr, labels, progress, records);
      case APPLIER -> applier(repo, number, pr, labels, progress, records);
    };
  }

  private PipelineResult applier(
      RepoRef repo,
      int number,
      PullRequest pr,
      Set<String> labels,
      Progress progress,
      List<RunRecord> records)
      throws ForgeException, InterruptedException {
    Forge applier = forge(Persona.APPLIER);
    Set<String> running = next(labels, Stage.APPLIER, StageState.RUNNING);
    applier.setLabels(repo, number, running);
    progress.comment.started(Stage.APPLIER, now());
    progress.comment.note("Reviewers applied fixes: the applier gives the final go/no-go.");
    progress.save();
    StageResult result =
        executor.execute(
            new StageExecutor.Call(
                Stage.APPLIER, Persona.APPLIER, repo, number, pr.url(), "applier"));
    RunRecord record = record(repo, number, result);
    List<RunRecord> all = new ArrayList<>(records);
    all.add(record);
    progress.comment.record(record);
    Set<String> after =
        next(running, Stage.APPLIER, result.passed() ? StageState.PASS : StageState.FAIL);
    if (ReviewDecision.afterApplier(result.passed()) == Outcome.DONE) {
      applier.setLabels(repo, number, after);
      return done(repo, number, pr, after, progress, all);
    }
    String why = "the applier " + result.status().id() + ": " + result.message();
    applier.setLabels(
        repo,
        number,
        PipelineState.of(scheme, List.copyOf(after)).withOutcome(Outcome.NEEDS_INPUT));
    progress.comment.note("The applier said no-go: a person decides.");
    progress.save();
    needsInput(repo, number, "applier", why);
    return new PipelineResult(
        "review", PipelineResult.Status.NEEDS_INPUT, why, pr.number(), pr.url(), all);
  }

  private PipelineResult done(
      RepoRef repo,
      int number,
      PullRequest pr,
      Set<String> labels,
      Progress progress,
      List<RunRecord> records)
      throws ForgeException {
    Forge builder = forge(Persona.BUILDER);
    // Reviewers or the applier may have pushed fixes: act on the PR as it is now.
    PullRequest live = builder.findPullRequest(repo, pr.head()).orElse(pr);
    if (live.draft()) {
      builder.markReadyForReview(repo, live);
    }
    PipelineState state = PipelineState.of(scheme, List.copyOf(labels));
    builder.setLabels(repo, number, state.withOutcome(Outcome.DONE));
    PipelineResult.Status status = PipelineResult.Status.DONE;
    String reason = "PR #" + live.number() + " is ready for review";
    if (state.has(MetadataLabel.YOLO)) {
      Forge applier = forge(Persona.APPLIER);
      Authority yolo = authority(applier, repo, number, scheme.name(MetadataLabel.YOLO));
      if (!yolo.ok()) {
        reason += "; not merged: " + yolo.why();
      } else {
        try {
          applier.merge(repo, live.number(), live.headSha());
          status = PipelineResult.Status.MERGED;
          reason = "PR #" + live.number() + " merged (yolo, " + yolo.why() + ")";
        } catch (ForgeException e) {
          reason +=
              "; the forge refused the yolo merge: "
                  + Texts.oneLine(String.valueOf(e.getMessage()));
        }
      }
    }
    progress.comment.note("Done: " + reason + ".");
    progress.save();
    log(reason);
    return new PipelineResult("review", status, reason, live.number(), live.url(), records);
  }

  private static Review review(StageResult result, String sha) {
    Optional<Verdict> verdict = result.verdictValue();
    List<Review.InlineComment> inline = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    body.append("**")
        .append(result.stage().id())
        .append("**: ")
        .append(result.passed() ? "pass" : "fail")
        .append("\n\n");
    if (verdict.isEmpty()) {
      body.append(result.message()).append('\n');
    } else {
      Verdict v = verdict.get();
      body.append(v.summary()).append('\n');
      for (Finding f : v.findings()) {
        String text =
            "**" + f.severity() + "** " + (f.rule().isEmpty() ? "" : f.rule() + ": ") + f.message();
        if (!f.file().isEmpty() && f.line() > 0) {
          inline.add(new Review.InlineComment(f.file(), f.line(), text));
        } else {
          body.append("\n- ").append(f.file().isEmpty() ? "" : "`" + f.file() + "`: ").append(text);
        }
      }
      if (!v.fixesApplied().isEmpty()) {
        body.append("\n\nFixes applied to the branch:");
        v.fixesApplied().forEach(f -> body.append("\n- ").append(f.message()));
      }
    }
    // Reviewers never approve: pass comments, fail requests changes.
    Review.Event event = result.passed() ? Review.Event.COMMENT : Review.Event.REQUEST_CHANGES;
    return new Review(event, body.toString(), sha, inline);
  }

  // ------------------------------------------------------------------------------ reconcile

  /**
   * Recovers the stages of an issue left queued or running past their timeout plus the grace
   * period: {@code :fail} + {@code needs-input} and one comment. Does nothing otherwise.
   */
  public PipelineResult reconcile(RepoRef repo, int number) throws ForgeException {
    Forge builder = forge(Persona.BUILDER);
    Issue issue = builder.issue(repo, number);
    PipelineState state = PipelineState.of(scheme, issue.labels());
    if (!state.busy()) {
      return skip("reconcile", "no stage of issue #" + number + " is queued or running");
    }
    return busyOrStale("reconcile", builder, repo, issue, state);
  }

  // ----------------------------------------------------------------------------------- guard

  private Optional<String> blocked(Issue issue, PipelineState state) {
    if (!issue.open()) {
      return Optional.of("issue #" + issue.number() + " is closed");
    }
    if (issue.pullRequest()) {
      return Optional.of("#" + issue.number() + " is a pull request, not an issue");
    }
    if (state.outcomes().contains(Outcome.NEEDS_INPUT)) {
      return Optional.of(
          "issue #" + issue.number() + " is in `" + scheme.name(Outcome.NEEDS_INPUT) + "`");
    }
    List<String> contradictions = state.contradictions();
    if (!contradictions.isEmpty()) {
      return Optional.of(
          "the labels of issue #"
              + issue.number()
              + " contradict each other ("
              + String.join("; ", contradictions)
              + "); a person fixes them");
    }
    if (state.outcomes().contains(Outcome.DONE)) {
      return Optional.of("issue #" + issue.number() + " is done");
    }
    return Optional.empty();
  }

  private PipelineResult busyOrStale(
      String what, Forge forge, RepoRef repo, Issue issue, PipelineState state)
      throws ForgeException {
    Progress progress = Progress.load(this, repo, issue.number());
    Instant now = now();
    List<Stage> stale = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    state
        .stages()
        .forEach(
            (stage, s) -> {
              if (!s.finished()) {
                busy.add(scheme.name(stage, s));
                Optional<Instant> started = progress.comment.startedAt(stage);
                if (started.isPresent()
                    && now.isAfter(
                        started.get().plus(options.timeout().apply(stage)).plus(options.grace()))) {
                  stale.add(stage);
                }
              }
            });
    if (stale.isEmpty()) {
      return skip(what, "issue #" + issue.number() + " has a stage in progress: " + busy);
    }
    Set<String> next = new LinkedHashSet<>(issue.labels());
    for (Stage stage : stale) {
      next = next(next, stage, StageState.FAIL);
    }
    next = PipelineState.of(scheme, List.copyOf(next)).withOutcome(Outcome.NEEDS_INPUT);
    if (!claim(forge, repo, issue.number(), issue.labels(), next)) {
      return skip(what, "another run recovered issue #" + issue.number() + " first");
    }
    List<String> ids = stale.stream().map(Stage::id).toList();
    String why =
        "stage "
            + String.join(" and ", ids)
            + " was left running past its timeout plus "
            + options.grace().toMinutes()
            + " minutes' grace (the runner was probably killed)";
    progress.comment.note("Recovered: " + why + ".");
    progress.save();
    needsInput(repo, issue.number(), String.join("+", ids), why);
    log("recovered #" + issue.number() + ": " + why);
    return new PipelineResult(what, PipelineResult.Status.RECOVERED, why, null, null, List.of());
  }

  private record Authority(boolean ok, String why) {}

  private Authority authority(Forge forge, RepoRef repo, int number, String label)
      throws ForgeException {
    Optional<String> who = forge.lastLabeledBy(repo, number, label);
    if (who.isEmpty()) {
      return new Authority(
          false, "the forge does not say who applied `" + label + "` to #" + number);
    }
    String login = who.get();
    try {
      if (forge.userPermission(repo, login).canWrite()) {
        return new Authority(
            true, "`" + label + "` applied by @" + login + ", who has write access");
      }
      return new Authority(
          false,
          "`" + label + "` was applied by @" + login + ", who has no write access to " + repo);
    } catch (ForgeForbiddenException e) {
      if (options.trustedLabelers().contains(login)) {
        return new Authority(
            true,
            "`"
                + label
                + "` applied by @"
                + login
                + ", listed in "
                + PipelineOptions.TRUSTED_LABELERS);
      }
      return new Authority(
          false,
          "the forge will not say whether @"
              + login
              + " (who applied `"
              + label
              + "`) has write access, and "
              + PipelineOptions.TRUSTED_LABELERS
              + " does not list them");
    }
  }

  // ----------------------------------------------------------------------------- side effects

  /**
   * Claims a transition exactly once: compare-and-set on the local forge; write and re-read on the
   * real forges (whose per-issue {@code concurrency} group is the primary guard).
   */
  private boolean claim(
      Forge forge, RepoRef repo, int number, List<String> expected, Set<String> next)
      throws ForgeException {
    if (forge instanceof LocalForge local) {
      return local.replaceLabelsIf(repo, number, Set.copyOf(expected), next);
    }
    forge.setLabels(repo, number, next);
    return Set.copyOf(forge.issue(repo, number).labels()).equals(Set.copyOf(next));
  }

  private void needsInput(RepoRef repo, int number, String stage, String why)
      throws ForgeException {
    String body =
        "<!-- hydra:needs-input issue="
            + number
            + " -->\n**Hydra needs a person** (stage "
            + stage
            + "): "
            + Texts.oneLine(why)
            + "\n\nWhat you can do: fix what is described above, then remove `"
            + scheme.name(Outcome.NEEDS_INPUT)
            + "` and apply `"
            + scheme.name(Stage.RETRY, StageState.QUEUED)
            + "` for one fixer pass on the PR, or `"
            + scheme.name(Stage.REBUILD, StageState.QUEUED)
            + "` to start again from the issue.";
    forge(Persona.BUILDER).comment(repo, number, body);
    log("builder commented on #" + number + ": needs input (" + stage + ")");
  }

  /** Posts a comment once per issue and kind, found again by its marker and the author. */
  private void explainOnce(Forge forge, RepoRef repo, int number, String kind, String text)
      throws ForgeException {
    String marker = "<!-- hydra:" + kind + " #" + number + " -->";
    if (forge.findComment(repo, number, marker, login(forge)).isPresent()) {
      return;
    }
    forge.comment(repo, number, marker + "\n" + text);
    log(forge.persona() + " commented on #" + number + ": " + kind);
  }

  private RunRecord record(RepoRef repo, int number, StageResult result) {
    RunRecord record = RunRecord.of(result);
    log(result.describe());
    Path dir = options.runRecordDir();
    if (dir != null) {
      try {
        Files.createDirectories(dir);
        Path file = dir.resolve("run-" + number + "-" + record.stage() + ".json");
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.writeString(
            tmp,
            Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(record) + "\n",
            StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the run record of " + repo + "#" + number, e);
      }
    }
    return record;
  }

  // ------------------------------------------------------------------------------- helpers

  private Set<String> next(java.util.Collection<String> labels, Stage stage, StageState state) {
    return PipelineState.of(scheme, List.copyOf(labels)).with(stage, state);
  }

  private Forge forge(Persona persona) {
    Forge forge = forges.get(persona);
    if (forge == null) {
      throw new IllegalStateException(
          "no forge for persona " + persona.id() + ": set " + persona.envVariable());
    }
    return forge;
  }

  private String login(Forge forge) throws ForgeException {
    for (Map.Entry<Persona, Forge> e : forges.entrySet()) {
      if (e.getValue() == forge) {
        String cached = logins.get(e.getKey());
        if (cached == null) {
          cached = forge.currentUser();
          logins.put(e.getKey(), cached);
        }
        return cached;
      }
    }
    return forge.currentUser();
  }

  private Instant now() {
    return options.clock().instant();
  }

  private PipelineResult skip(String stage, String reason) {
    log("skip " + stage + ": " + reason);
    return PipelineResult.skipped(stage, reason);
  }

  private void log(String line) {
    log.accept(line);
  }

  static Set<Integer> closedIssues(String body) {
    Set<Integer> numbers = new TreeSet<>();
    Matcher m = CLOSES.matcher(body);
    while (m.find()) {
      numbers.add(Integer.parseInt(m.group(1)));
    }
    return numbers;
  }

  private static String hashes(Set<Integer> numbers) {
    return String.join(", ", numbers.stream().map(n -> "#" + n).toList());
  }

  /** The progress comment of one issue during one run: found once, then edited in place. */
  private static final class Progress {
    private final Pipeline pipeline;
    private final RepoRef repo;
    private final int issue;
    private @Nullable Long id;
    private final ProgressComment comment;

    private Progress(
        Pipeline pipeline, RepoRef repo, int issue, @Nullable Long id, ProgressComment comment) {
      this.pipeline = pipeline;
      this.repo = repo;
      this.issue = issue;
      this.id = id;
      this.comment = comment;
    }

    static Progress load(Pipeline pipeline, RepoRef repo, int issue) throws ForgeException {
      Forge builder = pipeline.forge(Persona.BUILDER);
      Optional<Comment> found =
          builder.findComment(repo, issue, ProgressComment.marker(issue), pipeline.login(builder));
      return found.isPresent()
          ? new Progress(
              pipeline,
              repo,
              issue,
              found.get().id(),
              ProgressComment.parse(issue, found.get().body()))
          : new Progress(pipeline, repo, issue, null, new ProgressComment(issue));
    }

    void save() throws ForgeException {
      Forge builder = pipeline.forge(Persona.BUILDER);
      Long existing = id;
      if (existing == null) {
        id = builder.comment(repo, issue, comment.render()).id();
      } else {
        builder.editComment(repo, existing, comment.render());
      }
    }
  }
}
