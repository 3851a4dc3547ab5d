package dev.hydra.cli;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.RuntimeSettings;
import dev.hydra.config.StageSettings;
import dev.hydra.container.ContainerException;
import dev.hydra.credentials.CredentialNeeds;
import dev.hydra.credentials.CredentialSources;
import dev.hydra.credentials.Credentials;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRequest;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Texts;
import dev.hydra.wiring.StageRuns;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.jspecify.annotations.Nullable;

/**
 * {@code hydra stage-run}: runs one stage container locally from flags and the environment, and
 * maps its result to an exit code. Wiring only; {@code StageRuns} and the stage runner do the work.
 */
final class StageRunCommand implements CliCommand {

  @Override
  public String name() {
    return "stage-run";
  }

  @Override
  public String summary() {
    return "Run one stage container locally (hardened, model gateway, masked log, verdict).";
  }

  @Override
  public String description() {
    return "Run one stage container on the local Docker engine, as the pipeline does: the"
        + " stage's limits, capabilities and timeout, no token in the container: its model"
        + " gateway holds the Claude tokens and rotates per request when an account hits its"
        + " limit, every"
        + " output line masked and timestamped on stdout, and the verdict read from the last"
        + " HYDRA-VERDICT line. Credentials come from secrets/credentials.json and secrets/.env,"
        + " else from the environment (HYDRA_<PERSONA>_TOKEN, HYDRA_CLAUDE_TOKEN_1, …). Exits 0"
        + " when the stage passed, 1 when it failed, 4 when the container could not run.";
  }

  @Override
  public Options options() {
    Options options =
        CliOptions.of(
            CliOptions.arg(
                "stage", "STAGE", "build, code-review, security-review or applier (required)."),
            url("repo-url", "REPO_URL", "The repository's web URL (https)."),
            url("issue-url", "ISSUE_URL", "The issue's web URL, …/issues/<number>."),
            url("pr-url", "PR_URL", "The pull request's web URL, for reviews."));
    shared(
            "Image to run. Default: ${HYDRA_IMAGE_PREFIX}-<role>:${HYDRA_IMAGE_TAG}, role being"
                + " the stage's persona (builder, reviewer, security, applier).")
        .getOptions()
        .forEach(options::addOption);
    return options;
  }

  /** The options {@code stage-run} and {@code dev-run} share; {@code --image} with its default. */
  static Options shared(String image) {
    return CliOptions.of(
        CliOptions.arg("image", "REF", image),
        CliOptions.arg(
            "spec", "DIR", "Spec folder, copied into the input at /input/spec (SPEC_PATH)."),
        CliOptions.arg("mode", "MODE", "HYDRA_MODE for the entrypoint. Default: the stage."),
        CliOptions.arg(
            "credentials", "FILE", "Credentials file. Default: secrets/credentials.json."),
        CliOptions.arg("dotenv", "FILE", "KEY=VALUE file read with it. Default: secrets/.env."),
        DockerOptions.network(),
        CliOptions.arg(
            "token-state",
            "FILE",
            "Remember exhausted and refused Claude tokens in this file across runs."),
        DockerOptions.docker());
  }

  private static Option url(String name, String variable, String what) {
    return CliOptions.arg(name, "URL", what + " Default: $" + variable + ".");
  }

  @Override
  public int run(Invocation in) throws Exception {
    Stage stage = stage(in, in.option("stage"), "--stage");
    StageSettings settings = StageSettings.from(in.env());
    String repo = in.option("repo-url", "REPO_URL");
    String issue = in.option("issue-url", "ISSUE_URL");
    if (repo.isEmpty() || issue.isEmpty()) {
      throw new UsageException(
          in.command(), "--repo-url and --issue-url are required (or REPO_URL and ISSUE_URL)");
    }
    return execute(
        in,
        StageProfile.from(stage, settings),
        settings,
        new Target(repo, issue, blankToNull(in.option("pr-url", "PR_URL"))),
        StageRuns.Folders.spec(spec(in)));
  }

  /**
   * The URLs the stage is told about.
   *
   * @param repo the repository's web URL
   * @param issue the issue's web URL
   * @param pr the pull request's web URL, null for none
   */
  record Target(String repo, String issue, @Nullable String pr) {}

  /** The {@code --spec} folder, when given. */
  static Optional<Path> spec(Invocation in) {
    return Optional.of(in.option("spec")).filter(s -> !s.isEmpty()).map(Path::of);
  }

  /**
   * Runs the stage as {@code stage-run} and {@code dev-run} do: the image ({@code --image}, else
   * the profile's), the persona's credentials, the runtime of {@code HYDRA_RUNTIME}; every line on
   * stdout as it comes; the exit code of the result.
   */
  static int execute(
      Invocation in,
      StageProfile profile,
      StageSettings settings,
      Target target,
      StageRuns.Folders folders)
      throws Exception {
    ImageRef image = image(in, profile, settings);
    Credentials credentials =
        CredentialSources.load(
            Path.of(or(in.option("credentials"), "secrets/credentials.json")),
            Path.of(or(in.option("dotenv"), "secrets/.env")),
            in.env(),
            CredentialNeeds.of(profile.persona()));
    StageRequest request = request(in, profile, image, credentials, target);

    PrintWriter out = in.out();
    StageResult result =
        StageRuns.run(
            request,
            folders,
            Optional.of(in.option("token-state")).filter(s -> !s.isEmpty()).map(Path::of),
            settings,
            RuntimeSettings.from(in.env()),
            DockerOptions.of(in),
            "true".equals(in.env().get("GITHUB_ACTIONS")),
            line -> {
              out.println(line);
              out.flush();
            });
    return switch (result.status()) {
      case PASSED -> ExitCodes.OK;
      case RUNTIME_ERROR ->
          throw new ContainerException("stage " + profile.stage().id() + ": " + result.message());
      default -> throw new StageFailedException(result.describe());
    };
  }

  /** The stage named {@code id}, one that runs a container; {@code how} says how to name it. */
  static Stage stage(Invocation in, String id, String how) throws UsageException {
    if (id.isEmpty()) {
      throw new UsageException(in.command(), how + " is required: " + choices());
    }
    return Stage.fromId(id)
        .filter(StageProfile.CONTAINER_STAGES::contains)
        .orElseThrow(
            () ->
                new UsageException(
                    in.command(), "unknown stage " + Texts.quote(id) + "; choose " + choices()));
  }

  private static String choices() {
    return "build, code-review, security-review or applier";
  }

  private static ImageRef image(Invocation in, StageProfile profile, StageSettings settings)
      throws UsageException, InvalidConfigurationException {
    String image = in.option("image");
    if (image.isEmpty()) {
      return profile.image(settings);
    }
    try {
      return ImageRef.parse(image);
    } catch (IllegalArgumentException e) {
      throw new UsageException(in.command(), "--image: " + e.getMessage());
    }
  }

  private static StageRequest request(
      Invocation in, StageProfile profile, ImageRef image, Credentials credentials, Target target)
      throws UsageException {
    try {
      return new StageRequest(
          profile,
          image,
          target.repo(),
          target.issue(),
          target.pr(),
          or(in.option("mode"), profile.stage().id()),
          credentials);
    } catch (IllegalArgumentException e) {
      throw new UsageException(in.command(), String.valueOf(e.getMessage()));
    }
  }

  private static String or(String value, String fallback) {
    return value.isEmpty() ? fallback : value;
  }

  static @Nullable String blankToNull(String value) {
    return value.isBlank() ? null : value;
  }
}
