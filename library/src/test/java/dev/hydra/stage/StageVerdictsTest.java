package dev.hydra.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.TokenRotation;
import dev.hydra.container.ContainerResult;
import dev.hydra.label.Stage;
import dev.hydra.verdict.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a stage ended, decided without a container: the order of the checks. */
class StageVerdictsTest {

  static final StageProfile PROFILE = StageProfile.defaults(Stage.CODE_REVIEW);
  static final TokenRotation.Result COMPLETED =
      new TokenRotation.Result(TokenRotation.Status.COMPLETED, List.of(), "completed");
  static final ContainerResult EXIT_0 = new ContainerResult(0, false, Duration.ofSeconds(1));

  static Verdict verdict(boolean passed) {
    return new Verdict(
        Stage.CODE_REVIEW, passed, "looked at it", List.of(), List.of(), List.of(), 1, 0.0, null);
  }

  @Test
  void aRuntimeErrorWinsOverEverythingElse() {
    StageVerdicts d =
        StageVerdicts.decide(
            PROFILE,
            COMPLETED,
            new ContainerResult(0, true, Duration.ofMinutes(1)),
            verdict(true),
            null,
            "docker: no such image");
    assertThat(d)
        .isEqualTo(new StageVerdicts(StageResult.Status.RUNTIME_ERROR, "docker: no such image"));
  }

  @Test
  void aTimeoutNamesTheProfilesTimeout() {
    StageVerdicts d =
        StageVerdicts.decide(
            PROFILE,
            COMPLETED,
            new ContainerResult(137, true, Duration.ofMinutes(1)),
            null,
            "x",
            null);
    assertThat(d.status()).isEqualTo(StageResult.Status.TIMED_OUT);
    assertThat(d.message()).contains(PROFILE.timeout().toString());
  }

  @Test
  void theRotationsEndComesBeforeAMissingVerdict() {
    TokenRotation.Result refused =
        new TokenRotation.Result(TokenRotation.Status.ALL_TOKENS_REFUSED, List.of(), "all refused");
    assertThat(StageVerdicts.decide(PROFILE, refused, EXIT_0, null, "no line", null))
        .isEqualTo(new StageVerdicts(StageResult.Status.CREDENTIALS_REFUSED, "all refused"));
    assertThat(StageVerdicts.decide(PROFILE, COMPLETED, EXIT_0, null, "no line", null))
        .isEqualTo(new StageVerdicts(StageResult.Status.NO_VERDICT, "no valid verdict: no line"));
  }

  @Test
  void aNonZeroExitFailsEvenAPassingVerdict() {
    StageVerdicts d =
        StageVerdicts.decide(
            PROFILE,
            COMPLETED,
            new ContainerResult(3, false, Duration.ZERO),
            verdict(true),
            null,
            null);
    assertThat(d)
        .isEqualTo(
            new StageVerdicts(
                StageResult.Status.FAILED,
                "the container exited with code 3 after a verdict of pass"));
  }

  @Test
  void theVerdictDecidesLast() {
    assertThat(StageVerdicts.decide(PROFILE, COMPLETED, EXIT_0, verdict(true), null, null))
        .isEqualTo(
            new StageVerdicts(StageResult.Status.PASSED, "the verdict is pass: looked at it"));
    assertThat(
            StageVerdicts.decide(PROFILE, COMPLETED, EXIT_0, verdict(false), null, null).status())
        .isEqualTo(StageResult.Status.FAILED);
  }
}
