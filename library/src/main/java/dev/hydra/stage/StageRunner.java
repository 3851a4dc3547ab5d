package dev.hydra.stage;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.StreamJsonClassifier;
import dev.hydra.agent.TokenPoolState;
import dev.hydra.agent.TokenRotation;
import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerPlan;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerRuntime;
import dev.hydra.container.ContainerSpec;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.gateway.GatewayConfig;
import dev.hydra.gateway.ModelGateway;
import dev.hydra.gateway.StageUsage;
import dev.hydra.secret.SecretMasker;
import dev.hydra.secret.StopCommands;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.text.Texts;
import dev.hydra.verdict.InvalidVerdictException;
import dev.hydra.verdict.Verdict;
import dev.hydra.verdict.VerdictReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage container with everything wired: the hardened {@link ContainerSpec} of the stage's
 * {@link StageProfile}, the stage's own {@link ModelGateway}, masked and timestamped output, and
 * the verdict.
 *
 * <p>One {@link #run} does, in order:
 *
 * <ol>
 *   <li>in Actions, prints {@code ::add-mask::} for every form of every secret of the run, before
 *       anything else;
 *   <li>when no Claude token can run now (all parked until a reset, or refused), ends the stage
 *       without a container;
 *   <li>removes Hydra containers whose deadline has passed (a runner that crashed leaves them), and
 *       creates the dedicated network when it is missing, learning its gateway address;
 *   <li>starts the stage's model gateway on that address (a free port), forwarding to the
 *       configured upstream with the real Claude tokens, rotating per request through the pool, and
 *       holding the stage's token budget;
 *   <li>runs ONE container ({@code hydra-<stage>-<issue>-<random>}, labelled with stage,
 *       repository, issue and deadline) with the workspace and input mounted and plain variables
 *       only: the gateway's URL and a fresh placeholder credential, never a token (runner ⇄ image
 *       contract v2). Its stdout lines go through {@link StreamJsonClassifier}, and the last {@code
 *       HYDRA-VERDICT } line is kept for {@link VerdictReader};
 *   <li>stops the gateway, whatever happened, and decides the {@link StageResult} from the
 *       container, the agent's ending, the gateway's {@link StageUsage} and the verdict.
 * </ol>
 *
 * <p>A rate limit in the middle of the stage costs no turn and no restart: the gateway replays the
 * request on the next account. Only when no account is left does the agent end on the error, and
 * the stage is "rate-limited on all accounts" (or its tokens refused).
 *
 * <p>Every line that reaches the log sink — container stdout and stderr, and Hydra's own notes — is
 * masked with {@link SecretMasker} first, for every secret the credentials hold, and then has its
 * workflow commands neutralised ({@link WorkflowCommands#neutralise}); the classifier sees the
 * masked line. The verdict line is parsed as the container wrote it and every string of the decoded
 * verdict is masked after parsing: masking the JSON text first would miss a token written with JSON
 * escapes (a {@code \}{@code u0067} for {@code g}), which parsing then decodes. The pipeline masks
 * again at each sink. In Actions the container's output is also fenced with {@code
 * ::stop-commands::}. The only lines that bypass the masker are the {@code ::add-mask::}
 * registrations and the fence lines.
 *
 * <p>A timeout or an out-of-memory kill ends the stage as such. A container or gateway that cannot
 * be started ends it with {@link StageResult.Status#RUNTIME_ERROR}.
 */
public final class StageRunner {

  private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

  /**
   * How the runner behaves beyond the ports.
   *
   * @param network the dedicated network stage containers join (created when missing)
   * @param actions whether the log is an Actions log: register masks first, fence container output
   * @param maxOverloadRetries how often the gateway retries one request the provider refused as
   *     overloaded (529, 5xx) on the same token
   * @param overloadBackoff the longest first wait before such a retry; the longest wait doubles per
   *     retry, and each wait is drawn at random below it ({@link TokenRotation#overloadWait})
   * @param modelUpstream where the gateway forwards the agent's requests ({@link
   *     StageProfile#modelUpstream})
   * @param tokenState the file that remembers exhausted and refused Claude tokens across runs
   *     ({@link TokenPoolState}), read before and written after each {@link #run(StageRequest,
   *     StageMounts)}; empty for none
   * @param resolver resolves the names a stage container may reach, pinned in its {@code
   *     /etc/hosts} ({@link EgressPins})
   */
  public record Options(
      String network,
      boolean actions,
      int maxOverloadRetries,
      Duration overloadBackoff,
      URI modelUpstream,
      Optional<Path> tokenState,
      EgressPins.Resolver resolver) {

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
      GatewayConfig.checkUpstream(modelUpstream);
    }

    /**
     * {@code hydra-net}, not Actions, two overload retries per request (the first after 1 to 30 s,
     * the second after 1 to 60 s), the Messages API, no token state.
     */
    public static Options defaults() {
      return new Options(
          DEFAULT_NETWORK,
          false,
          2,
          Duration.ofSeconds(30),
          GatewayConfig.ANTHROPIC,
          Optional.empty(),
          EgressPins.Resolver.system());
    }

    /** The same options on another network. */
    public Options withNetwork(String name) {
      return new Options(
          name, actions, maxOverloadRetries, overloadBackoff, modelUpstream, tokenState, resolver);
    }

    /** The same options, in or out of Actions. */
    public Options withActions(boolean inActions) {
      return new Options(
          network,
          inActions,
          maxOverloadRetries,
          overloadBackoff,
          modelUpstream,
          tokenState,
          resolver);
    }

    /** The same options with another upstream. */
    public Options withModelUpstream(URI upstream) {
      return new Options(
          network, actions, maxOverloadRetries, overloadBackoff, upstream, tokenState, resolver);
    }

    /** The same options, remembering tokens in this file (or not, when empty). */
    public Options withTokenState(Optional<Path> file) {
      return new Options(
          network, actions, maxOverloadRetries, overloadBackoff, modelUpstream, file, resolver);
    }

    /** The same options, resolving the pinned names with this resolver. */
    public Options withResolver(EgressPins.Resolver names) {
      return new Options(
          network, actions, maxOverloadRetries, overloadBackoff, modelUpstream, tokenState, names);
    }
  }

  private final ContainerRuntime runtime;
  private final Clock clock;
  private final TokenRotation.Sleeper sleeper;
  private final RandomGenerator jitter;
  private final Consumer<String> log;
  private final Options options;

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
   * @param options network, Actions mode, overload retries, upstream and token state
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
   * @param options network, Actions mode, overload retries, upstream and token state
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
    this.sleeper = sleeper;
    this.jitter = jitter;
    this.log = log;
    this.options = options;
  }

  /** The options this runner runs with. */
  public Options options() {
    return options;
  }

  /** The same runner (runtime, clock, sleeper, jitter, log) with other options. */
  public StageRunner withOptions(Options other) {
    return new StageRunner(runtime, clock, sleeper, jitter, log, other);
  }

  /**
   * Runs the stage with a token pool of every Claude token of the credentials, in order, which
   * remembers what the token-state file of the options says ({@link Options#tokenState}) and writes
   * back what this stage learned. A state file that cannot be read is reported and replaced.
   *
   * @see #run(StageRequest, StageMounts, ClaudeTokenPool)
   */
  public StageResult run(StageRequest request, StageMounts mounts) throws InterruptedException {
    List<String> names =
        request.credentials().claudeTokens().stream().map(ClaudeToken::name).toList();
    ClaudeTokenPool pool = new ClaudeTokenPool(names);
    Optional<Path> state = options.tokenState();
    if (state.isPresent()) {
      try {
        TokenPoolState.load(state.get(), pool);
      } catch (IOException e) {
        LOG.warn(
            "cannot read the token state {}; every token counts as available: {}",
            state.get(),
            e.getMessage());
      }
    }
    try {
      return run(request, mounts, pool);
    } finally {
      if (state.isPresent()) {
        try {
          TokenPoolState.save(state.get(), pool, clock.instant());
        } catch (IOException e) {
          LOG.warn("cannot save the token state {}: {}", state.get(), e.getMessage());
        }
      }
    }
  }

  /**
   * Runs the stage: one container, its model gateway rotating through the pool's tokens per
   * request.
   *
   * @param request what to run
   * @param mounts the workspace and input folders, and their variables
   * @param pool the Claude tokens by name and what is known about them; updated in place by the
   *     gateway (exhausted until a reset, quarantined), so that a caller can save it with {@link
   *     TokenPoolState}
   * @return how the stage ended; never throws for a stage or runtime failure
   * @throws InterruptedException when the runner is interrupted; the runtime removes the container
   * @throws IllegalArgumentException when a mounted folder is not a directory, or the pool names a
   *     token the credentials do not hold
   */
  public StageResult run(StageRequest request, StageMounts mounts, ClaudeTokenPool pool)
      throws InterruptedException {
    Instant start = clock.instant();
    Credentials credentials = request.credentials();
    for (String name : pool.names()) {
      StageContainers.claudeToken(credentials, name);
    }
    requireDirectory("workspace", mounts.workspace());
    requireDirectory("input", mounts.input());
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
    Optional<TokenRotation.Result> none = TokenRotation.unavailable(pool, start);
    if (none.isPresent()) {
      StageVerdicts ended = StageVerdicts.noTokenLeft(none.get());
      return finish(request, run, start, out, ended.status(), ended.message(), null, NO_CONTAINER);
    }
    InetAddress address;
    try {
      List<String> swept = runtime.sweepExpired(clock.instant());
      if (!swept.isEmpty()) {
        out.note("removed containers past their deadline: " + String.join(", ", swept));
      }
      address = runtime.ensureNetwork(options.network());
    } catch (ContainerException e) {
      return runtimeError(request, run, start, out, String.valueOf(e.getMessage()));
    }
    GatewayConfig config =
        new GatewayConfig(
            new InetSocketAddress(address, 0),
            options.modelUpstream(),
            GatewayConfig.newPlaceholder(),
            request.profile().tokenBudget(),
            options.maxOverloadRetries(),
            options.overloadBackoff());
    ModelGateway gateway;
    try {
      gateway =
          ModelGateway.start(config, credentials.claudeTokens(), pool, clock, sleeper, jitter);
    } catch (IOException e) {
      return runtimeError(
          request,
          run,
          start,
          out,
          "the model gateway cannot listen on "
              + address.getHostAddress()
              + " (the gateway of network "
              + options.network()
              + "): "
              + e.getMessage());
    }
    try (gateway) {
      out.note(
          "model gateway at "
              + gateway.baseUrl()
              + " for this stage only, forwarding to "
              + options.modelUpstream()
              + " with accounts "
              + String.join(", ", pool.names())
              + request.profile().tokenBudget().stream()
                  .mapToObj(b -> ", budget " + b + " tokens")
                  .findFirst()
                  .orElse(""));
      container(request, mounts, gateway, config.placeholder(), out, run);
    } finally {
      run.usage = gateway.usage();
    }
    return decide(request, pool, run, start, out);
  }

  /**
   * Describes the container {@link #run} would start, without starting it or writing anything: the
   * same {@link ContainerSpec} (name, limits, capabilities, network, labels, mounts, variables)
   * turned into the runtime's own command. The gateway's address is known only once the network is
   * there, so {@code ANTHROPIC_BASE_URL} is shown as {@code http://<gateway of NETWORK>:<port>};
   * the placeholder is a fresh one, as each stage gets. For plans shown to people, when no
   * container can run.
   *
   * <p>The container holds no secret; every argument and value is still masked like the log, for
   * every form of every token the credentials hold.
   *
   * @param request what would run
   * @param mounts the folders it would mount
   * @return the plan
   */
  public StagePlan plan(StageRequest request, StageMounts mounts) {
    String name = StageContainers.containerName(request);
    ContainerPlan plan =
        runtime.plan(
            StageContainers.spec(
                request,
                mounts,
                name,
                options.network(),
                "http://<gateway of " + options.network() + ">:<port>",
                GatewayConfig.newPlaceholder()));
    SecretMasker masker = SecretMasker.of(request.credentials().secrets());
    Map<String, String> environment = new LinkedHashMap<>();
    plan.environment().forEach((key, value) -> environment.put(key, masker.mask(value)));
    return new StagePlan(
        name, request.image(), plan.command().stream().map(masker::mask).toList(), environment);
  }

  private static void requireDirectory(String what, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "the " + what + " folder " + Texts.quote(dir.toString()) + " is not a directory");
    }
  }

  private void container(
      StageRequest request,
      StageMounts mounts,
      ModelGateway gateway,
      String placeholder,
      StageOutput out,
      Run run)
      throws InterruptedException {
    String name = StageContainers.containerName(request);
    ContainerSpec spec =
        StageContainers.spec(
                request, mounts, name, options.network(), gateway.baseUrl().toString(), placeholder)
            .withHosts(
                EgressPins.resolve(request.profile().stage(), options.resolver(), out::note));
    out.note("container " + name);
    run.container = name;
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
      run.outcome = new AgentOutcome.Failed("the container could not run: " + e.getMessage());
      return;
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
    run.result = result;
    run.outcome = outcome;
    run.verdictLine = capture.verdictLine();
    out.note("container " + name + " ended with " + result.describe() + "; " + outcome.describe());
  }

  private StageResult decide(
      StageRequest request, ClaudeTokenPool pool, Run run, Instant start, StageOutput out) {
    ContainerResult container = run.result;
    Verdict verdict = null;
    String problem;
    if (container == null) {
      problem = NO_CONTAINER;
    } else {
      try {
        String line = run.verdictLine;
        verdict =
            StageVerdicts.masked(
                VerdictReader.read(
                    request.profile().stage(),
                    request.mode(),
                    line == null ? List.of() : List.of(line)),
                out.masker());
        problem = null;
      } catch (InvalidVerdictException e) {
        problem = e.getMessage();
      }
    }
    StageVerdicts agentEnd =
        run.outcome == null
            ? null
            : StageVerdicts.agentEnd(run.outcome, run.usage, pool, clock.instant());
    StageVerdicts decided =
        StageVerdicts.decide(
            request.profile(), agentEnd, container, verdict, problem, run.runtimeError);
    return finish(request, run, start, out, decided.status(), decided.message(), verdict, problem);
  }

  private StageResult runtimeError(
      StageRequest request, Run run, Instant start, StageOutput out, String message) {
    return finish(
        request, run, start, out, StageResult.Status.RUNTIME_ERROR, message, null, NO_CONTAINER);
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
    AgentOutcome last = run.outcome;
    if (verdict != null) {
      turns = verdict.turns();
      cost = verdict.costUsd();
    } else if (last instanceof AgentOutcome.Completed c) {
      turns = c.turns();
      cost = c.costUsd();
    } else if (last instanceof AgentOutcome.BudgetExhausted b) {
      turns = b.turns();
    }
    List<StageResult.Attempt> attempts = new ArrayList<>();
    if (run.container != null && last != null) {
      attempts.add(
          new StageResult.Attempt(
              String.join(", ", run.usage.callsByAccount().keySet()),
              run.container,
              run.result,
              last));
    }
    StageResult result =
        new StageResult(
            request.profile().stage(),
            request.profile().persona(),
            request.image(),
            status,
            out.mask(message),
            attempts,
            verdict,
            problem == null ? null : out.mask(problem),
            turns,
            cost,
            Duration.between(start, clock.instant()),
            run.usage);
    out.note(result.describe());
    // A milestone, not a warning: the caller reports the outcome to people.
    LOG.info("stage {} ended {}", result.stage().id(), result.status().id());
    return result;
  }

  private static final String NO_CONTAINER = "no container ran";

  /** What the container of one run leaves for the decision. */
  private static final class Run {
    @Nullable String container;
    @Nullable ContainerResult result;
    @Nullable AgentOutcome outcome;
    @Nullable String verdictLine;
    @Nullable String runtimeError;
    StageUsage usage = StageUsage.NONE;
  }
}
