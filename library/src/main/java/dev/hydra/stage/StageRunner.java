package dev.hydra.stage;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.StreamJsonClassifier;
import dev.hydra.agent.TokenRotation;
import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerPlan;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerRuntime;
import dev.hydra.container.ContainerSpec;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.secret.SecretMasker;
import dev.hydra.secret.StopCommands;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.text.Texts;
import dev.hydra.verdict.InvalidVerdictException;
import dev.hydra.verdict.Verdict;
import dev.hydra.verdict.VerdictReader;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage container with everything wired: the hardened {@link ContainerSpec} of the stage's
 * {@link StageProfile}, Claude token rotation, masked and timestamped output, and the verdict.
 *
 * <p>One {@link #run} does, in order:
 *
 * <ol>
 *   <li>in Actions, prints {@code ::add-mask::} for every form of every secret of the run, before
 *       anything else;
 *   <li>removes Hydra containers whose deadline has passed (a runner that crashed leaves them), and
 *       creates the dedicated network when it is missing;
 *   <li>runs the container once per attempt of {@link TokenRotation}: each attempt is a fresh
 *       container ({@code hydra-<stage>-<issue>-<random>}, labelled with stage, repository, issue
 *       and deadline) that gets exactly two secrets — the stage persona's {@code GIT_TOKEN} and the
 *       one Claude token of that attempt — through the runtime's env-file, and every other input as
 *       plain variables; its stdout lines go through {@link StreamJsonClassifier} to decide whether
 *       to rotate, and the last {@code HYDRA-VERDICT } line is kept for {@link VerdictReader};
 *   <li>reads the verdict of the last attempt and decides the {@link StageResult}.
 * </ol>
 *
 * <p>Every line that reaches the log sink — container stdout and stderr, and Hydra's own notes — is
 * masked with {@link SecretMasker} first, for every secret the credentials hold, and then has its
 * workflow commands neutralised ({@link WorkflowCommands#neutralise}); the classifier sees the
 * masked line. The verdict line is parsed as the container wrote it and every string of the decoded
 * verdict is masked after parsing: masking the JSON text first would miss a token written with JSON
 * escapes (a {@code \}{@code u0067} for {@code g}), which parsing then decodes. The pipeline masks
 * again at each sink. In Actions each container's output is also fenced with {@code
 * ::stop-commands::}. The only lines that bypass the masker are the {@code ::add-mask::}
 * registrations and the fence lines.
 *
 * <p>A timeout or an out-of-memory kill ends the stage: neither is a rate limit, so neither
 * rotates. A container that cannot be started ends it with {@link
 * StageResult.Status#RUNTIME_ERROR}.
 */
public final class StageRunner {

  private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

  /** Where the spec folder is mounted, read-only; {@code SPEC_PATH} says so to the entrypoint. */
  public static final String SPEC_MOUNT = "/spec";

  /**
   * How the runner behaves beyond the ports.
   *
   * @param network the dedicated network stage containers join (created when missing)
   * @param actions whether the log is an Actions log: register masks first, fence container output
   * @param maxOverloadRetries how often a run the provider refused as overloaded (529) is retried
   *     on the same token
   * @param overloadBackoff the longest first wait before such a retry; the longest wait doubles per
   *     retry, and each wait is drawn at random below it ({@link TokenRotation#overloadWait})
   */
  public record Options(
      String network, boolean actions, int maxOverloadRetries, Duration overloadBackoff) {

    /** The network of the original Hydra. */
    public static final String DEFAULT_NETWORK = "hydra-net";

    /** Checks the values. */
    public Options {
      if (network.isBlank()) {
        throw new IllegalArgumentException("network name must not be blank");
      }
      if (maxOverloadRetries < 0) {
        throw new IllegalArgumentException("overload retries must not be negative");
      }
      if (overloadBackoff.compareTo(TokenRotation.MIN_BACKOFF) < 0) {
        throw new IllegalArgumentException(
            "the overload back-off must be at least 1 ms: a zero wait would retry at once");
      }
    }

    /**
     * {@code hydra-net}, not Actions, two overload retries: the first after 1 to 30 s, the second
     * after 1 to 60 s.
     */
    public static Options defaults() {
      return new Options(DEFAULT_NETWORK, false, 2, Duration.ofSeconds(30));
    }

    /** The same options on another network. */
    public Options withNetwork(String name) {
      return new Options(name, actions, maxOverloadRetries, overloadBackoff);
    }

    /** The same options, in or out of Actions. */
    public Options withActions(boolean inActions) {
      return new Options(network, inActions, maxOverloadRetries, overloadBackoff);
    }
  }

  private final ContainerRuntime runtime;
  private final Clock clock;
  private final Consumer<String> log;
  private final Options options;
  private final Function<ClaudeTokenPool, TokenRotation> rotations;

  /**
   * Creates a runner with {@link Options#defaults()}.
   *
   * @param runtime runs the containers
   * @param clock for deadlines, timestamps and token resets
   * @param sleeper waits between overload retries
   * @param log receives every output line, masked and timestamped; called from several threads, one
   *     line at a time
   */
  public StageRunner(
      ContainerRuntime runtime, Clock clock, TokenRotation.Sleeper sleeper, Consumer<String> log) {
    this(runtime, clock, sleeper, log, Options.defaults());
  }

  /**
   * Creates a runner whose overload waits are drawn from an unseeded {@link Random}.
   *
   * @param runtime runs the containers
   * @param clock for deadlines, timestamps and token resets
   * @param sleeper waits between overload retries
   * @param log receives every output line, masked and timestamped, one line at a time
   * @param options network, Actions mode and overload retries
   */
  public StageRunner(
      ContainerRuntime runtime,
      Clock clock,
      TokenRotation.Sleeper sleeper,
      Consumer<String> log,
      Options options) {
    this(runtime, clock, sleeper, new Random(), log, options);
  }

  /**
   * Creates a runner.
   *
   * @param runtime runs the containers
   * @param clock for deadlines, timestamps and token resets
   * @param sleeper waits between overload retries
   * @param jitter draws each overload wait ({@link TokenRotation#overloadWait}); shared by the runs
   *     of this runner, so thread-safe when runs overlap ({@link Random} is); seeded in tests
   * @param log receives every output line, masked and timestamped, one line at a time
   * @param options network, Actions mode and overload retries
   */
  public StageRunner(
      ContainerRuntime runtime,
      Clock clock,
      TokenRotation.Sleeper sleeper,
      RandomGenerator jitter,
      Consumer<String> log,
      Options options) {
    this.runtime = runtime;
    this.clock = clock;
    this.log = log;
    this.options = options;
    this.rotations =
        pool ->
            new TokenRotation(
                pool,
                clock,
                sleeper,
                jitter,
                options.maxOverloadRetries(),
                options.overloadBackoff());
  }

  /**
   * Runs the stage with a fresh token pool: every Claude token of the credentials, in order.
   *
   * @see #run(StageRequest, ClaudeTokenPool)
   */
  public StageResult run(StageRequest request) throws InterruptedException {
    List<String> names =
        request.credentials().claudeTokens().stream().map(ClaudeToken::name).toList();
    return run(request, new ClaudeTokenPool(names));
  }

  /**
   * Runs the stage, rotating through the pool's tokens as the agent's runs require.
   *
   * @param request what to run
   * @param pool the Claude tokens by name and what is known about them; updated in place (exhausted
   *     until a reset, quarantined), so that a long-running caller can save it with {@code
   *     TokenPoolState}
   * @return how the stage ended; never throws for a stage or runtime failure
   * @throws InterruptedException when the runner is interrupted; the runtime removes the container
   * @throws IllegalArgumentException when the spec folder is not a directory, or the pool names a
   *     token the credentials do not hold
   */
  public StageResult run(StageRequest request, ClaudeTokenPool pool) throws InterruptedException {
    Instant start = clock.instant();
    Credentials credentials = request.credentials();
    for (String name : pool.names()) {
      StageContainers.claudeToken(credentials, name);
    }
    request
        .spec()
        .ifPresent(
            dir -> {
              if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(
                    "the spec folder " + Texts.quote(dir.toString()) + " is not a directory");
              }
            });
    // Loading the verdict schema takes ~0.15 s; do it while Docker starts the container.
    Thread warmUp = new Thread(VerdictReader::warmUp, "hydra-verdict-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    StageOutput out =
        new StageOutput(
            SecretMasker.of(credentials.secrets()), request.profile().stage().id(), clock, log);
    if (options.actions()) {
      // Before anything else is printed (security-anchors §1.5); these must bypass the masker.
      WorkflowCommands.addMaskLines(credentials.secrets()).forEach(out::raw);
    }
    LOG.info("stage {} started for {}", request.profile().stage().id(), request.issueUrl());
    out.note(
        "stage "
            + request.profile().stage().id()
            + " for "
            + request.issueUrl()
            + " as persona "
            + request.profile().persona().id()
            + ", image "
            + request.image()
            + ", timeout "
            + request.profile().timeout());

    Run run = new Run();
    try {
      List<String> swept = runtime.sweepExpired(clock.instant());
      if (!swept.isEmpty()) {
        out.note("removed containers past their deadline: " + String.join(", ", swept));
      }
      runtime.ensureNetwork(options.network());
    } catch (ContainerException e) {
      return finish(
          request,
          run,
          start,
          out,
          StageResult.Status.RUNTIME_ERROR,
          String.valueOf(e.getMessage()),
          null,
          "no container ran");
    }

    TokenRotation.Result rotated =
        rotations.apply(pool).run(token -> attempt(request, token, out, run));
    return decide(request, rotated, run, start, out);
  }

  /**
   * Describes the container the first attempt of {@link #run} would start, without starting it or
   * writing anything: the same {@link ContainerSpec} (name, limits, capabilities, network, labels,
   * variables, the first Claude token of the request) turned into the runtime's own command. For
   * plans shown to people, when no container can run.
   *
   * <p>No secret value is in the result: secret variables are shown by name with {@code ***}, and
   * every argument and value is also masked like the log, for every form of every token the
   * credentials hold.
   *
   * @param request what would run
   * @return the plan
   */
  public StagePlan plan(StageRequest request) {
    Credentials credentials = request.credentials();
    if (credentials.claudeTokens().isEmpty()) {
      throw new IllegalArgumentException("the request holds no Claude token"); // checked earlier
    }
    String name = StageContainers.containerName(request);
    ContainerPlan plan =
        runtime.plan(
            StageContainers.spec(
                request, name, credentials.claudeTokens().get(0), options.network()));
    SecretMasker masker = SecretMasker.of(credentials.secrets());
    Map<String, String> environment = new LinkedHashMap<>();
    plan.environment().forEach((key, value) -> environment.put(key, masker.mask(value)));
    return new StagePlan(
        name, request.image(), plan.command().stream().map(masker::mask).toList(), environment);
  }

  private AgentOutcome attempt(StageRequest request, String tokenName, StageOutput out, Run run)
      throws InterruptedException {
    ClaudeToken token = StageContainers.claudeToken(request.credentials(), tokenName);
    String name = StageContainers.containerName(request);
    ContainerSpec spec = StageContainers.spec(request, name, token, options.network());
    out.note(
        "attempt "
            + (run.attempts.size() + 1)
            + ": container "
            + name
            + ", Claude token "
            + tokenName);
    StageCapture capture = new StageCapture(out);
    StopCommands fence = options.actions() ? WorkflowCommands.stopCommands() : null;
    if (fence != null) {
      out.raw(fence.stopLine());
    }
    ContainerResult result;
    try {
      result = runtime.run(spec, capture::stdout, capture::stderr);
    } catch (ContainerException e) {
      run.runtimeError = String.valueOf(e.getMessage());
      AgentOutcome failed =
          new AgentOutcome.Failed("the container could not run: " + e.getMessage());
      run.attempts.add(new StageResult.Attempt(tokenName, name, null, failed));
      return failed;
    } finally {
      if (fence != null) {
        out.raw(fence.resumeLine());
      }
    }
    AgentOutcome outcome;
    if (result.timedOut()) {
      outcome = new AgentOutcome.Failed("the container " + result.describe());
    } else if (result.outOfMemory()) {
      outcome = new AgentOutcome.Failed("the container was " + result.describe());
    } else {
      outcome = capture.outcome(result.exitCode());
    }
    run.attempts.add(new StageResult.Attempt(tokenName, name, result, outcome));
    run.verdictLine = capture.verdictLine();
    out.note("container " + name + " ended with " + result.describe() + "; " + outcome.describe());
    return outcome;
  }

  private StageResult decide(
      StageRequest request, TokenRotation.Result rotated, Run run, Instant start, StageOutput out) {
    StageResult.Attempt last =
        run.attempts.isEmpty() ? null : run.attempts.get(run.attempts.size() - 1);
    ContainerResult container = last == null ? null : last.result();
    Verdict verdict = null;
    String problem;
    if (container == null) {
      problem = "no container ran";
    } else {
      try {
        String line = run.verdictLine;
        verdict =
            StageVerdicts.masked(
                VerdictReader.read(
                    request.profile().stage(), line == null ? List.of() : List.of(line)),
                out.masker());
        problem = null;
      } catch (InvalidVerdictException e) {
        problem = e.getMessage();
      }
    }
    StageVerdicts decided =
        StageVerdicts.decide(
            request.profile(), rotated, container, verdict, problem, run.runtimeError);
    return finish(request, run, start, out, decided.status(), decided.message(), verdict, problem);
  }

  private StageResult finish(
      StageRequest request,
      Run run,
      Instant start,
      StageOutput out,
      StageResult.Status status,
      String message,
      @Nullable Verdict verdict,
      @Nullable String problem) {
    int turns = 0;
    double cost = 0;
    if (verdict != null) {
      turns = verdict.turns();
      cost = verdict.costUsd();
    } else if (!run.attempts.isEmpty()) {
      AgentOutcome last = run.attempts.get(run.attempts.size() - 1).outcome();
      if (last instanceof AgentOutcome.Completed c) {
        turns = c.turns();
        cost = c.costUsd();
      } else if (last instanceof AgentOutcome.BudgetExhausted b) {
        turns = b.turns();
      }
    }
    StageResult result =
        new StageResult(
            request.profile().stage(),
            request.profile().persona(),
            request.image(),
            status,
            out.mask(message),
            run.attempts,
            verdict,
            problem == null ? null : out.mask(problem),
            turns,
            cost,
            Duration.between(start, clock.instant()));
    out.note(result.describe());
    // A milestone, not a warning: the caller reports the outcome to people.
    LOG.info("stage {} ended {}", result.stage().id(), result.status().id());
    return result;
  }

  /** What the attempts of one run leave for the decision. */
  private static final class Run {
    final List<StageResult.Attempt> attempts = new ArrayList<>();
    @Nullable String verdictLine;
    @Nullable String runtimeError;
  }
}
