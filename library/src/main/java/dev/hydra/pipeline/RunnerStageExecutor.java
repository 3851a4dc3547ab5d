package dev.hydra.pipeline;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.Credentials;
import dev.hydra.label.Stage;
import dev.hydra.stage.StagePlan;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRequest;
import dev.hydra.stage.StageResult;
import dev.hydra.stage.StageRunner;
import java.util.Collection;
import java.util.Map;

/**
 * The production {@link StageExecutor}: one {@link StageRunner} container per stage, with the
 * stage's {@link StageProfile} and image from the environment ({@code HYDRA_IMAGE_PREFIX}, {@code
 * HYDRA_IMAGE_TAG}, a digest accepted) and the persona's own credentials.
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
        null,
        call.mode().id(),
        credentials);
  }

  @Override
  public StageResult execute(Call call) throws InterruptedException {
    return runner.run(checkedRequest(call));
  }

  /**
   * The container this executor would start for the call, without starting it: the runtime's own
   * command and the environment, every secret shown as {@code ***} ({@link StageRunner#plan}).
   */
  public StagePlan plan(Call call) {
    return runner.plan(checkedRequest(call));
  }

  private StageRequest checkedRequest(Call call) {
    try {
      return request(call);
    } catch (InvalidConfigurationException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
