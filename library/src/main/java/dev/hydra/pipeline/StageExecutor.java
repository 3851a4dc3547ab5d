package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Word;
import org.jspecify.annotations.Nullable;

/**
 * Runs one stage container for a persona and returns how it ended. The production adapter is {@link
 * RunnerStageExecutor} over {@link dev.hydra.stage.StageRunner}; tests use a scripted fake.
 */
public interface StageExecutor {

  /**
   * Runs the stage.
   *
   * @throws InterruptedException when interrupted while the container runs
   */
  StageResult execute(Call call) throws InterruptedException;

  /**
   * One stage to run.
   *
   * @param stage the stage
   * @param persona the persona it runs as (its git token, its forge identity)
   * @param repo the repository
   * @param issue the issue number
   * @param pullRequestUrl the PR's page, for reviews and the applier
   * @param mode what the entrypoint is asked to do
   */
  record Call(
      Stage stage,
      Persona persona,
      RepoRef repo,
      int issue,
      @Nullable String pullRequestUrl,
      Mode mode) {}

  /**
   * What a persona's entrypoint is asked to do ({@code HYDRA_MODE}): build an issue, review a pull
   * request, or apply the reviews' outcome. {@link #id()} is the value the images read.
   */
  enum Mode implements Word {
    BUILD,
    REVIEW,
    APPLY
  }
}
