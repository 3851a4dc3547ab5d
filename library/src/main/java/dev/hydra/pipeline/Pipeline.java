package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.event.EventAction;
import dev.hydra.event.ForgeEvent;
import dev.hydra.event.IssueSnapshot;
import dev.hydra.event.PullRequestSnapshot;
import dev.hydra.forge.Comment;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
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
import dev.hydra.stage.StageProfile;
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
import java.util.Collection;
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
 * Performs a routed stage for one issue (SPEC §4): guard, claim, run, post as the stage's persona,
 * advance.
 *
 * <h2>Three steps for the reviews</h2>
 *
 * The review workflow runs the code review and the security review as two parallel jobs, each with
 * only its own persona's token, and the decision as a third job after both ({@link Step}). A review
 * job claims and runs its own review, posts it, and hands a {@link ReviewReport} to the decision
 * job (a job output, which only the workflow run can write); the decision job writes both reviews'
 * final labels and the outcome in one write. A single process (the local supervisor, the demo) runs
 * the same three steps in a row ({@link #reviews}).
 *
 * <h2>Exactly once</h2>
 *
 * State lives in the issue's labels. A stage is claimed by removing the label that queued it
 * ({@link Forge#takeLabel}): on GitHub the removal is itself a compare-and-set (a second removal
 * gets 404), on the local forge it is one locked read-modify-write, and on Forgejo, whose removal
 * always succeeds, the workflows' per-issue {@code concurrency} group keeps runs apart. A replayed
 * or duplicated event finds nothing to take and does nothing. The two review jobs touch only their
 * own stage's labels, with add and remove requests that cannot undo each other's.
 *
 * <h2>Who does what</h2>
 *
 * Every side effect is made through the forge instance of the persona that owns it: the builder
 * claims builds, opens the draft PR, owns the progress comment, the decision and the {@code
 * needs-input} comments; each reviewer claims and posts its own review; the applier runs when
 * reviewers pushed fixes and merges on {@code yolo}. Reviews never approve.
 *
 * <h2>Authority</h2>
 *
 * Only a person with write access moves the pipeline ({@link Authority}): the trigger, {@code
 * rebuild:queued} and {@code yolo} count only when the user who applied them is not a bot, not one
 * of Hydra's persona accounts ({@code HYDRA_PERSONA_LOGINS}, or the accounts of the tokens this job
 * holds), and has write access or more ({@link Forge#userPermission}): for the trigger, the event's
 * sender when the event says it added the trigger (security-anchors §1.6), otherwise the issue's
 * label history ({@link Forge#lastLabeled}). Forgejo answers the permission question only to
 * administrators: when it refuses ({@link ForgeForbiddenException}), the operator's allow-list
 * {@code HYDRA_TRUSTED_LABELERS} decides. A review starts only from Hydra's own transition (the
 * builder's account opened or reopened the pull request, or queued the review) or from such a
 * person, checked before its claim; the decision believes a review job's report only when the job's
 * result is success ({@link ReviewReport#fromNeeds}).
 *
 * <h2>Requests</h2>
 *
 * A whole run on GitHub, build → both reviews → done, costs 19 requests (the budget is 20) with
 * {@code HYDRA_PERSONA_LOGINS} set (26 without: the accounts and the review jobs' checks): build 8
 * (read, permission, take the trigger, running, progress comment, reviews queued, draft PR,
 * progress update), each review 3 (take — its answer is the guard's read —, running, review),
 * decision 5 (read, labels, ready for review, find and edit the progress comment). {@code
 * GitHubPipelineTest} counts them.
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
   * @param forges one forge instance per persona, each with that persona's token; a step needs only
   *     the personas it acts as (a review job has just its reviewer's)
   * @param executor runs the stage containers
   * @param options the label scheme, timeouts, trusted labellers
   * @param log receives one line per decision and side effect
   */
  public Pipeline(
      Map<Persona, Forge> forges,
      StageExecutor executor,
      PipelineOptions options,
      Consumer<String> log) {
    if (forges.isEmpty()) {
      throw new IllegalArgumentException("no forge for any persona: set a persona's token");
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
   * @param event the event it was made for: the issue or pull request as the event saw it
   * @param step which part to perform ({@code HYDRA_STAGE})
   * @param reports for {@link Step#DECISION}: the reviews' reports
   * @throws IllegalArgumentException when {@code step} does not fit the event
   */
  public PipelineResult run(
      RouteDecision decision, ForgeEvent event, Step step, Map<Stage, ReviewReport> reports)
      throws ForgeException, InterruptedException {
    @Nullable PullRequestSnapshot pullRequest = event.pullRequestSnapshot().orElse(null);
    if (!decision.runs()) {
      return skip("route", decision.reason());
    }
    PipelineStage stage = decision.runningStage().orElseThrow();
    Integer issue = decision.issue();
    return switch (stage) {
      case BUILD -> {
        if (step != Step.ALL) {
          throw new IllegalArgumentException(
              "HYDRA_STAGE="
                  + step.id()
                  + " is for the review workflow, but this event starts a build; the build"
                  + " workflow runs with the stage input empty");
        }
        yield build(
            decision.repository(),
            issue == null ? 0 : issue,
            decision.label(),
            new Authority.Actor(decision.sender(), event.senderBot()),
            event.issueSnapshot().orElse(null));
      }
      case REVIEW -> {
        if (pullRequest == null) {
          yield skip("review", "the event names no pull request");
        }
        PullRequest pr = pullRequest(pullRequest);
        Start start = Start.of(event);
        yield switch (step) {
          case ALL -> reviews(decision.repository(), pr, start);
          case CODE_REVIEW -> review(Stage.CODE_REVIEW, decision.repository(), pr, start);
          case SECURITY_REVIEW -> review(Stage.SECURITY_REVIEW, decision.repository(), pr, start);
          case DECISION -> decide(decision.repository(), pr, reports);
        };
      }
      case IMAGE -> skip("image", "the image workflow builds images; hydra run performs no stage");
    };
  }

  /** The port's pull request from the event's. */
  public static PullRequest pullRequest(PullRequestSnapshot s) {
    return new PullRequest(
        s.number(),
        s.title(),
        s.body(),
        s.open(),
        s.draft(),
        s.merged(),
        s.headRef(),
        s.headSha(),
        s.baseRef(),
        s.url(),
        s.author(),
        s.nodeId());
  }

  // ---------------------------------------------------------------------------------- build

  /**
   * Performs the build of an issue whose trigger label was added.
   *
   * @param labeller who added the trigger according to the event, or null to read the issue's label
   *     history
   */
  public PipelineResult build(RepoRef repo, int number, @Nullable String labeller)
      throws ForgeException, InterruptedException {
    return build(repo, number, labeller, null);
  }

  /**
   * Performs the build of an issue whose trigger label was added.
   *
   * @param labeller who added the trigger according to the event, or null to read the issue's label
   *     history
   * @param seen the issue as the event saw it, or null: when its title or body differ from the live
   *     issue, it was edited after the trigger was applied, and Hydra builds only what the labeller
   *     saw (security-anchors §6 case 5)
   */
  public PipelineResult build(
      RepoRef repo, int number, @Nullable String labeller, @Nullable IssueSnapshot seen)
      throws ForgeException, InterruptedException {
    return build(repo, number, scheme.trigger(), actor(labeller), seen);
  }

  /**
   * Performs the build of an issue whose {@code rebuild:queued} a person applied after {@code
   * needs-input}: a reset to {@code build:running}, then the build as usual.
   *
   * @param labeller who added {@code rebuild:queued} according to the event, or null to read the
   *     issue's label history
   * @param seen the issue as the event saw it, or null (see {@link #build(RepoRef, int, String,
   *     IssueSnapshot)})
   */
  public PipelineResult rebuild(
      RepoRef repo, int number, @Nullable String labeller, @Nullable IssueSnapshot seen)
      throws ForgeException, InterruptedException {
    return build(
        repo, number, scheme.name(Stage.REBUILD, StageState.QUEUED), actor(labeller), seen);
  }

  private static Authority.@Nullable Actor actor(@Nullable String login) {
    return login == null ? null : new Authority.Actor(login, false);
  }

  /**
   * The build, or the rebuild when the live issue carries {@code rebuild:queued}.
   *
   * @param added the label the event says was added, or null when it does not say
   * @param sender who sent the event: the labeller of {@code added}
   */
  private PipelineResult build(
      RepoRef repo,
      int number,
      @Nullable String added,
      Authority.@Nullable Actor sender,
      @Nullable IssueSnapshot seen)
      throws ForgeException, InterruptedException {
    Forge builder = forge(Persona.BUILDER);
    Issue issue = builder.issue(repo, number);
    PipelineState state = PipelineState.of(scheme, issue.labels());
    String rebuildLabel = scheme.name(Stage.REBUILD, StageState.QUEUED);
    boolean rebuild = issue.labels().contains(rebuildLabel);
    String label = rebuild ? rebuildLabel : scheme.trigger();
    // The event's sender speaks only for the label the event says it added.
    Authority.@Nullable Actor labeller =
        label.equals(added) && sender != null && !sender.login().isBlank() ? sender : null;
    if (rebuild) {
      return rebuild(repo, issue, state, labeller, seen);
    }
    Optional<String> not = blocked(issue, state);
    if (not.isPresent()) {
      return skip("build", not.get());
    }
    if (state.busy()) {
      return busyOrStale("build", repo, issue, state);
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
    Authority.Result authority = authority(builder, repo, number, scheme.trigger(), labeller);
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
    if (seen != null
        && (!seen.title().equals(issue.title()) || !seen.body().equals(issue.body()))) {
      // The trigger is taken off, so that applying it again builds the text as it is now.
      if (builder.takeLabel(repo, number, scheme.trigger()).isEmpty()) {
        return skip("build", "another run took the trigger of issue #" + number + " first");
      }
      String why =
          "issue #"
              + number
              + " was edited after `"
              + scheme.trigger()
              + "` was applied, so the text is not what the labeller approved";
      builder.comment(
          repo,
          number,
          "<!-- hydra:edited #"
              + number
              + " -->\nHydra did not start: "
              + why
              + ". Read the issue as it is now, then apply `"
              + scheme.trigger()
              + "` again to build it.");
      return skip("build", why + "; the trigger was removed, apply it again");
    }
    Optional<List<String>> left = builder.takeLabel(repo, number, scheme.trigger());
    if (left.isEmpty()) {
      return skip("build", "another run took the trigger of issue #" + number + " first");
    }
    Set<String> running = next(left.get(), Stage.BUILD, StageState.RUNNING);
    builder.setLabels(repo, number, running);
    log("builder claimed the build of #" + number + " (" + authority.why() + ")");
    Progress progress = Progress.fresh(this, repo, number);
    progress.comment.note("Build started by the builder persona (" + authority.why() + ").");
    progress.save();
    return runBuild(repo, number, running, progress, false);
  }

  /**
   * A person's reset after {@code needs-input} (SPEC §4): never while {@code needs-input} is on;
   * {@code rebuild:queued} carries authority like the trigger and is claimed like it; then every
   * stage and outcome label goes in one write, {@code build:running} comes on, and the build runs
   * on the same branch and pull request.
   */
  private PipelineResult rebuild(
      RepoRef repo,
      Issue issue,
      PipelineState state,
      Authority.@Nullable Actor labeller,
      @Nullable IssueSnapshot seen)
      throws ForgeException, InterruptedException {
    Forge builder = forge(Persona.BUILDER);
    int number = issue.number();
    String label = scheme.name(Stage.REBUILD, StageState.QUEUED);
    String needsInput = scheme.name(Outcome.NEEDS_INPUT);
    if (!issue.open()) {
      return skip("rebuild", "issue #" + number + " is closed");
    }
    if (issue.pullRequest()) {
      return skip("rebuild", "#" + number + " is a pull request, not an issue");
    }
    if (state.outcomes().contains(Outcome.NEEDS_INPUT)) {
      String why = "`" + needsInput + "` is still on issue #" + number;
      explainOnce(
          builder,
          repo,
          number,
          "rebuild-needs-input",
          "Hydra did not rebuild: "
              + why
              + ". A rebuild starts only once a person has taken `needs-input` off: remove `"
              + needsInput
              + "` first, then remove `"
              + label
              + "` and apply it again.");
      return skip("rebuild", why + "; remove it first, then apply `" + label + "` again");
    }
    Optional<String> not = blockedByLabels(number, state);
    if (not.isPresent()) {
      return skip("rebuild", not.get());
    }
    boolean inProgress =
        state.stages().entrySet().stream()
            .anyMatch(e -> e.getKey() != Stage.REBUILD && !e.getValue().finished());
    if (inProgress) {
      return busyOrStale("rebuild", repo, issue, state);
    }
    Authority.Result authority = authority(builder, repo, number, label, labeller);
    if (!authority.ok()) {
      explainOnce(
          builder,
          repo,
          number,
          "unauthorised-rebuild",
          "Hydra did not rebuild: "
              + authority.why()
              + ". Ask someone with write access to apply `"
              + label
              + "`.");
      return skip("rebuild", authority.why());
    }
    if (seen != null
        && (!seen.title().equals(issue.title()) || !seen.body().equals(issue.body()))) {
      if (builder.takeLabel(repo, number, label).isEmpty()) {
        return skip("rebuild", "another run took `" + label + "` of issue #" + number + " first");
      }
      String why =
          "issue #"
              + number
              + " was edited after `"
              + label
              + "` was applied, so the text is not what the labeller approved";
      builder.comment(
          repo,
          number,
          "<!-- hydra:edited #"
              + number
              + " -->\nHydra did not rebuild: "
              + why
              + ". Read the issue as it is now, then apply `"
              + label
              + "` again to rebuild it.");
      return skip("rebuild", why + "; `" + label + "` was removed, apply it again");
    }
    Optional<List<String>> left = builder.takeLabel(repo, number, label);
    if (left.isEmpty()) {
      return skip("rebuild", "another run took `" + label + "` of issue #" + number + " first");
    }
    // The reset: every stage and outcome label of this scheme off, the build running; a person's
    // own labels (and another prefix's) stay.
    Set<String> running = new LinkedHashSet<>();
    for (String l : left.get()) {
      if (!scheme.isPipelineLabel(l)) {
        running.add(l);
      }
    }
    running.add(scheme.name(Stage.BUILD, StageState.RUNNING));
    builder.setLabels(repo, number, running);
    log("builder claimed the rebuild of #" + number + " (" + authority.why() + ")");
    Progress progress = Progress.load(this, repo, number, null);
    progress.comment.note(
        "Rebuild started by the builder persona (" + authority.why() + "): labels reset.");
    progress.save();
    return runBuild(repo, number, running, progress, true);
  }

  /**
   * The builder's container and what follows it, for a build and a rebuild alike.
   *
   * @param rebuild whether the pull request may exist already; then it is reused and closed and
   *     reopened, to start the reviews
   */
  private PipelineResult runBuild(
      RepoRef repo, int number, Set<String> running, Progress progress, boolean rebuild)
      throws ForgeException, InterruptedException {
    Forge builder = forge(Persona.BUILDER);
    StageResult result =
        executor.execute(
            new StageExecutor.Call(Stage.BUILD, Persona.BUILDER, repo, number, null, "build"));
    RunRecord record = record(repo, number, result);
    progress.comment.record(record);
    PipelineState ran = PipelineState.of(scheme, List.copyOf(running));
    Optional<String> problem = buildProblem(result, number);
    if (problem.isPresent()) {
      return buildFailed(repo, number, ran, progress, problem.get(), record);
    }
    Verdict.BuilderResult built = result.verdictValue().flatMap(Verdict::builder).orElseThrow();
    // The reviews are queued before the PR exists: opening it starts the review workflow, whose
    // jobs must find them.
    builder.setLabels(repo, number, ran.afterBuild(true));
    PullRequest pr;
    boolean reopened = false;
    try {
      Optional<PullRequest> existing =
          rebuild ? builder.findPullRequest(repo, built.branch()) : Optional.empty();
      if (existing.isPresent()) {
        // The builder's push reached the review workflow (synchronize) while the reviews were not
        // yet queued, so its jobs found nothing to take: a reopened event starts them now.
        pr = existing.get();
        builder.reopenPullRequest(repo, pr.number());
        reopened = true;
      } else {
        pr =
            builder.openDraftPullRequest(
                repo,
                new NewPullRequest(
                    built.branch(),
                    options.baseBranch(),
                    built.prTitle(),
                    withCloses(built.prBody(), number)));
      }
    } catch (ForgeException e) {
      return buildFailed(
          repo,
          number,
          ran,
          progress,
          "the build passed, but its draft pull request could not be opened: "
              + Texts.oneLine(String.valueOf(e.getMessage())),
          record);
    }
    String done =
        reopened
            ? "PR #" + pr.number() + " closed and reopened to start the reviews"
            : "draft PR #" + pr.number() + " opened";
    progress.comment.note("Build passed: " + done + "; code and security reviews queued.");
    progress.save();
    log("builder " + (reopened ? "reused" : "opened") + " PR #" + pr.number() + " for #" + number);
    return new PipelineResult(
        "build",
        PipelineResult.Status.PASSED,
        done + " from " + built.branch(),
        pr.number(),
        pr.url(),
        List.of(record));
  }

  private PipelineResult buildFailed(
      RepoRef repo,
      int number,
      PipelineState ran,
      Progress progress,
      String problem,
      RunRecord record)
      throws ForgeException {
    Forge builder = forge(Persona.BUILDER);
    builder.setLabels(repo, number, ran.afterBuild(false));
    progress.comment.note("Build failed: " + Texts.oneLine(problem));
    progress.save();
    needsInput(repo, number, "build", problem);
    return new PipelineResult(
        "build", PipelineResult.Status.NEEDS_INPUT, problem, null, null, List.of(record));
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

  // -------------------------------------------------------------------------------- reviews

  /**
   * Both reviews and the decision in one process: what the review workflow's three jobs do, in a
   * row.
   */
  public PipelineResult reviews(RepoRef repo, PullRequest pr)
      throws ForgeException, InterruptedException {
    return reviews(repo, pr, null);
  }

  /**
   * Both reviews and the decision in one process, for the pull request event {@code start}.
   *
   * @param start the event that started the reviews, null when there was none
   */
  PipelineResult reviews(RepoRef repo, PullRequest pr, @Nullable Start start)
      throws ForgeException, InterruptedException {
    Optional<String> mismatch = mismatch(pr);
    if (mismatch.isPresent()) {
      return stopped(repo, pr, mismatch.get());
    }
    Map<Stage, ReviewReport> reports = new EnumMap<>(Stage.class);
    for (Stage stage : List.of(Stage.CODE_REVIEW, Stage.SECURITY_REVIEW)) {
      PipelineResult one = review(stage, repo, pr, start);
      reports.put(stage, one.reviewReport().orElseThrow());
    }
    return decide(repo, pr, reports);
  }

  /**
   * One review of a Hydra PR, as that review's persona: claim it, run it, post the review, and
   * report to the decision. Writes no outcome: the decision does, for both reviews at once.
   *
   * @param stage {@link Stage#CODE_REVIEW} or {@link Stage#SECURITY_REVIEW}
   */
  public PipelineResult review(Stage stage, RepoRef repo, PullRequest pr)
      throws ForgeException, InterruptedException {
    return review(stage, repo, pr, null);
  }

  /**
   * What started a review: the pull request event's action and sender.
   *
   * @param action opened, reopened, synchronize
   * @param sender who sent the event
   */
  record Start(EventAction action, Authority.Actor sender) {
    static @Nullable Start of(ForgeEvent event) {
      if (event.pullRequestSnapshot().isEmpty()) {
        return null;
      }
      return new Start(event.action(), new Authority.Actor(event.sender(), event.senderBot()));
    }
  }

  /**
   * One review, started by the pull request event {@code start} (null: no event, as in a test or
   * the demo). The review starts only from Hydra's own transition or from a person with write
   * access ({@link #reviewRefused}).
   */
  PipelineResult review(Stage stage, RepoRef repo, PullRequest pr, @Nullable Start start)
      throws ForgeException, InterruptedException {
    if (stage != Stage.CODE_REVIEW && stage != Stage.SECURITY_REVIEW) {
      throw new IllegalArgumentException(stage.id() + " is not a review");
    }
    Persona persona = StageProfile.personaOf(stage);
    Optional<String> mismatch = mismatch(pr);
    if (mismatch.isPresent()) {
      // The decision job, as the builder, says so once on the PR.
      return reviewSkipped(stage, pr, mismatch.get());
    }
    int number = issueOf(pr);
    Forge own = forge(persona);
    // The claim is the guard's read: taking the queued label answers the labels left, atomically
    // (the decision job reads the whole issue, its open state included, before acting on it).
    String queued = scheme.name(stage, StageState.QUEUED);
    Optional<String> refused = reviewRefused(own, repo, number, pr, queued, start);
    if (refused.isPresent()) {
      // Nothing is taken or written: the labels stay as the forge has them.
      return reviewSkipped(stage, pr, "refused: " + refused.get());
    }
    Optional<List<String>> left = own.takeLabel(repo, number, queued);
    if (left.isEmpty()) {
      return reviewSkipped(
          stage,
          pr,
          "the "
              + stage.id()
              + " of issue #"
              + number
              + " is not queued (another run took it, or it ran already)");
    }
    Optional<String> not = blockedByLabels(number, PipelineState.of(scheme, left.get()));
    if (not.isPresent()) {
      own.addLabels(repo, number, Set.of(queued)); // not ours to take: put it back
      return reviewSkipped(stage, pr, not.get());
    }
    own.addLabels(repo, number, Set.of(scheme.name(stage, StageState.RUNNING)));
    log(
        persona.id()
            + " claimed the "
            + stage.id()
            + " of #"
            + number
            + " (PR #"
            + pr.number()
            + ")");

    StageResult result =
        executor.execute(new StageExecutor.Call(stage, persona, repo, number, pr.url(), "review"));
    RunRecord record = record(repo, number, result);
    boolean passed = result.passed();
    String reason =
        stage.id() + " " + result.status().id() + ": " + Texts.oneLine(result.message());
    Optional<String> posted = postReview(own, repo, pr, review(result, pr.headSha()));
    if (posted.isPresent()) {
      passed = false;
      reason = stage.id() + ": its review could not be posted: " + posted.get();
    }
    boolean fixes = result.verdictValue().map(v -> !v.fixesApplied().isEmpty()).orElse(false);
    log(persona.id() + " reviewed PR #" + pr.number() + ": " + (passed ? "pass" : "fail"));
    ReviewReport report =
        new ReviewReport(
            stage.id(), passed ? ReviewReport.PASS : ReviewReport.FAIL, fixes, reason, record);
    return new PipelineResult(
        stage.id(),
        passed ? PipelineResult.Status.PASSED : PipelineResult.Status.FAILED,
        reason,
        pr.number(),
        pr.url(),
        List.of(record),
        report);
  }

  /**
   * Posts a review; when the forge refuses its inline comments (a line outside the diff), posts it
   * again with them in the body, so a verdict is never lost to a line number. Any other refusal (a
   * 5xx, a 403, a token refused) is returned, not thrown: the job still reports a failed review to
   * the decision ({@code GITHUB_OUTPUT}), which then asks a person.
   *
   * @return why the review could not be posted at all, empty when it was
   */
  private Optional<String> postReview(Forge own, RepoRef repo, PullRequest pr, Review review) {
    try {
      return postReviewOnce(own, repo, pr, review);
    } catch (ForgeException e) {
      return Optional.of(Texts.oneLine(String.valueOf(e.getMessage())));
    }
  }

  private Optional<String> postReviewOnce(Forge own, RepoRef repo, PullRequest pr, Review review)
      throws ForgeException {
    try {
      own.review(repo, pr.number(), review);
      return Optional.empty();
    } catch (ForgeConflictException e) {
      if (review.comments().isEmpty()) {
        return Optional.of(Texts.oneLine(String.valueOf(e.getMessage())));
      }
      log(
          "the forge refused the inline comments ("
              + Texts.oneLine(String.valueOf(e.getMessage()))
              + "); posting them in the body");
      StringBuilder body = new StringBuilder(review.body());
      for (Review.InlineComment c : review.comments()) {
        body.append("\n- `")
            .append(c.path())
            .append(':')
            .append(c.line())
            .append("`: ")
            .append(c.body());
      }
      own.review(
          repo,
          pr.number(),
          new Review(review.event(), body.toString(), review.commitSha(), List.of()));
      return Optional.empty();
    }
  }

  /**
   * Why a review must not start, read before its claim: a pull request opened or reopened by anyone
   * but the builder (Hydra's own transition) or a person with write access — a triage user may
   * reopen a pull request —, or a {@code :queued} label applied by anyone but those. Costs nothing
   * when the builder opened or reopened the pull request and its login is known (then the labels
   * are its own write of the moment before); otherwise the label history, and the permission of a
   * person.
   */
  private Optional<String> reviewRefused(
      Forge own, RepoRef repo, int number, PullRequest pr, String queued, @Nullable Start start)
      throws ForgeException {
    String builder = builderLogin();
    String unknown =
        builder == null
            ? " (this job holds no builder token, so it knows Hydra's builder account only from "
                + PipelineOptions.PERSONA_LOGINS
                + ", which is not set)"
            : "";
    Authority.@Nullable Actor passed = null;
    if (start != null
        && (start.action() == EventAction.OPENED || start.action() == EventAction.REOPENED)) {
      String act =
          "PR #"
              + pr.number()
              + (start.action() == EventAction.OPENED ? " was opened" : " was reopened");
      Authority.Result sender = ofHydraOrPerson(act, start.sender(), builder, repo, own);
      if (!sender.ok()) {
        return Optional.of(
            sender.why()
                + "; the reviews start only from Hydra's own transitions or a person with write"
                + " access"
                + unknown);
      }
      if (builder != null && Authority.same(builder, start.sender().login())) {
        return Optional.empty(); // the builder's transition: the labels are its own
      }
      passed = start.sender();
    }
    Optional<LabelEvent> last = own.lastLabeled(repo, number, queued);
    if (last.isEmpty()) {
      return Optional.of(
          "the forge's history of #"
              + number
              + " shows no one applying `"
              + queued
              + "`; the review is not queued");
    }
    Authority.Actor labeller = new Authority.Actor(last.get().actor(), last.get().bot());
    if (passed != null && !labeller.isBot() && Authority.same(passed.login(), labeller.login())) {
      return Optional.empty(); // the same person, whose authority was just established
    }
    Authority.Result label =
        ofHydraOrPerson("`" + queued + "` was applied to #" + number, labeller, builder, repo, own);
    if (!label.ok()) {
      return Optional.of(
          label.why()
              + "; a review is queued only by Hydra's own transition or a person with write"
              + " access"
              + unknown);
    }
    return Optional.empty();
  }

  /** {@link Authority#ofHydraOrPerson} with this run's personas, trusted labellers and forge. */
  private Authority.Result ofHydraOrPerson(
      String act, Authority.Actor who, @Nullable String builder, RepoRef repo, Forge own)
      throws ForgeException {
    return Authority.ofHydraOrPerson(
        act,
        who,
        builder,
        this::personas,
        options.trustedLabelers(),
        repo,
        login -> own.userPermission(repo, login));
  }

  private PipelineResult reviewSkipped(Stage stage, PullRequest pr, String why) {
    log("skip " + stage.id() + ": " + why);
    return new PipelineResult(
        stage.id(),
        PipelineResult.Status.SKIPPED,
        why,
        pr.number(),
        pr.url(),
        List.of(),
        new ReviewReport(stage.id(), ReviewReport.SKIP, false, why, null));
  }

  // ------------------------------------------------------------------------------- decision

  /**
   * The decision after both reviews (SPEC §4), as the builder: both reviews' outcomes and the
   * decision in one label write, then {@code done} (the PR ready for review, merged on an
   * authorised {@code yolo}), the applier when a reviewer pushed fixes, or {@code needs-input}.
   *
   * @param reports the two reviews' reports; a missing one counts as a failed review
   */
  public PipelineResult decide(RepoRef repo, PullRequest pr, Map<Stage, ReviewReport> reports)
      throws ForgeException, InterruptedException {
    Optional<String> mismatch = mismatch(pr);
    if (mismatch.isPresent()) {
      return stopped(repo, pr, mismatch.get());
    }
    ReviewReport code = report(reports, Stage.CODE_REVIEW);
    ReviewReport security = report(reports, Stage.SECURITY_REVIEW);
    if (!code.ran() || !security.ran()) {
      return skip(
          "decision",
          "the reviews did not both run in this run ("
              + (code.ran() ? security.reason() : code.reason())
              + ")");
    }
    int number = issueOf(pr);
    Forge builder = forge(Persona.BUILDER);
    Issue issue = builder.issue(repo, number);
    PipelineState state = PipelineState.of(scheme, issue.labels());
    Optional<String> not = blocked(issue, state);
    if (not.isPresent()) {
      return skip("decision", not.get());
    }
    if (state.state(Stage.CODE_REVIEW).orElse(null) != StageState.RUNNING
        || state.state(Stage.SECURITY_REVIEW).orElse(null) != StageState.RUNNING) {
      return skip(
          "decision",
          "the reviews of issue #" + number + " are not both running; there is nothing to decide");
    }
    StageState codeState = code.passed() ? StageState.PASS : StageState.FAIL;
    StageState securityState = security.passed() ? StageState.PASS : StageState.FAIL;
    Set<String> labels =
        PipelineState.of(scheme, List.copyOf(next(issue.labels(), Stage.CODE_REVIEW, codeState)))
            .with(Stage.SECURITY_REVIEW, securityState);
    List<RunRecord> records = new ArrayList<>();
    Progress progress = Progress.load(this, repo, number, pr.author());
    for (ReviewReport report : List.of(code, security)) {
      RunRecord record = report.record();
      if (record != null) {
        records.add(record);
        progress.comment.record(record);
      }
    }
    ReviewDecision decision =
        ReviewDecision.decide(
            Optional.of(codeState), Optional.of(securityState), code.fixes() || security.fixes());
    return switch (decision) {
      case WAIT, NEEDS_INPUT -> {
        String why =
            "a review failed on PR #"
                + pr.number()
                + ": "
                + (code.passed() ? security.reason() : code.reason());
        builder.setLabels(
            repo,
            number,
            PipelineState.of(scheme, List.copyOf(labels)).withOutcome(Outcome.NEEDS_INPUT));
        progress.comment.note("A review failed: a person decides.");
        progress.save();
        needsInput(repo, number, "review", why);
        yield new PipelineResult(
            "decision", PipelineResult.Status.NEEDS_INPUT, why, pr.number(), pr.url(), records);
      }
      case DONE -> done(repo, number, pr, labels, progress, records, false);
      case APPLIER -> applier(repo, number, pr, labels, progress, records);
    };
  }

  private static ReviewReport report(Map<Stage, ReviewReport> reports, Stage stage) {
    ReviewReport report = reports.get(stage);
    return report != null
        ? report
        : new ReviewReport(
            stage.id(), ReviewReport.FAIL, false, "no report of the " + stage.id(), null);
  }

  private PipelineResult applier(
      RepoRef repo,
      int number,
      PullRequest pr,
      Set<String> labels,
      Progress progress,
      List<RunRecord> records)
      throws ForgeException, InterruptedException {
    Forge builder = forge(Persona.BUILDER);
    Set<String> running = next(labels, Stage.APPLIER, StageState.RUNNING);
    builder.setLabels(repo, number, running);
    progress.comment.note("Reviewers applied fixes: the applier gives the final go/no-go.");
    progress.save();
    StageResult result =
        executor.execute(
            new StageExecutor.Call(
                Stage.APPLIER, Persona.APPLIER, repo, number, pr.url(), "apply"));
    RunRecord record = record(repo, number, result);
    List<RunRecord> all = new ArrayList<>(records);
    all.add(record);
    progress.comment.record(record);
    Set<String> after =
        next(running, Stage.APPLIER, result.passed() ? StageState.PASS : StageState.FAIL);
    if (ReviewDecision.afterApplier(result.passed()) == Outcome.DONE) {
      return done(repo, number, pr, after, progress, all, true);
    }
    String why = "the applier " + result.status().id() + ": " + result.message();
    builder.setLabels(
        repo,
        number,
        PipelineState.of(scheme, List.copyOf(after)).withOutcome(Outcome.NEEDS_INPUT));
    progress.comment.note("The applier said no-go: a person decides.");
    progress.save();
    needsInput(repo, number, "applier", why);
    return new PipelineResult(
        "decision", PipelineResult.Status.NEEDS_INPUT, why, pr.number(), pr.url(), all);
  }

  private PipelineResult done(
      RepoRef repo,
      int number,
      PullRequest pr,
      Set<String> labels,
      Progress progress,
      List<RunRecord> records,
      boolean fixed)
      throws ForgeException {
    Forge builder = forge(Persona.BUILDER);
    PipelineState state = PipelineState.of(scheme, List.copyOf(labels));
    try {
      builder.markReadyForReview(repo, pr);
    } catch (ForgeException e) {
      String why =
          "both reviews passed, but PR #"
              + pr.number()
              + " could not be marked ready for review: "
              + Texts.oneLine(String.valueOf(e.getMessage()));
      builder.setLabels(repo, number, state.withOutcome(Outcome.NEEDS_INPUT));
      progress.comment.note("Could not mark the PR ready for review: a person decides.");
      progress.save();
      needsInput(repo, number, "decision", why);
      return new PipelineResult(
          "decision", PipelineResult.Status.NEEDS_INPUT, why, pr.number(), pr.url(), records);
    }
    builder.setLabels(repo, number, state.withOutcome(Outcome.DONE));
    PipelineResult.Status status = PipelineResult.Status.DONE;
    String reason = "PR #" + pr.number() + " is ready for review";
    if (state.has(MetadataLabel.YOLO)) {
      Forge applier = forges.get(Persona.APPLIER);
      if (applier == null) {
        reason +=
            "; not merged: `yolo` needs the applier's token ("
                + Persona.APPLIER.envVariable()
                + ")";
      } else {
        Authority.Result yolo =
            authority(applier, repo, number, scheme.name(MetadataLabel.YOLO), null);
        if (!yolo.ok()) {
          reason += "; not merged: " + yolo.why();
        } else {
          try {
            // Fixes moved the head since the event: merge exactly what the applier looked at.
            String head =
                fixed
                    ? applier
                        .findPullRequest(repo, pr.head())
                        .map(PullRequest::headSha)
                        .orElse(pr.headSha())
                    : pr.headSha();
            applier.merge(repo, pr.number(), head);
            status = PipelineResult.Status.MERGED;
            reason = "PR #" + pr.number() + " merged (yolo, " + yolo.why() + ")";
          } catch (ForgeException e) {
            reason +=
                "; the forge refused the yolo merge: "
                    + Texts.oneLine(String.valueOf(e.getMessage()));
          }
        }
      }
    }
    progress.comment.note("Done: " + reason + ".");
    progress.save();
    log(reason);
    return new PipelineResult("decision", status, reason, pr.number(), pr.url(), records);
  }

  /** Why the PR's branch and its {@code Closes #N} disagree, if they do. */
  private static Optional<String> mismatch(PullRequest pr) {
    Optional<HydraBranch> branch = HydraBranch.parse(pr.head());
    if (branch.isEmpty()) {
      return Optional.of("head branch " + Texts.quote(pr.head()) + " is not a Hydra branch");
    }
    int number = branch.get().issue();
    Set<Integer> closes = closedIssues(pr.body());
    if (closes.equals(Set.of(number))) {
      return Optional.empty();
    }
    return Optional.of(
        "PR #"
            + pr.number()
            + " is on branch "
            + Texts.quote(pr.head())
            + " (issue #"
            + number
            + ") but its body "
            + (closes.isEmpty() ? "closes no issue" : "closes " + hashes(closes))
            + "; Hydra reviews a PR only when both name the same issue");
  }

  private static int issueOf(PullRequest pr) {
    return HydraBranch.parse(pr.head()).orElseThrow().issue();
  }

  private PipelineResult stopped(RepoRef repo, PullRequest pr, String why) throws ForgeException {
    if (HydraBranch.parse(pr.head()).isEmpty()) {
      return skip("review", why);
    }
    explainOnce(
        forge(Persona.BUILDER), repo, pr.number(), "mismatch", "Hydra stopped: " + why + ".");
    return new PipelineResult(
        "review", PipelineResult.Status.STOPPED, why, pr.number(), pr.url(), List.of());
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
    return busyOrStale("reconcile", repo, issue, state);
  }

  // ----------------------------------------------------------------------------------- guard

  private Optional<String> blocked(Issue issue, PipelineState state) {
    if (!issue.open()) {
      return Optional.of("issue #" + issue.number() + " is closed");
    }
    if (issue.pullRequest()) {
      return Optional.of("#" + issue.number() + " is a pull request, not an issue");
    }
    return blockedByLabels(issue.number(), state);
  }

  private Optional<String> blockedByLabels(int number, PipelineState state) {
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
   * A stage is queued or running: skip, unless it has been so for longer than its timeout plus the
   * grace period (from when its label was added, in the issue's history), in which case it is
   * recovered as the builder: {@code :fail} + {@code needs-input} and one comment. A person's
   * {@code retry} or {@code rebuild} request is in progress too, but never stale.
   */
  private PipelineResult busyOrStale(String what, RepoRef repo, Issue issue, PipelineState state)
      throws ForgeException {
    Forge builder = forge(Persona.BUILDER);
    Instant now = now();
    List<Stage> stale = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    for (Map.Entry<Stage, StageState> e : state.stages().entrySet()) {
      if (e.getValue().finished()) {
        continue;
      }
      String label = scheme.name(e.getKey(), e.getValue());
      busy.add(label);
      if (!StageProfile.CONTAINER_STAGES.contains(e.getKey())) {
        // retry and rebuild are a person's requests: no container runs out of time for them.
        continue;
      }
      Optional<LabelEvent> since = builder.lastLabeled(repo, issue.number(), label);
      if (since.isPresent()
          && now.isAfter(
              since.get().at().plus(options.timeout().apply(e.getKey())).plus(options.grace()))) {
        stale.add(e.getKey());
      }
    }
    if (stale.isEmpty()) {
      return skip(what, "issue #" + issue.number() + " has a stage in progress: " + busy);
    }
    Set<String> next = new LinkedHashSet<>(issue.labels());
    for (Stage stage : stale) {
      next = next(next, stage, StageState.FAIL);
    }
    next = PipelineState.of(scheme, List.copyOf(next)).withOutcome(Outcome.NEEDS_INPUT);
    if (!claim(builder, repo, issue.number(), issue.labels(), next)) {
      return skip(what, "another run recovered issue #" + issue.number() + " first");
    }
    List<String> ids = stale.stream().map(Stage::id).toList();
    String why =
        "stage "
            + String.join(" and ", ids)
            + " was left running past its timeout plus "
            + options.grace().toMinutes()
            + " minutes' grace (the runner was probably killed)";
    Progress progress = Progress.load(this, repo, issue.number(), null);
    progress.comment.note("Recovered: " + why + ".");
    progress.save();
    needsInput(repo, issue.number(), String.join("+", ids), why);
    log("recovered #" + issue.number() + ": " + why);
    return new PipelineResult(what, PipelineResult.Status.RECOVERED, why, null, null, List.of());
  }

  /**
   * Whether {@code label} on the issue carries authority ({@link Authority#ofPerson}): applied by a
   * person with write access, never by a bot or one of Hydra's persona accounts.
   *
   * @param labeller who applied it according to the event, or null to read the label history
   */
  private Authority.Result authority(
      Forge forge, RepoRef repo, int number, String label, Authority.@Nullable Actor labeller)
      throws ForgeException {
    Authority.Actor who = labeller;
    if (who == null) {
      Optional<LabelEvent> last = forge.lastLabeled(repo, number, label);
      if (last.isEmpty()) {
        return new Authority.Result(
            false, "the forge does not say who applied `" + label + "` to #" + number);
      }
      who = new Authority.Actor(last.get().actor(), last.get().bot());
    }
    return Authority.ofPerson(
        "`" + label + "` was applied to #" + number,
        who,
        this::personas,
        options.trustedLabelers(),
        repo,
        login -> forge.userPermission(repo, login));
  }

  /**
   * Hydra's own accounts as this job knows them: {@code HYDRA_PERSONA_LOGINS} when set (with any
   * login already learnt), otherwise the account of each persona token the job holds (one request
   * each, once).
   */
  private Authority.Personas personas() throws ForgeException {
    Map<Persona, String> known = new EnumMap<>(Persona.class);
    known.putAll(options.personaLogins());
    for (Map.Entry<Persona, Forge> e : forges.entrySet()) {
      String cached = logins.get(e.getKey());
      if (cached != null) {
        known.putIfAbsent(e.getKey(), cached);
      } else if (options.personaLogins().isEmpty()) {
        known.put(e.getKey(), login(e.getValue()));
      }
    }
    return new Authority.Personas(known);
  }

  /**
   * The builder persona's login, if this job can know it: from {@code HYDRA_PERSONA_LOGINS}, or
   * asked with the builder's token when the job holds it.
   */
  private @Nullable String builderLogin() throws ForgeException {
    String configured = options.personaLogins().get(Persona.BUILDER);
    if (configured != null) {
      return configured;
    }
    Forge builder = forges.get(Persona.BUILDER);
    return builder == null ? null : login(builder);
  }

  // ----------------------------------------------------------------------------- side effects

  /**
   * A recovery's label write, once: a compare-and-set where the forge has one, else a write and a
   * re-read (see {@link Forge#replaceLabelsIf}).
   */
  private boolean claim(
      Forge forge, RepoRef repo, int number, List<String> expected, Set<String> next)
      throws ForgeException {
    return forge.replaceLabelsIf(repo, number, Set.copyOf(expected), next);
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
            + "\n\nWhat you can do: finish the work on the pull request's branch and merge or close"
            + " it yourself; or fix what is described above (the issue's text, the setup) and"
            + " rebuild: remove `"
            + scheme.name(Outcome.NEEDS_INPUT)
            + "` and apply `"
            + scheme.name(Stage.REBUILD, StageState.QUEUED)
            + "` as a user with write access (the builder starts again on the same branch and"
            + " pull request).";
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

  private Set<String> next(Collection<String> labels, Stage stage, StageState state) {
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

    /** A new progress comment, posted at its first save. */
    static Progress fresh(Pipeline pipeline, RepoRef repo, int issue) {
      return new Progress(pipeline, repo, issue, null, new ProgressComment(issue));
    }

    /**
     * Finds the builder's progress comment on the issue.
     *
     * @param author the builder's login when known (the author of the PR it opened), otherwise
     *     asked of the forge
     */
    static Progress load(Pipeline pipeline, RepoRef repo, int issue, @Nullable String author)
        throws ForgeException {
      Forge builder = pipeline.forge(Persona.BUILDER);
      String login = author == null || author.isBlank() ? pipeline.login(builder) : author;
      Optional<Comment> found =
          builder.findComment(repo, issue, ProgressComment.marker(issue), login);
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
