package dev.hydra.pipeline;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.Credentials;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageMounts;
import dev.hydra.stage.StagePlan;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRequest;
import dev.hydra.stage.StageResult;
import dev.hydra.stage.StageRunner;
import dev.hydra.stage.TemporaryMounts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The production {@link StageExecutor}: one {@link StageRunner} container per stage, with the
 * stage's {@link StageProfile} and image from the environment ({@code HYDRA_IMAGE_PREFIX}, {@code
 * HYDRA_IMAGE_TAG}, a digest accepted) and the Claude tokens for the stage's model gateway; the
 * persona's git token never reaches the container.
 */
public final class RunnerStageExecutor implements StageExecutor {

  private final StageRunner runner;
  private final StageSettings stages;
  private final Credentials credentials;
  private final String webUrl;

  /**
   * @param runner runs the containers
   * @param env the environment, for profiles and image names
   * @param credentials every persona's git token and the Claude tokens
   * @param webUrl the forge's web root, {@code https://github.com}
   */
  public RunnerStageExecutor(
      StageRunner runner, Map<String, String> env, Credentials credentials, String webUrl) {
    this(runner, StageSettings.from(env), credentials, webUrl);
  }

  /**
   * @param runner runs the containers
   * @param stages the stage settings, for profiles and image names
   * @param credentials every persona's git token and the Claude tokens
   * @param webUrl the forge's web root, {@code https://github.com}
   */
  public RunnerStageExecutor(
      StageRunner runner, StageSettings stages, Credentials credentials, String webUrl) {
    this.runner = runner;
    this.stages = stages;
    this.credentials = credentials;
    this.webUrl = webUrl.endsWith("/") ? webUrl.substring(0, webUrl.length() - 1) : webUrl;
  }

  /**
   * Checks, before anything is claimed, the configuration of the stages a run may start: each
   * stage's profile (timeout, models) and image ({@code HYDRA_IMAGE_PREFIX}, {@code
   * HYDRA_IMAGE_TAG}). Without it a configuration error would surface only after the stage was
   * claimed, and leave the issue with a stage running that no container runs.
   *
   * @param stages the stages, each one that runs a container
   * @param settings the stage settings the executor is given
   * @throws InvalidConfigurationException naming the variable and the fix
   */
  public static void check(Collection<Stage> stages, StageSettings settings)
      throws InvalidConfigurationException {
    for (Stage stage : stages) {
      StageProfile.from(stage, settings).image(settings);
    }
  }

  /** The request the executor would run, for plans and tests. */
  public StageRequest request(Call call) throws InvalidConfigurationException {
    StageProfile profile = StageProfile.from(call.stage(), stages);
    String repoUrl = webUrl + "/" + call.repo().fullName();
    return new StageRequest(
        profile,
        profile.image(stages),
        repoUrl,
        repoUrl + "/issues/" + call.issue().number(),
        call.pullRequestUrl(),
        call.mode().id(),
        credentials);
  }

  /**
   * Runs the stage with empty workspace and input folders ({@link TemporaryMounts}), deleted
   * afterwards, until the prepared workspace is wired in here.
   */
  @Override
  public StageResult execute(Call call) throws InterruptedException {
    StageRequest request = checkedRequest(call);
    try (TemporaryMounts mounts = TemporaryMounts.create(Map.of())) {
      return runner.run(request, mounts.mounts());
    } catch (IOException e) {
      String why = "the stage's folders could not be created: " + e.getMessage();
      return new StageResult(
          request.profile().stage(),
          request.profile().persona(),
          request.image(),
          StageResult.Status.RUNTIME_ERROR,
          why,
          List.of(),
          null,
          why,
          0,
          0,
          Duration.ZERO);
    }
  }

  /**
   * The container this executor would start for the call, without starting it: the runtime's own
   * command and the environment ({@link StageRunner#plan}); the folders are shown as a run would
   * create them.
   */
  public StagePlan plan(Call call) {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "hydra-stage-XXXXXX");
    return runner.plan(
        checkedRequest(call), StageMounts.of(root.resolve("workspace"), root.resolve("input")));
  }

  private StageRequest checkedRequest(Call call) {
    try {
      return request(call);
    } catch (InvalidConfigurationException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
