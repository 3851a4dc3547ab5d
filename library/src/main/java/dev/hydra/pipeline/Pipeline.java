package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.event.EventAction;
import dev.hydra.event.ForgeEvent;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.route.RouteDecision;
import dev.hydra.route.Workflow;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Performs a routed stage for one issue (SPEC §4): guard, claim, run, post as the stage's persona,
 * advance. It only dispatches: each step is a class of its own, working on an {@code IssueRun} —
 * {@code GuardStep}, {@code AuthorityStep}, {@code BuildStep} (the build and the reset after {@code
 * needs-input}, told apart by {@code BuildKind}), {@code RetryStep} (a person's one fixer pass
 * after {@code needs-input}), {@code ReviewStep}, {@code DecisionStep} (with {@code yolo}) and
 * {@code RecoveryStep}.
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
 * <p>Who does what, how a claim stays exactly-once, and what a whole run costs in requests: the
 * package documentation.
 */
public final class Pipeline {

  private final PipelineContext context;
  private final BuildStep build;
  private final ReviewStep review;
  private final DecisionStep decision;
  private final RecoveryStep recovery;
  private final RetryStep retry;

  /**
   * A pipeline whose run records go to {@link PipelineOptions#runRecordDir()}, when it is set (see
   * {@link #Pipeline(Map, StageExecutor, PipelineOptions, RunRecordSink, Consumer)}).
   */
  public Pipeline(
      Map<Persona, Forge> forges,
      StageExecutor executor,
      PipelineOptions options,
      Consumer<String> log) {
    this(forges, executor, options, RunRecordSink.of(options.runRecordDir()), log);
  }

  /**
   * A pipeline.
   *
   * @param forges one forge instance per persona, each with that persona's token; a step needs only
   *     the personas it acts as (a review job has just its reviewer's)
   * @param executor runs the stage containers
   * @param options the label scheme, timeouts, trusted labellers
   * @param records where each stage's run record goes besides the progress comment
   * @param log receives one line per decision and side effect
   */
  public Pipeline(
      Map<Persona, Forge> forges,
      StageExecutor executor,
      PipelineOptions options,
      RunRecordSink records,
      Consumer<String> log) {
    this.context =
        new PipelineContext(
            new PersonaForges(forges, options.personaLogins()), executor, options, records, log);
    this.recovery = new RecoveryStep(options);
    GuardStep guard = new GuardStep(options.labels(), recovery);
    AuthorityStep authority = new AuthorityStep(context.forges(), options);
    this.build = new BuildStep(context, guard, authority);
    this.review = new ReviewStep(context, guard, authority);
    this.decision = new DecisionStep(context, guard, authority);
    this.retry = new RetryStep(context, guard, authority);
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
    @Nullable PullRequest pullRequest = event.pullRequestSnapshot().orElse(null);
    if (!decision.runs()) {
      return context.skip("route", decision.reason());
    }
    Workflow workflow = decision.runningWorkflow().orElseThrow();
    Integer issue = decision.issue();
    return switch (workflow) {
      case BUILD -> {
        Optional<String> misfit = step.misfit(workflow);
        if (misfit.isPresent()) {
          throw new IllegalArgumentException(misfit.get());
        }
        IssueRun run = context.issue(decision.repository(), issue == null ? 0 : issue);
        Authority.Actor sender = new Authority.Actor(decision.sender(), event.senderBot());
        if (asksForRetry(decision.label(), event)) {
          yield retry.retry(run, decision.label(), sender);
        }
        yield build.build(run, decision.label(), sender, event.issueSnapshot().orElse(null));
      }
      case REVIEW -> {
        if (pullRequest == null) {
          yield context.skip("review", "the event names no pull request");
        }
        PullRequest pr = pullRequest;
        Start start = Start.of(event);
        yield switch (step) {
          case ALL -> reviews(decision.repository(), pr, start);
          case CODE_REVIEW -> review(Stage.CODE_REVIEW, decision.repository(), pr, start);
          case SECURITY_REVIEW -> review(Stage.SECURITY_REVIEW, decision.repository(), pr, start);
          case DECISION -> decide(decision.repository(), pr, reports);
        };
      }
      case IMAGE ->
          context.skip("image", "the image workflow builds images; hydra run performs no stage");
    };
  }

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
      RepoRef repo, int number, @Nullable String labeller, @Nullable Issue seen)
      throws ForgeException, InterruptedException {
    return build.build(
        context.issue(repo, number), context.scheme().trigger(), actor(labeller), seen);
  }

  /**
   * Performs the build of an issue whose {@code rebuild:queued} a person applied after {@code
   * needs-input}: a reset to {@code build:running}, then the build as usual.
   *
   * @param labeller who added {@code rebuild:queued} according to the event, or null to read the
   *     issue's label history
   * @param seen the issue as the event saw it, or null (see {@link #build(RepoRef, int, String,
   *     Issue)})
   */
  public PipelineResult rebuild(
      RepoRef repo, int number, @Nullable String labeller, @Nullable Issue seen)
      throws ForgeException, InterruptedException {
    return build.build(
        context.issue(repo, number),
        BuildKind.RESET.label(context.scheme()),
        actor(labeller),
        seen);
  }

  /**
   * Performs the one fixer pass a person asked for with {@code retry:queued} after {@code
   * needs-input} ({@link RetryStep}): on the pull request of the round, from its findings, then
   * both reviews queued again (round 2).
   *
   * @param labeller who added {@code retry:queued} according to the event, or null to read the
   *     issue's label history
   */
  public PipelineResult retry(RepoRef repo, int number, @Nullable String labeller)
      throws ForgeException, InterruptedException {
    return retry.retry(
        context.issue(repo, number),
        context.scheme().name(Stage.RETRY, StageState.QUEUED),
        actor(labeller));
  }

  /**
   * Whether a build-workflow event asks for the retry: the event added {@code retry:queued}, or it
   * does not say which label it added and the issue carries {@code retry:queued} (older Forgejo).
   */
  private boolean asksForRetry(@Nullable String added, ForgeEvent event) {
    String label = context.scheme().name(Stage.RETRY, StageState.QUEUED);
    if (added != null) {
      return added.equals(label);
    }
    return event.issueSnapshot().map(i -> i.labels().contains(label)).orElse(false);
  }

  private static Authority.@Nullable Actor actor(@Nullable String login) {
    return login == null ? null : new Authority.Actor(login, false);
  }

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
    Optional<String> mismatch = Closes.mismatch(pr);
    if (mismatch.isPresent()) {
      return GuardStep.stopped(context, repo, pr, mismatch.get());
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
   * access ({@code AuthorityStep.reviewRefused}).
   */
  PipelineResult review(Stage stage, RepoRef repo, PullRequest pr, @Nullable Start start)
      throws ForgeException, InterruptedException {
    return review.review(stage, repo, pr, start);
  }

  /**
   * The decision after both reviews (SPEC §4), as the builder: both reviews' outcomes and the
   * decision in one label write, then {@code done} (the PR ready for review, merged on an
   * authorised {@code yolo}), the applier when a reviewer pushed fixes, or {@code needs-input}.
   *
   * @param reports the two reviews' reports; a missing one counts as a failed review
   */
  public PipelineResult decide(RepoRef repo, PullRequest pr, Map<Stage, ReviewReport> reports)
      throws ForgeException, InterruptedException {
    return decision.decide(repo, pr, reports);
  }

  /**
   * Recovers the stages of an issue left queued or running past their timeout plus the grace
   * period: {@code :fail} + {@code needs-input} and one comment. Does nothing otherwise.
   */
  public PipelineResult reconcile(RepoRef repo, int number) throws ForgeException {
    return recovery.reconcile(context.issue(repo, number));
  }
}
