package dev.hydra.stage;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.TokenRotation;
import dev.hydra.container.ContainerResult;
import dev.hydra.gateway.StageUsage;
import dev.hydra.secret.SecretMasker;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a stage ended, decided from its container, how the agent ended, what the model gateway saw
 * and the verdict (pure), and the verdict masked after decoding.
 *
 * @param status the stage's status
 * @param message one line for the issue and the log, not yet masked
 */
record StageVerdicts(StageResult.Status status, String message) {

  /**
   * How the agent's run ended, as far as it decides the stage before any verdict: the stage's token
   * budget spent ({@link StageUsage#ended()}) fails it with that reason; an API error the agent
   * ended on (a limit, a refused token, an account that cannot pay, an overload) is "rate-limited
   * on all accounts" ({@link StageResult.Status#RATE_LIMITED}) or {@link
   * StageResult.Status#CREDENTIALS_REFUSED} when the gateway's rotation left no token that can run
   * now, and otherwise a failure in the classifier's words; an agent that ran out of turns or
   * failed fails the stage. A completed run decides nothing here.
   *
   * @param outcome how the agent ended, from its {@code stream-json} output
   * @param usage what the gateway forwarded, and why it ended when it did
   * @param pool the Claude tokens after the run, with what the gateway learned about them
   * @param now the current time
   * @return the ending, or null when the verdict decides
   */
  static @Nullable StageVerdicts agentEnd(
      AgentOutcome outcome, StageUsage usage, ClaudeTokenPool pool, Instant now) {
    if (usage.ended().isPresent()) {
      return new StageVerdicts(StageResult.Status.FAILED, usage.ended().get());
    }
    if (outcome instanceof AgentOutcome.Completed) {
      return null;
    }
    boolean apiError =
        outcome instanceof AgentOutcome.AccountLimit
            || outcome instanceof AgentOutcome.BadCredential
            || outcome instanceof AgentOutcome.BillingProblem
            || outcome instanceof AgentOutcome.Overloaded;
    if (apiError) {
      Optional<TokenRotation.Result> none = TokenRotation.unavailable(pool, now);
      if (none.isPresent()) {
        return noTokenLeft(none.get());
      }
    }
    return new StageVerdicts(StageResult.Status.FAILED, outcome.describe());
  }

  /**
   * No Claude token can run: {@link StageResult.Status#CREDENTIALS_REFUSED} when every one was
   * refused or cannot pay, else {@link StageResult.Status#RATE_LIMITED}; the rotation's message.
   */
  static StageVerdicts noTokenLeft(TokenRotation.Result none) {
    return new StageVerdicts(
        none.status() == TokenRotation.Status.ALL_TOKENS_REFUSED
            ? StageResult.Status.CREDENTIALS_REFUSED
            : StageResult.Status.RATE_LIMITED,
        none.message());
  }

  /**
   * Decides, first match wins: a runtime error, a timeout, an out-of-memory kill, the agent's
   * ending ({@link #agentEnd}), no valid verdict, a non-zero exit after a verdict, then the verdict
   * itself.
   *
   * @param profile the stage's profile, for the limits named in messages
   * @param agentEnd how the agent's run ended when that decides; {@code null} when the verdict does
   * @param container the container's result; {@code null} when none ran
   * @param verdict the valid verdict; {@code null} when there is none
   * @param problem why there is no valid verdict
   * @param runtimeError why the container could not run, when it could not
   */
  static StageVerdicts decide(
      StageProfile profile,
      @Nullable StageVerdicts agentEnd,
      @Nullable ContainerResult container,
      @Nullable Verdict verdict,
      @Nullable String problem,
      @Nullable String runtimeError) {
    if (runtimeError != null) {
      return new StageVerdicts(StageResult.Status.RUNTIME_ERROR, runtimeError);
    } else if (container != null && container.timedOut()) {
      return new StageVerdicts(
          StageResult.Status.TIMED_OUT,
          "the stage passed its timeout of "
              + profile.timeout()
              + "; the container was killed and removed");
    } else if (container != null && container.outOfMemory()) {
      return new StageVerdicts(
          StageResult.Status.OUT_OF_MEMORY,
          "the container was killed with exit code 137 before its deadline: most likely out of"
              + " memory (limit "
              + (profile.memoryBytes() >> 20)
              + " MiB)");
    } else if (agentEnd != null) {
      return agentEnd;
    } else if (verdict == null) {
      return new StageVerdicts(StageResult.Status.NO_VERDICT, "no valid verdict: " + problem);
    } else if (container != null && container.exitCode() != 0) {
      return new StageVerdicts(
          StageResult.Status.FAILED,
          "the container exited with code "
              + container.exitCode()
              + " after a verdict of "
              + (verdict.passed() ? "pass" : "fail"));
    } else if (!verdict.passed()) {
      return new StageVerdicts(
          StageResult.Status.FAILED,
          "the verdict is fail: " + Texts.escape(verdict.summary(), 300));
    }
    return new StageVerdicts(
        StageResult.Status.PASSED, "the verdict is pass: " + Texts.escape(verdict.summary(), 300));
  }

  /**
   * The verdict with every string the agent wrote masked, after JSON decoding: summary, findings,
   * branch, PR title and body.
   */
  static Verdict masked(Verdict v, SecretMasker masker) {
    Verdict.BuilderResult b = v.builderResult();
    return new Verdict(
        v.stage(),
        v.passed(),
        masker.mask(v.summary()),
        masked(v.findings(), masker),
        masked(v.fixesApplied(), masker),
        masked(v.unfixed(), masker),
        v.turns(),
        v.costUsd(),
        b == null
            ? null
            : new Verdict.BuilderResult(
                masker.mask(b.branch()), masker.mask(b.prTitle()), masker.mask(b.prBody())));
  }

  private static List<Finding> masked(List<Finding> findings, SecretMasker masker) {
    return findings.stream()
        .map(
            f ->
                new Finding(
                    f.severity(),
                    masker.mask(f.file()),
                    f.line(),
                    masker.mask(f.rule()),
                    masker.mask(f.message())))
        .toList();
  }
}
