package dev.hydra.stage;

import dev.hydra.agent.TokenRotation;
import dev.hydra.container.ContainerResult;
import dev.hydra.secret.SecretMasker;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Verdict;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a stage ended, decided from its last container, the token rotation and the verdict (pure),
 * and the verdict masked after decoding.
 *
 * @param status the stage's status
 * @param message one line for the issue and the log, not yet masked
 */
record StageVerdicts(StageResult.Status status, String message) {

  /**
   * Decides, first match wins: a runtime error, a timeout, an out-of-memory kill, the rotation's
   * end (every token unavailable, refused, or a failure it cannot fix), no valid verdict, a
   * non-zero exit after a verdict, then the verdict itself.
   *
   * @param profile the stage's profile, for the limits named in messages
   * @param rotated how the rotation ended
   * @param container the last container's result; {@code null} when none ran
   * @param verdict the valid verdict; {@code null} when there is none
   * @param problem why there is no valid verdict
   * @param runtimeError why the last container could not run, when it could not
   */
  static StageVerdicts decide(
      StageProfile profile,
      TokenRotation.Result rotated,
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
    } else if (rotated.status() == TokenRotation.Status.ALL_TOKENS_UNAVAILABLE) {
      return new StageVerdicts(StageResult.Status.RATE_LIMITED, rotated.message());
    } else if (rotated.status() == TokenRotation.Status.ALL_TOKENS_REFUSED) {
      return new StageVerdicts(StageResult.Status.CREDENTIALS_REFUSED, rotated.message());
    } else if (rotated.status() == TokenRotation.Status.FAILED) {
      return new StageVerdicts(StageResult.Status.FAILED, rotated.message());
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
