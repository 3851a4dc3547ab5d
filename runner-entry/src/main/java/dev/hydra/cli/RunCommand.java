package dev.hydra.cli;

import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.credentials.CredentialNeeds;
import dev.hydra.credentials.CredentialSources;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeType;
import dev.hydra.label.Stage;
import dev.hydra.ops.TokenAccess;
import dev.hydra.pipeline.ActionsOutput;
import dev.hydra.pipeline.MaskingForge;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.ReviewReport;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.pipeline.Step;
import dev.hydra.route.RouteDecision;
import dev.hydra.route.Router;
import dev.hydra.route.Workflow;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.stage.StageRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code hydra run}: the command the workflows call. Routes the event, then performs the stage with
 * {@link Pipeline}; writes {@code GITHUB_OUTPUT} and the job summary. Wiring only.
 */
final class RunCommand implements CliCommand {

  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "Route the event and perform its stage: build, or both reviews and the decision.";
  }

  @Override
  public String description() {
    return "Route the event (Actions environment or --event/--event-name) and perform the stage:"
        + " guard on the live issue, claim it once, run the persona's container, post as that"
        + " persona, advance the labels. Tokens: HYDRA_<PERSONA>_TOKEN and HYDRA_CLAUDE_TOKEN_n"
        + " (or secrets/). Authority labels count only from users with write access; on Forgejo,"
        + " whose permission endpoint is admin-only, from the logins in HYDRA_TRUSTED_LABELERS."
        + " In the review workflow each job performs one step: --stage (or HYDRA_STAGE)"
        + " code-review, security-review, or decision, which reads the reviews' reports from"
        + " HYDRA_REVIEW_REPORTS (toJSON(needs)); empty performs the whole stage. Each step"
        + " loads only its own personas' tokens. Writes stage, outcome, pr_number, pr_url, reason"
        + " (and a review's report) to $GITHUB_OUTPUT and a table to $GITHUB_STEP_SUMMARY. Exits"
        + " 0 when the stage passed, a review ran, or nothing was to be done; 1 when the issue"
        + " needs a person or Hydra stopped.";
  }

  @Override
  public Options options() {
    Options options = ForgeOptionsCli.options();
    EventOptions.options().getOptions().stream()
        .filter(o -> options.getOption(o.getLongOpt()) == null)
        .forEach(options::addOption);
    return options
        .addOption(
            Option.builder()
                .longOpt("stage")
                .hasArg()
                .argName("STEP")
                .desc(
                    "code-review, security-review or decision: one job of the review workflow."
                        + " Default: $HYDRA_STAGE, else the whole stage.")
                .get())
        .addOption(
            Option.builder()
                .longOpt("records")
                .hasArg()
                .argName("DIR")
                .desc("Write one JSON run record per stage here. Default: $HYDRA_RUN_RECORDS.")
                .get())
        .addOption(DockerOptions.network())
        .addOption(DockerOptions.docker());
  }

  @Override
  public int run(Invocation in) throws Exception {
    EventOptions.Loaded loaded = EventOptions.load(in);
    Step step;
    try {
      step = Step.parse(in.option("stage", "HYDRA_STAGE"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          in.command(),
          (in.flag("stage") ? "--stage " : "HYDRA_STAGE ") + String.valueOf(e.getMessage()));
    }
    RouteDecision decision =
        Router.route(loaded.event(), loaded.settings().labels(), loaded.settings().forge());
    if (decision.runs()
        && decision.runningWorkflow().orElseThrow() == Workflow.BUILD
        && step != Step.ALL) {
      throw new UsageException(
          in.command(),
          "--stage/HYDRA_STAGE "
              + step.id()
              + " is for the review workflow, but this event starts a build; leave it empty in"
              + " the build workflow");
    }
    Map<Stage, ReviewReport> reports = Map.of();
    if (decision.runs() && step == Step.DECISION) {
      try {
        reports = ReviewReport.fromNeeds(in.env().getOrDefault(REVIEW_REPORTS, ""));
      } catch (IllegalArgumentException e) {
        throw new UsageException(in.command(), String.valueOf(e.getMessage()));
      }
    }
    if (!decision.runs()) {
      in.err().println(WorkflowCommands.neutralise("hydra run: skip: " + decision.reason()));
      PipelineResult skipped =
          new PipelineResult(
              "route", PipelineResult.Status.SKIPPED, decision.reason(), null, null, List.of());
      return finish(in, skipped, SecretMasker.NONE);
    }
    // Before anything is claimed: a missing image prefix or a bad timeout must stop the job with
    // exit 2 and nothing changed, not after the claim with the issue left running.
    RunnerStageExecutor.check(stages(decision, step), in.env());
    Map<String, String> env = new HashMap<>(in.env());
    env.putIfAbsent("GITHUB_REPOSITORY", decision.repository().fullName());
    if (env.getOrDefault("GITHUB_REPOSITORY", "").isBlank()) {
      env.put("GITHUB_REPOSITORY", decision.repository().fullName());
    }
    Invocation wired = new Invocation(in.command(), in.args(), env, in.out(), in.err());
    ForgeOptionsCli.Target target = ForgeOptionsCli.resolve(wired);
    Credentials credentials =
        CredentialSources.require(
            CredentialSources.firstOf(
                CredentialSources.file(
                    Path.of("secrets/credentials.json"),
                    Path.of("secrets/.env"),
                    needs(decision, step)),
                CredentialSources.env(env, needs(decision, step))));
    // Every text Hydra writes — to the forge, the log, the outputs, the summary — is masked for
    // every token of the run at the last moment, on the decoded text (docs/security.md).
    SecretMasker masker = SecretMasker.of(credentials.secrets());
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    Map<Persona, String> sources = new EnumMap<>(Persona.class);
    for (Map.Entry<Persona, Secret> token : credentials.gitTokens().entrySet()) {
      Persona persona = token.getKey();
      sources.put(persona, token.getValue().name());
      forges.put(
          persona, target.open(persona.id(), token.getValue().name(), token.getValue().reveal()));
    }
    // SPEC §6: an admin token is refused before anything is written (one read per persona).
    TokenAccess.requireNoAdmin(decision.repository(), forges, sources);
    forges = MaskingForge.wrap(forges, masker);
    Clock clock = Clock.systemUTC();
    StageRunner runner =
        new StageRunner(
            DockerCliRuntime.create(or(in.option("docker", "HYDRA_DOCKER"), "docker"), clock),
            clock,
            wait -> Thread.sleep(wait.toMillis()),
            line -> in.err().println(WorkflowCommands.neutralise(masker.mask(line))),
            StageRunner.Options.defaults()
                .withNetwork(
                    or(in.option("network", "HYDRA_NETWORK"), StageRunner.Options.DEFAULT_NETWORK))
                .withActions("true".equals(env.get("GITHUB_ACTIONS"))));
    String records = in.option("records", "HYDRA_RUN_RECORDS");
    PipelineOptions options =
        PipelineOptions.defaults(loaded.settings().labels())
            .withStageTimeouts(env)
            .withTrustedLabelers(PipelineOptions.trustedLabelers(env))
            .withPersonaLogins(PipelineOptions.personaLogins(env))
            .withBaseBranch(
                loaded.event().defaultBranch().isBlank() ? "main" : loaded.event().defaultBranch())
            .withRunRecordDir(records.isBlank() ? null : Path.of(records));
    Pipeline pipeline =
        new Pipeline(
            forges,
            new RunnerStageExecutor(runner, env, credentials, webUrl(target, env)),
            options,
            line ->
                in.err().println(WorkflowCommands.neutralise(masker.mask("hydra run: " + line))));
    return finish(in, pipeline.run(decision, loaded.event(), step, reports), masker);
  }

  /** The variable the decision job's reports arrive in: {@code toJSON(needs)}. */
  static final String REVIEW_REPORTS = "HYDRA_REVIEW_REPORTS";

  /** The personas a step acts as: each job holds only its own tokens. */
  static CredentialNeeds needs(RouteDecision decision, Step step) {
    if (decision.runningWorkflow().orElse(null) == Workflow.BUILD) {
      return CredentialNeeds.of(Persona.BUILDER);
    }
    return switch (step) {
      case ALL -> CredentialNeeds.all();
      case CODE_REVIEW -> CredentialNeeds.of(Persona.REVIEWER);
      case SECURITY_REVIEW -> CredentialNeeds.of(Persona.SECURITY);
      case DECISION -> CredentialNeeds.of(Persona.BUILDER, Persona.APPLIER);
    };
  }

  /** The stages whose containers a step may start. */
  static List<Stage> stages(RouteDecision decision, Step step) {
    Workflow stage = decision.runningWorkflow().orElse(null);
    if (stage == null || stage == Workflow.IMAGE) {
      return List.of();
    }
    if (stage == Workflow.BUILD) {
      return List.of(Stage.BUILD);
    }
    return switch (step) {
      case ALL -> List.of(Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER);
      case CODE_REVIEW -> List.of(Stage.CODE_REVIEW);
      case SECURITY_REVIEW -> List.of(Stage.SECURITY_REVIEW);
      case DECISION -> List.of(Stage.APPLIER); // when a reviewer pushed fixes
    };
  }

  static int finish(Invocation in, PipelineResult result, SecretMasker masker)
      throws IOException, StageFailedException {
    append(
        in.env().getOrDefault("GITHUB_OUTPUT", ""),
        ActionsOutput.render(ActionsOutput.outputs(result, masker)));
    append(in.env().getOrDefault("GITHUB_STEP_SUMMARY", ""), ActionsOutput.summary(result, masker));
    in.out()
        .println(
            WorkflowCommands.neutralise(
                masker.mask(
                    result.stage() + ": " + result.status().id() + ": " + result.reason())));
    if (result.operatorMustSee()) {
      throw new StageFailedException(
          masker.mask(result.stage() + " " + result.status().id() + ": " + result.reason()));
    }
    return ExitCodes.OK;
  }

  /** Appends to an Actions file ({@code GITHUB_OUTPUT}, the summary); nothing when unset. */
  static void append(String file, String text) throws IOException {
    if (file.isBlank()) {
      return;
    }
    Files.writeString(
        Path.of(file),
        text,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  static String webUrl(ForgeOptionsCli.Target target, Map<String, String> env) {
    String server = env.getOrDefault("GITHUB_SERVER_URL", "");
    if (!server.isBlank()) {
      return server;
    }
    String api = target.apiUrl().toString();
    if (target.settings().forge().type() == ForgeType.GITHUB) {
      return api.contains("api.github.com")
          ? "https://github.com"
          : api.replaceFirst("/api/v3/?$", "");
    }
    return api.replaceFirst("/api/v1/?$", "");
  }

  private static String or(String value, String fallback) {
    return value.isBlank() ? fallback : value;
  }
}
