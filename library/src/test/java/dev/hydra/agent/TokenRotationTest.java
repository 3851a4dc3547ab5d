package dev.hydra.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Nested;
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
    return rotation(pool, new Random(42));
  }

  TokenRotation rotation(ClaudeTokenPool pool, RandomGenerator jitter) {
    return new TokenRotation(pool, clock, slept::add, jitter, 2, Duration.ofSeconds(5));
  }

  /** A random source that always draws the lowest, or always the highest, value it may. */
  record Extreme(boolean highest) implements RandomGenerator {
    @Override
    public long nextLong() {
      throw new UnsupportedOperationException("overloadWait draws with nextLong(origin, bound)");
    }

    @Override
    public long nextLong(long origin, long bound) {
      return highest ? bound - 1 : origin;
    }
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
    assertThat(slept).hasSize(2);
    assertThat(slept.get(0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
    assertThat(slept.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10));
    assertThat(pool.exhausted()).isEmpty();
  }

  @Test
  void overloadWaitsAreJitteredButReproducibleWithASeed() throws Exception {
    Map<String, String> overloaded = Map.of("account-1", "overloaded.jsonl");
    rotation(new ClaudeTokenPool(List.of("account-1")), new Random(7)).run(replay(overloaded));
    List<Duration> first = List.copyOf(slept);
    slept.clear();
    rotation(new ClaudeTokenPool(List.of("account-1")), new Random(7)).run(replay(overloaded));

    assertThat(slept).isEqualTo(first);
    assertThat(first.get(0)).isNotEqualTo(first.get(1));
  }

  @Test
  void atTheHighestDrawTheWaitsAreTheExponentialBackOff() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1"));
    rotation(pool, new Extreme(true)).run(replay(Map.of("account-1", "overloaded.jsonl")));
    assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Nested
  class OverloadWait {

    final Duration first = Duration.ofSeconds(30);

    @Test
    void theLongestWaitIsTheExponentialBackOffCappedAtTenDoublings() {
      for (int retry = 0; retry <= 12; retry++) {
        assertThat(TokenRotation.overloadWait(first, retry, new Extreme(true)))
            .as("retry %d", retry)
            .isEqualTo(first.multipliedBy(1L << Math.min(retry, 10)));
      }
    }

    @Test
    void theShortestWaitIsOneSecondOrTheFirstBackOffNeverZero() {
      for (int retry = 0; retry <= 12; retry++) {
        assertThat(TokenRotation.overloadWait(first, retry, new Extreme(false)))
            .isEqualTo(Duration.ofSeconds(1));
      }
      Duration shortFirst = Duration.ofMillis(200);
      assertThat(TokenRotation.overloadWait(shortFirst, 0, new Extreme(false)))
          .isEqualTo(shortFirst);
      assertThat(TokenRotation.overloadWait(shortFirst, 0, new Extreme(true)))
          .isEqualTo(shortFirst);
      assertThat(TokenRotation.overloadWait(shortFirst, 3, new Extreme(false)))
          .isEqualTo(shortFirst);
      Duration tiny = TokenRotation.MIN_BACKOFF;
      assertThat(TokenRotation.overloadWait(tiny, 0, new Random(1))).isEqualTo(tiny).isPositive();
    }

    @Test
    void seededWaitsStayWithinTheBoundsAndVary() {
      RandomGenerator random = new Random(42);
      for (int retry = 0; retry <= 11; retry++) {
        Duration max = first.multipliedBy(1L << Math.min(retry, 10));
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          waits.add(TokenRotation.overloadWait(first, retry, random));
        }
        assertThat(waits)
            .as("retry %d", retry)
            .allSatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(1), max))
            .allSatisfy(
                w -> assertThat(w.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).isEqualTo(w));
        assertThat(waits.stream().distinct().count()).as("retry %d", retry).isGreaterThan(400);
      }
    }

    @Test
    void twoAttemptsWithOneSeededSourceDiffer() {
      RandomGenerator random = new Random(2026);
      Duration a = TokenRotation.overloadWait(first, 0, random);
      Duration b = TokenRotation.overloadWait(first, 0, random);
      assertThat(a).isNotEqualTo(b);
      assertThat(TokenRotation.overloadWait(first, 0, new Random(2026))).isEqualTo(a);
    }

    @Test
    void aBackOffThatCouldSpinIsRefused() {
      for (Duration bad :
          List.of(Duration.ZERO, Duration.ofNanos(999_999), Duration.ofSeconds(-1))) {
        assertThatThrownBy(() -> TokenRotation.overloadWait(bad, 0, new Random(1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at least 1 ms");
        assertThatThrownBy(
                () ->
                    new TokenRotation(
                        new ClaudeTokenPool(List.of("account-1")),
                        clock,
                        slept::add,
                        new Random(1),
                        2,
                        bad))
            .hasMessageContaining("at least 1 ms");
      }
      assertThatThrownBy(() -> TokenRotation.overloadWait(first, -1, new Random(1)))
          .hasMessageContaining("retry");
    }
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

  @Test
  void stagesSavingInParallelMergeWhatEachLearnedAndLoseNothing(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("state/claude-tokens.json");
    List<String> names = List.of("account-1", "account-2", "account-3", "account-4");
    // Each stage loaded the empty file at its start; each learned about another account.
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> saves = new java.util.ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        long hours = i + 1L;
        saves.add(
            threads.submit(
                () -> {
                  ClaudeTokenPool pool = new ClaudeTokenPool(names);
                  pool.markExhausted(name, NOW.plusSeconds(3600 * hours), NOW);
                  TokenPoolState.save(file, pool, NOW);
                  return null;
                }));
      }
      for (var save : saves) {
        save.get();
      }
    } finally {
      threads.shutdownNow();
    }
    ClaudeTokenPool later = new ClaudeTokenPool(names);
    TokenPoolState.load(file, later);
    assertThat(later.exhausted()).containsOnlyKeys(names);
    assertThat(later.next(NOW)).isEmpty();

    // A later save keeps the later of two resets and adds a quarantine to what is there.
    ClaudeTokenPool stale = new ClaudeTokenPool(names);
    stale.markExhausted("account-4", NOW.plusSeconds(60), NOW);
    stale.quarantine("account-1", "api_error_status 401");
    TokenPoolState.save(file, stale, NOW);
    ClaudeTokenPool after = new ClaudeTokenPool(names);
    TokenPoolState.load(file, after);
    assertThat(after.exhausted()).containsEntry("account-4", NOW.plusSeconds(4 * 3600));
    assertThat(after.quarantined()).containsOnlyKeys("account-1");
    assertThat(after.exhausted()).hasSize(4);
  }

  /** A fake agent whose runs end as given, per token. */
  TokenRotation.StageAttempt ending(Map<String, AgentOutcome> outcomeByToken) {
    return token -> {
      used.add(token);
      return outcomeByToken.getOrDefault(token, new AgentOutcome.Failed("no outcome"));
    };
  }

  @Test
  void everyTokenRefusedSaysRefusedWithTheFixAndNothingAboutRateLimits() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r =
        rotation(pool)
            .run(
                ending(
                    Map.of(
                        "account-1",
                        new AgentOutcome.BadCredential(
                            "api_error_status 401, authentication_failed"),
                        "account-2",
                        new AgentOutcome.BadCredential("authentication_failed"))));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.ALL_TOKENS_REFUSED);
    assertThat(r.message())
        .contains("account-1", "account-2", "were refused", "`claude setup-token`")
        .doesNotContain("rate-limited")
        .doesNotContain("reset");
    assertThat(pool.exhausted()).isEmpty();
    assertThat(pool.quarantined()).containsOnlyKeys("account-1", "account-2");
  }

  @Test
  void aTokenAlreadyQuarantinedByAnOlderStateFileCountsAsRefused() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1"));
    pool.quarantine("account-1", "api_error_status 401");
    TokenRotation.Result r = rotation(pool).run(ending(Map.of()));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.ALL_TOKENS_REFUSED);
    assertThat(r.message())
        .isEqualTo(
            "Claude token account-1 (api_error_status 401) was refused; regenerate it with"
                + " `claude setup-token` (or create a new Console API key) and replace the"
                + " secret");
    assertThat(used).isEmpty();
  }

  @Test
  void refusedAndRateLimitedTogetherNameBoth() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    Instant reset = NOW.plusSeconds(3600);
    TokenRotation.Result r =
        rotation(pool)
            .run(
                ending(
                    Map.of(
                        "account-1",
                        new AgentOutcome.BadCredential("api_error_status 401"),
                        "account-2",
                        new AgentOutcome.AccountLimit(reset, "api_error_status 429"))));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.ALL_TOKENS_UNAVAILABLE);
    assertThat(r.message())
        .startsWith("rate-limited on every account still in rotation, next reset at " + reset)
        .contains("account-1 (api_error_status 401) was refused; regenerate it with")
        .doesNotContain("rate-limited on all accounts");
  }

  @Test
  void anAccountThatCannotPayIsTakenOutWithItsOwnReason() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r =
        rotation(pool)
            .run(
                ending(
                    Map.of(
                        "account-1",
                        new AgentOutcome.BillingProblem("api_error_status 400, billing_error"),
                        "account-2",
                        new AgentOutcome.Completed(3, 0.1))));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.COMPLETED);
    assertThat(used).containsExactly("account-1", "account-2");
    assertThat(pool.quarantined())
        .containsEntry("account-1", "billing error: api_error_status 400, billing_error");
    assertThat(pool.exhausted()).isEmpty();

    ClaudeTokenPool alone = new ClaudeTokenPool(List.of("account-1"));
    TokenRotation.Result broke =
        rotation(alone)
            .run(ending(Map.of("account-1", new AgentOutcome.BillingProblem("billing_error"))));
    assertThat(broke.status()).isEqualTo(TokenRotation.Status.ALL_TOKENS_REFUSED);
    assertThat(broke.message())
        .contains("cannot pay", "add credit")
        .doesNotContain("rate-limited")
        .doesNotContain("refused;");
  }

  @Test
  void aServerErrorIsBackedOffOnTheSameTokenNotParked() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r =
        rotation(pool)
            .run(
                ending(
                    Map.of(
                        "account-1",
                        new AgentOutcome.Overloaded("api_error_status 500, server_error"))));
    assertThat(used).containsExactly("account-1", "account-1", "account-1");
    assertThat(r.status()).isEqualTo(TokenRotation.Status.FAILED);
    assertThat(r.message())
        .isEqualTo(
            "the provider stayed overloaded after 3 attempts (last: api_error_status 500,"
                + " server_error)");
    assertThat(pool.exhausted()).isEmpty();
  }
}
