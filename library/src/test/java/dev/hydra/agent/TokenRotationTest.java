package dev.hydra.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenRotationTest {

  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final List<Duration> slept = new ArrayList<>();
  final List<String> used = new ArrayList<>();

  /** A fake agent that replays a recorded stream-json run per token. */
  TokenRotation.StageAttempt replay(Map<String, String> fixtureByToken) {
    return token -> {
      used.add(token);
      StreamJsonClassifier c = new StreamJsonClassifier();
      StreamJsonClassifierTest.fixture(fixtureByToken.getOrDefault(token, "missing"))
          .forEach(c::accept);
      return c.outcome(0);
    };
  }

  TokenRotation rotation(ClaudeTokenPool pool) {
    return new TokenRotation(pool, clock, slept::add, 2, Duration.ofSeconds(5));
  }

  @Test
  void rejectedOnTheFirstTokenRunsAgainOnTheSecond() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r =
        rotation(pool)
            .run(replay(Map.of("account-1", "rejected.jsonl", "account-2", "success.jsonl")));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.COMPLETED);
    assertThat(used).containsExactly("account-1", "account-2");
    assertThat(pool.exhausted()).containsEntry("account-1", Instant.ofEpochSecond(1795338000));
    assertThat(slept).isEmpty();
  }

  @Test
  void allExhaustedFailsOnceWithTheNextReset() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r =
        rotation(pool)
            .run(replay(Map.of("account-1", "rejected.jsonl", "account-2", "spliced.jsonl")));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.ALL_TOKENS_UNAVAILABLE);
    assertThat(r.message())
        .startsWith(
            "rate-limited on all accounts, next reset at " + Instant.ofEpochSecond(1795338000));
    assertThat(used).containsExactly("account-1", "account-2");
  }

  @Test
  void overloadBacksOffOnTheSameTokenAndGivesUp() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r =
        rotation(pool)
            .run(replay(Map.of("account-1", "overloaded.jsonl", "account-2", "success.jsonl")));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.FAILED);
    assertThat(used).containsExactly("account-1", "account-1", "account-1");
    assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
    assertThat(pool.exhausted()).isEmpty();
  }

  @Test
  void aRefusedTokenIsQuarantinedAndSaidSo() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r =
        rotation(pool)
            .run(replay(Map.of("account-1", "unauthorized.jsonl", "account-2", "success.jsonl")));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.COMPLETED);
    assertThat(pool.quarantined()).containsKey("account-1");
    assertThat(pool.exhausted()).isEmpty();
    assertThat(r.attempts().get(0).outcome().describe()).contains("not a rate limit");
  }

  @Test
  void budgetExhaustionIsNotRetried() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r =
        rotation(pool)
            .run(replay(Map.of("account-1", "max-turns.jsonl", "account-2", "success.jsonl")));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.FAILED);
    assertThat(used).containsExactly("account-1");
  }

  @Test
  void exhaustedTokensAreSkippedUntilTheirReset() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    pool.markExhausted("account-1", NOW.plusSeconds(60), NOW);
    rotation(pool).run(replay(Map.of("account-2", "success.jsonl")));
    assertThat(used).containsExactly("account-2");
    assertThat(pool.next(NOW.plusSeconds(61))).contains("account-1");
  }

  @Test
  void theStateFileRemembersAcrossRuns(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("state").resolve("claude-tokens.json");
    ClaudeTokenPool first = new ClaudeTokenPool(List.of("account-1", "account-2", "account-3"));
    first.markExhausted("account-1", NOW.plusSeconds(3600), NOW);
    first.markExhausted("account-3", NOW.minusSeconds(10), NOW.minusSeconds(7200));
    first.quarantine("account-2", "api_error_status 401");
    TokenPoolState.save(file, first, NOW);

    ClaudeTokenPool second = new ClaudeTokenPool(List.of("account-1", "account-2", "account-3"));
    TokenPoolState.load(file, second);
    assertThat(second.next(NOW)).contains("account-3");
    assertThat(second.quarantined()).containsEntry("account-2", "api_error_status 401");
    assertThat(second.exhausted()).containsOnlyKeys("account-1");
    assertThat(java.nio.file.Files.readString(file)).doesNotContain("token\":");
  }
}
