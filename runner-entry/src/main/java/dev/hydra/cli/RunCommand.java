package dev.hydra.cli;

import dev.hydra.config.HydraSettings;
import dev.hydra.config.RuntimeSettings;
import dev.hydra.credentials.CredentialSources;
import dev.hydra.credentials.Credentials;
import dev.hydra.label.Stage;
import dev.hydra.pipeline.ActionsOutput;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.ReviewReport;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.pipeline.Step;
import dev.hydra.route.RouteDecision;
import dev.hydra.route.Router;
import dev.hydra.secret.SecretMasker;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.wiring.ForgeTarget;
import dev.hydra.wiring.ImagePull;
import dev.hydra.wiring.RunPlan;
import dev.hydra.wiring.RunWiring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
            CliOptions.arg(
                "stage",
                "STEP",
                "code-review, security-review or decision: one job of the review workflow."
                    + " Default: $HYDRA_STAGE, else the whole stage."))
        .addOption(
            CliOptions.arg(
                "records",
                "DIR",
                "Write one JSON run record per stage here. Default: $HYDRA_RUN_RECORDS."))
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
    Optional<String> misfit = RunPlan.misfit(decision, step);
    if (misfit.isPresent()) {
      throw new UsageException(in.command(), misfit.get());
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
    RunPlan plan = RunPlan.of(decision, step);
    Map<String, String> env = new HashMap<>(in.env());
    if (env.getOrDefault("GITHUB_REPOSITORY", "").isBlank()) {
      env.put("GITHUB_REPOSITORY", decision.repository().fullName());
    }
    HydraSettings settings = HydraSettings.from(in.option("forge"), env);
    // Before anything is claimed: a missing image prefix or a bad timeout must stop the job with
    // exit 2 and nothing changed, not after the claim with the issue left running.
    RunnerStageExecutor.check(plan.stages(), settings.stages());
    // Then the images, before any token is used: one that is neither here nor pullable stops the
    // job with the fix, and the forge has not been asked anything. On Kubernetes the cluster's
    // nodes pull them, and this runner has no Docker engine to ask.
    if (settings.runtime().choice() instanceof RuntimeSettings.Docker) {
      ImagePull.ensure(
          ImagePull.images(plan.stages(), settings.stages()),
          in.env(),
          DockerOptions.of(in).docker(),
          line -> in.err().println(WorkflowCommands.neutralise("hydra run: " + line)));
    }
    ForgeTarget target = ForgeTarget.resolve(settings, in.option("repo"), in.option("api-url"));
    Credentials credentials =
        CredentialSources.load(
            Path.of("secrets/credentials.json"), Path.of("secrets/.env"), env, plan.needs());
    String records = in.option("records", "HYDRA_RUN_RECORDS");
    String base = loaded.event().defaultBranch();
    RunWiring.Wired wired =
        RunWiring.run(
            target,
            credentials,
            plan.pushOnly(),
            DockerOptions.of(in),
            base.isBlank() ? "main" : base,
            records.isBlank() ? null : Path.of(records),
            line -> in.err().println(WorkflowCommands.neutralise(line)),
            line -> in.err().println(WorkflowCommands.neutralise("hydra run: " + line)));
    return finish(
        in, wired.pipeline().run(decision, loaded.event(), step, reports), wired.masker());
  }

  /** The variable the decision job's reports arrive in: {@code toJSON(needs)}. */
  static final String REVIEW_REPORTS = "HYDRA_REVIEW_REPORTS";

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
}
