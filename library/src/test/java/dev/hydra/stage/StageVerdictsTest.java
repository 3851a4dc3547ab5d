package dev.hydra.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.container.ContainerResult;
import dev.hydra.gateway.StageUsage;
import dev.hydra.gateway.TokenUsage;
import dev.hydra.label.Stage;
import dev.hydra.verdict.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** How a stage ended, decided without a container: the order of the checks. */
class StageVerdictsTest {

  static final StageProfile PROFILE = StageProfile.defaults(Stage.CODE_REVIEW);
  static final @Nullable StageVerdicts COMPLETED = null;
  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
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
  void theAgentsEndComesBeforeAMissingVerdict() {
    StageVerdicts refused =
        new StageVerdicts(StageResult.Status.CREDENTIALS_REFUSED, "all refused");
    assertThat(StageVerdicts.decide(PROFILE, refused, EXIT_0, null, "no line", null))
        .isEqualTo(refused);
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

  ClaudeTokenPool pool() {
    return new ClaudeTokenPool(List.of("account-1", "account-2"));
  }

  @Test
  void aSpentBudgetFailsTheStageWithItsReasonWhateverTheAgentSaid() {
    StageUsage spent =
        new StageUsage(
            2,
            List.of(),
            TokenUsage.ZERO,
            OptionalLong.of(10),
            Optional.of("the stage's token budget is spent: 13 tokens used of 10"));
    assertThat(StageVerdicts.agentEnd(new AgentOutcome.Completed(3, 0), spent, pool(), NOW))
        .isEqualTo(
            new StageVerdicts(
                StageResult.Status.FAILED,
                "the stage's token budget is spent: 13 tokens used of 10"));
  }

  @Test
  void anApiErrorIsRateLimitedOrRefusedOnlyWhenNoAccountIsLeft() {
    AgentOutcome limit = new AgentOutcome.AccountLimit(null, "api_error_status 429");
    ClaudeTokenPool pool = pool();
    assertThat(StageVerdicts.agentEnd(limit, StageUsage.NONE, pool, NOW))
        .isEqualTo(new StageVerdicts(StageResult.Status.FAILED, limit.describe()));
    pool.markExhausted("account-1", NOW.plusSeconds(60), NOW);
    pool.markExhausted("account-2", NOW.plusSeconds(120), NOW);
    StageVerdicts limited =
        Objects.requireNonNull(StageVerdicts.agentEnd(limit, StageUsage.NONE, pool, NOW));
    assertThat(limited.status()).isEqualTo(StageResult.Status.RATE_LIMITED);
    assertThat(limited.message())
        .startsWith("rate-limited on all accounts, next reset at " + NOW.plusSeconds(60));

    ClaudeTokenPool refused = pool();
    refused.quarantine("account-1", "refused: HTTP 401");
    refused.quarantine("account-2", "refused: HTTP 401");
    AgentOutcome bad = new AgentOutcome.BadCredential("api_error_status 401");
    assertThat(
            Objects.requireNonNull(StageVerdicts.agentEnd(bad, StageUsage.NONE, refused, NOW))
                .status())
        .isEqualTo(StageResult.Status.CREDENTIALS_REFUSED);
    // A failure that is no API error stays a failure, even with every account out.
    AgentOutcome turns = new AgentOutcome.BudgetExhausted("error_max_turns", 80);
    assertThat(StageVerdicts.agentEnd(turns, StageUsage.NONE, refused, NOW))
        .isEqualTo(new StageVerdicts(StageResult.Status.FAILED, turns.describe()));
    assertThat(StageVerdicts.agentEnd(new AgentOutcome.Completed(1, 0), StageUsage.NONE, pool, NOW))
        .isNull();
  }
}
