package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Comment;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Word;
import java.util.List;
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
   * One stage to run, with what its persona reads (the input folder, SPEC §5 "inputs in").
   *
   * @param stage the stage
   * @param persona the persona it runs as (its git token, its forge identity)
   * @param repo the repository
   * @param issue the issue exactly as the step verified it: for the build, the very object the
   *     edited-after-labelling guard compared, never a later read
   * @param comments the issue's comments, oldest first, read once right before the build's
   *     container; empty for reviews and the applier, which read none
   * @param pullRequest the pull request a review or the applier works on; null for the build
   * @param pullRequestUrl the PR's page, for reviews and the applier
   * @param mode what the entrypoint is asked to do
   * @param retry for {@link Mode#FIX}: the findings the pass fixes and the files it may change
   */
  record Call(
      Stage stage,
      Persona persona,
      RepoRef repo,
      Issue issue,
      List<Comment> comments,
      @Nullable PullRequest pullRequest,
      @Nullable String pullRequestUrl,
      Mode mode,
      @Nullable RetryScope retry) {

    public Call {
      comments = List.copyOf(comments);
      if (mode != Mode.BUILD && pullRequest == null) {
        throw new IllegalArgumentException(
            "a " + mode.id() + " call needs the pull request it works on");
      }
      if ((mode == Mode.FIX) != (retry != null)) {
        throw new IllegalArgumentException("a fix call, and only a fix call, has a retry scope");
      }
    }

    /** A call without a retry scope (every mode but {@link Mode#FIX}). */
    public Call(
        Stage stage,
        Persona persona,
        RepoRef repo,
        Issue issue,
        List<Comment> comments,
        @Nullable PullRequest pullRequest,
        @Nullable String pullRequestUrl,
        Mode mode) {
      this(stage, persona, repo, issue, comments, pullRequest, pullRequestUrl, mode, null);
    }

    /**
     * The builder's one fixer pass after a person's {@code retry:queued}: on {@code pullRequest}'s
     * head, from {@code scope}'s findings, kept to its files.
     */
    public static Call retry(RepoRef repo, Issue issue, PullRequest pullRequest, RetryScope scope) {
      return new Call(
          Stage.BUILD,
          Persona.BUILDER,
          repo,
          issue,
          List.of(),
          pullRequest,
          pullRequest.url(),
          Mode.FIX,
          scope);
    }

    /** The build of {@code issue}, with the comments read for it. */
    public static Call build(RepoRef repo, Issue issue, List<Comment> comments) {
      return new Call(Stage.BUILD, Persona.BUILDER, repo, issue, comments, null, null, Mode.BUILD);
    }

    /** A review or the applier ({@code mode}) of {@code pullRequest}, for {@code issue}. */
    public static Call onPullRequest(
        Stage stage,
        Persona persona,
        RepoRef repo,
        Issue issue,
        PullRequest pullRequest,
        Mode mode) {
      return new Call(stage, persona, repo, issue, List.of(), pullRequest, pullRequest.url(), mode);
    }
  }

  /**
   * What a persona's entrypoint is asked to do ({@code HYDRA_MODE}): build an issue, review a pull
   * request, apply the reviews' outcome, or fix a pull request's findings (the builder's retry
   * pass). {@link #id()} is the value the images read.
   */
  enum Mode implements Word {
    BUILD,
    REVIEW,
    APPLY,
    FIX
  }
}
