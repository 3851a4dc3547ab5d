package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Comment;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateTable;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Word;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
   * Runs every gate of the repository ({@code .hydra/gates.yml} of the target branch) on the pull
   * request's head, in a checkout the runner makes as {@code persona} (issue 13 item 3: the recheck
   * before {@code done}).
   *
   * @return the gates' table; empty when this executor runs no gates at all (then nothing was
   *     checked, and the caller says so); a head that cannot be checked out is a red table
   * @throws InterruptedException when interrupted while a gate runs
   */
  default Optional<GateTable> recheckGates(Persona persona, RepoRef repo, PullRequest pullRequest)
      throws InterruptedException {
    return Optional.empty();
  }

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
   * @param inputs further files for the input folder, name → content (a fix pass's findings or red
   *     gates); the names are plain file names, written after the runner's own files
   * @param gates asked after each builder pass, before any push, when the executor runs gates; null
   *     for no gates (reviews, the applier)
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
      @Nullable RetryScope retry,
      Map<String, String> inputs,
      @Nullable BuildGates gates) {

    public Call {
      comments = List.copyOf(comments);
      inputs = Map.copyOf(inputs);
      for (String name : inputs.keySet()) {
        if (!name.matches("[a-z0-9][a-z0-9._-]{0,63}") || name.contains("..")) {
          throw new IllegalArgumentException("not a plain input file name: " + name);
        }
      }
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
      this(
          stage,
          persona,
          repo,
          issue,
          comments,
          pullRequest,
          pullRequestUrl,
          mode,
          null,
          Map.of(),
          null);
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
          scope,
          Map.of(),
          null);
    }

    /** The build of {@code issue}, with the comments read for it. */
    public static Call build(RepoRef repo, Issue issue, List<Comment> comments) {
      return new Call(
          Stage.BUILD,
          Persona.BUILDER,
          repo,
          issue,
          comments,
          null,
          null,
          Mode.BUILD,
          null,
          Map.of(),
          null);
    }

    /** A review or the applier ({@code mode}) of {@code pullRequest}, for {@code issue}. */
    public static Call onPullRequest(
        Stage stage,
        Persona persona,
        RepoRef repo,
        Issue issue,
        PullRequest pullRequest,
        Mode mode) {
      return new Call(
          stage,
          persona,
          repo,
          issue,
          List.of(),
          pullRequest,
          pullRequest.url(),
          mode,
          null,
          Map.of(),
          null);
    }

    /**
     * The same call with further files in the input folder: the seam of every focused pass (the
     * gates' fix pass, a retry's findings).
     */
    public Call withInputs(Map<String, String> files) {
      return new Call(
          stage,
          persona,
          repo,
          issue,
          comments,
          pullRequest,
          pullRequestUrl,
          mode,
          retry,
          files,
          gates);
    }

    /** The same call, its builder passes gated by {@code policy}. */
    public Call withGates(@Nullable BuildGates policy) {
      return new Call(
          stage,
          persona,
          repo,
          issue,
          comments,
          pullRequest,
          pullRequestUrl,
          mode,
          retry,
          inputs,
          policy);
    }

    /** The same call with another pull request URL (the local forge's web URL). */
    public Call withPullRequestUrl(@Nullable String url) {
      return new Call(
          stage, persona, repo, issue, comments, pullRequest, url, mode, retry, inputs, gates);
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
