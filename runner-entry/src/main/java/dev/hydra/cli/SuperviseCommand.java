package dev.hydra.cli;

import dev.hydra.config.HydraSettings;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.CredentialNeeds;
import dev.hydra.credentials.CredentialSources;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.RepoRef;
import dev.hydra.forges.Forges;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.supervise.ClaudeAccounts;
import dev.hydra.supervise.JobPlanner;
import dev.hydra.supervise.MetricsServer;
import dev.hydra.supervise.PipelineJobs;
import dev.hydra.supervise.Pool;
import dev.hydra.supervise.Supervisor;
import dev.hydra.supervise.SupervisorLoop;
import dev.hydra.supervise.SupervisorMetrics;
import dev.hydra.text.Texts;
import dev.hydra.wiring.ForgeTarget;
import dev.hydra.wiring.RunWiring;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.cli.Options;
import org.jspecify.annotations.Nullable;

/**
 * {@code hydra supervise} (the daemon) and {@code hydra poll --once} (one cycle, for cron): the
 * local supervisor of {@code dev.hydra.supervise}. Parses, wires, calls, maps exit codes.
 */
final class SuperviseCommand implements CliCommand {

  /** Where the stages' token state is kept unless {@code HYDRA_TOKEN_STATE} names a file. */
  static final String DEFAULT_TOKEN_STATE = "state/claude-tokens.json";

  private final boolean once;

  /**
   * The command.
   *
   * @param once {@code hydra poll --once} when true, else {@code hydra supervise}
   */
  SuperviseCommand(boolean once) {
    this.once = once;
  }

  @Override
  public String name() {
    return once ? "poll" : "supervise";
  }

  @Override
  public String summary() {
    return once
        ? "One supervisor cycle (--once): poll, run what the labels ask for, exit; for cron."
        : "The local supervisor: poll repositories, run their stages in a pool of slots.";
  }

  @Override
  public String description() {
    return "Poll the repositories (--repos, or every repository of --owner, else"
        + " $GITHUB_REPOSITORY) with conditional requests, plan what their labels ask for"
        + " (trigger → build, rebuild:queued → rebuild, both reviews queued → reviews and"
        + " decision; every 10 minutes stale stages are recovered), and run it through the"
        + " pipeline of hydra run on the local Docker engine, at most --pool at once. Tokens:"
        + " secrets/credentials.json and secrets/.env, else HYDRA_<PERSONA>_TOKEN and"
        + " HYDRA_CLAUDE_TOKEN_n; the stages share what their gateways learn about the Claude"
        + " accounts in $HYDRA_TOKEN_STATE (default "
        + DEFAULT_TOKEN_STATE
        + "). "
        + (once
            ? "Runs one cycle and waits for its jobs. Exits 0."
            : "Serves /metrics and /healthz on --metrics; SIGTERM drains (no new claims,"
                + " running stages get --grace to finish, the rest are handed back). Exits 0.");
  }

  @Override
  public Options options() {
    Options options =
        ForgeOptionsCli.options()
            .addOption(CliOptions.arg("repos", "LIST", "Comma-separated OWNER/NAME to poll."))
            .addOption(CliOptions.arg("owner", "OWNER", "Poll every repository of this owner."))
            .addOption(
                CliOptions.arg("pool", "N", "Stages at once. Default: " + Pool.DEFAULT_SLOTS + "."))
            .addOption(CliOptions.arg("base", "BRANCH", "The branch PRs target. Default: main."))
            .addOption(
                CliOptions.arg(
                    "records", "DIR", "Write one JSON run record per stage here. Default: none."))
            .addOption(DockerOptions.network())
            .addOption(DockerOptions.docker());
    if (once) {
      return options.addOption(CliOptions.flag("once", "Run one cycle and exit (required)."));
    }
    return options
        .addOption(CliOptions.arg("interval", "SECONDS", "Between polls. Default: 60."))
        .addOption(
            CliOptions.arg(
                "grace",
                "SECONDS",
                "On SIGTERM, how long running stages may finish. Default: 300."))
        .addOption(
            CliOptions.arg(
                "metrics",
                "HOST:PORT",
                "Where /metrics and /healthz listen. Default: 127.0.0.1:9464; off for none."));
  }

  @Override
  public int run(Invocation in) throws Exception {
    if (once && !in.flag("once")) {
      throw new UsageException(
          in.command(), "hydra poll runs one cycle: pass --once (the daemon is hydra supervise)");
    }
    int slots = number(in, "pool", Pool.DEFAULT_SLOTS);
    // The stages share one token state, so what one gateway learnt about an account the next
    // stage knows, and /metrics counts the exhausted accounts from it.
    HydraSettings settings =
        ForgeOptionsCli.settings(in, Map.of(StageSettings.TOKEN_STATE, DEFAULT_TOKEN_STATE));
    List<RepoRef> repos = repos(in);
    ForgeTarget first =
        ForgeTarget.resolve(
            settings, repos.isEmpty() ? "" : repos.get(0).fullName(), in.option("api-url"));
    Credentials credentials =
        CredentialSources.load(
            Path.of("secrets/credentials.json"),
            Path.of("secrets/.env"),
            in.env(),
            CredentialNeeds.all());
    String builderToken = credentials.gitToken(Persona.BUILDER).reveal();
    IssueFeed feed =
        Forges.feed(
            settings.forge().type(),
            first.apiUrl(),
            Persona.BUILDER.id(),
            builderToken,
            ForgeOptions.defaults());
    if (in.flag("owner")) {
      repos = feed.repositories(in.option("owner"));
    } else if (repos.isEmpty()) {
      repos = List.of(first.repo());
    }
    PrintWriter err = in.err();
    String base = in.flag("base") ? in.option("base") : "main";
    String records = in.option("records");
    PipelineJobs jobs =
        new PipelineJobs(
            repo -> {
              ForgeTarget target =
                  ForgeTarget.resolve(settings, repo.fullName(), in.option("api-url"));
              RunWiring.Wired wired =
                  RunWiring.run(
                      target,
                      credentials,
                      Set.of(),
                      DockerOptions.of(in),
                      base,
                      records.isBlank() ? null : Path.of(records),
                      line -> err.println(WorkflowCommands.neutralise(line)),
                      line ->
                          err.println(
                              WorkflowCommands.neutralise("hydra " + name() + ": " + line)));
              return new PipelineJobs.Opened(
                  wired.pipeline(), target.open(Persona.BUILDER.id(), builderToken));
            });
    Pool pool = new Pool(slots);
    SupervisorMetrics metrics =
        new SupervisorMetrics(
            pool,
            ClaudeAccounts.fromState(
                Path.of(settings.stages().tokenState()),
                credentials.claudeTokens().stream().map(ClaudeToken::name).toList(),
                Clock.systemUTC()));
    Supervisor supervisor =
        new Supervisor(
            feed,
            new JobPlanner(settings.labels()),
            jobs,
            pool,
            metrics,
            Clock.systemUTC(),
            line -> err.println(WorkflowCommands.neutralise("hydra " + name() + ": " + line)));
    if (once) {
      Supervisor.Cycle cycle = supervisor.cycle(repos);
      supervisor.drain(Duration.ofDays(1));
      in.out().println(describe(repos, cycle));
      return ExitCodes.OK;
    }
    return daemon(in, supervisor, pool, metrics, repos);
  }

  private int daemon(
      Invocation in,
      Supervisor supervisor,
      Pool pool,
      SupervisorMetrics metrics,
      List<RepoRef> repos)
      throws Exception {
    Duration interval = Duration.ofSeconds(number(in, "interval", 60));
    Duration grace = Duration.ofSeconds(number(in, "grace", 300));
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch drained = new CountDownLatch(1);
    @Nullable MetricsServer server = metricsServer(in, metrics, stop);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    supervisor.drain(grace);
                    drained.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    in.err()
        .println(
            "hydra supervise: polling "
                + repos.size()
                + " repositories every "
                + interval.toSeconds()
                + " s"
                + (server == null ? "" : ", metrics on http://" + hostPort(server.address())));
    try {
      SupervisorLoop.run(
          supervisor,
          pool,
          repos,
          interval,
          stop,
          cycle -> in.out().println(describe(repos, cycle)));
    } finally {
      if (server != null) {
        server.close();
      }
      drained.countDown();
    }
    return ExitCodes.OK;
  }

  private static @Nullable MetricsServer metricsServer(
      Invocation in, SupervisorMetrics metrics, CountDownLatch stop) throws Exception {
    String address = in.flag("metrics") ? in.option("metrics") : "127.0.0.1:9464";
    if (address.equals("off")) {
      return null;
    }
    int colon = address.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException(
          in.command(), "--metrics: " + Texts.quote(address) + " is not HOST:PORT (or off)");
    }
    String host = colon <= 0 ? "127.0.0.1" : address.substring(0, colon);
    return MetricsServer.start(
        new InetSocketAddress(host, port), metrics::scrape, () -> stop.getCount() > 0);
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  private static String describe(List<RepoRef> repos, Supervisor.Cycle cycle) {
    return "cycle: "
        + repos.size()
        + " repositories, "
        + cycle.requests()
        + " requests ("
        + cycle.notModified()
        + " not modified), "
        + cycle.started()
        + " started, "
        + cycle.queued()
        + " queued, "
        + cycle.reconciled()
        + " reconciled, "
        + cycle.failures()
        + " failed polls";
  }

  private static List<RepoRef> repos(Invocation in) throws UsageException {
    List<RepoRef> repos = new ArrayList<>();
    if (in.flag("repos") && in.flag("owner")) {
      throw new UsageException(in.command(), "pass --repos or --owner, not both");
    }
    if (in.flag("repos")) {
      for (String name : in.option("repos").split(",", -1)) {
        try {
          repos.add(RepoRef.parse(name.strip()));
        } catch (IllegalArgumentException e) {
          throw new UsageException(
              in.command(), "--repos: " + Texts.quote(name) + " is not OWNER/NAME");
        }
      }
    }
    return repos;
  }

  private static int number(Invocation in, String option, int fallback) throws UsageException {
    if (!in.flag(option)) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(in.option(option).strip());
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException(
          in.command(),
          "--" + option + ": " + Texts.quote(in.option(option)) + " is not a positive number");
    }
  }
}
