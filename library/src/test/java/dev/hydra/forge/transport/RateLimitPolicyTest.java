package dev.hydra.forge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.ForgeType;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitPolicyTest {

  static final Instant NOW = Instant.parse("2026-11-22T06:00:00Z");

  static HttpHeaders headers(String... pairs) {
    Map<String, List<String>> map =
        java.util.stream.IntStream.range(0, pairs.length / 2)
            .boxed()
            .collect(Collectors.toMap(i -> pairs[2 * i], i -> List.of(pairs[2 * i + 1])));
    return HttpHeaders.of(map, (a, b) -> true);
  }

  static Optional<RateLimit> github(int status, HttpHeaders headers, String body, int attempt) {
    return RateLimitPolicy.classify(ForgeType.GITHUB, status, headers, body, NOW, attempt);
  }

  @Nested
  class GitHub {

    @Test
    void primaryWaitsUntilTheResetPlusASecond() {
      RateLimit limit =
          github(
                  403,
                  headers(
                      "x-ratelimit-remaining",
                      "0",
                      "x-ratelimit-reset",
                      String.valueOf(NOW.getEpochSecond() + 600)),
                  "{\"message\":\"API rate limit exceeded\"}",
                  0)
              .orElseThrow();
      assertThat(limit.kind()).isEqualTo(RateLimit.Kind.PRIMARY);
      assertThat(limit.delay()).isEqualTo(Duration.ofSeconds(601));
      assertThat(limit.resetAt()).contains(NOW.plusSeconds(600));
    }

    @Test
    void primaryOn429Too() {
      assertThat(
              github(
                  429,
                  headers(
                      "x-ratelimit-remaining",
                      "0",
                      "x-ratelimit-reset",
                      String.valueOf(NOW.getEpochSecond() + 5)),
                  "",
                  0))
          .map(RateLimit::kind)
          .contains(RateLimit.Kind.PRIMARY);
    }

    @Test
    void aResetInThePastStillWaitsASecond() {
      assertThat(
              github(
                  403,
                  headers(
                      "x-ratelimit-remaining",
                      "0",
                      "x-ratelimit-reset",
                      String.valueOf(NOW.getEpochSecond() - 30)),
                  "",
                  0))
          .map(RateLimit::delay)
          .contains(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterWins() {
      assertThat(github(403, headers("retry-after", "45"), "", 0))
          .map(RateLimit::delay)
          .contains(Duration.ofSeconds(45));
    }

    @Test
    void retryAfterZeroNeverSpins() {
      assertThat(github(429, headers("retry-after", "0"), "", 0))
          .map(RateLimit::delay)
          .contains(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterAsAnHttpDate() {
      assertThat(github(429, headers("retry-after", "Sun, 22 Nov 2026 06:02:00 GMT"), "", 0))
          .map(RateLimit::delay)
          .contains(Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @CsvSource({"0, 60", "1, 120", "2, 240", "3, 480", "4, 960", "5, 960", "9, 960"})
    void secondaryWithoutHeadersBacksOffFromAMinute(int attempt, long seconds) {
      assertThat(
              github(
                  403,
                  headers(),
                  "{\"message\":\"You have exceeded a secondary rate limit.\"}",
                  attempt))
          .map(RateLimit::delay)
          .contains(Duration.ofSeconds(seconds));
    }

    @Test
    void a429WithoutHeadersIsALimit() {
      assertThat(github(429, headers(), "", 0))
          .map(RateLimit::kind)
          .contains(RateLimit.Kind.SECONDARY);
    }

    @Test
    void aPlain403IsAPermissionError() {
      assertThat(
              github(
                  403,
                  headers("x-ratelimit-remaining", "4999"),
                  "{\"message\":\"Resource not accessible by personal access token\"}",
                  0))
          .isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"200", "401", "404", "422", "500", "502"})
    void otherStatusesAreNotLimits(int status) {
      assertThat(github(status, headers("retry-after", "5"), "rate limit", 0)).isEmpty();
    }
  }

  @Nested
  class Forgejo {

    @Test
    void a429WithRetryAfter() {
      assertThat(
              RateLimitPolicy.classify(
                  ForgeType.FORGEJO, 429, headers("Retry-After", "12"), "", NOW, 0))
          .map(RateLimit::delay)
          .contains(Duration.ofSeconds(12));
    }

    @Test
    void a429WithoutRetryAfterBacksOff() {
      assertThat(RateLimitPolicy.classify(ForgeType.FORGEJO, 429, headers(), "", NOW, 1))
          .map(RateLimit::delay)
          .contains(Duration.ofMinutes(2));
    }

    @Test
    void a403IsNeverALimit() {
      assertThat(
              RateLimitPolicy.classify(
                  ForgeType.FORGEJO,
                  403,
                  headers("retry-after", "5", "x-ratelimit-remaining", "0"),
                  "rate limit",
                  NOW,
                  0))
          .isEmpty();
    }
  }
}
