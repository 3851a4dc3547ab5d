package dev.hydra.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitResetTest {

  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void retryAfterInSecondsOrAsAnHttpDate() {
    assertThat(RateLimitReset.of(Map.of("Retry-After", List.of("30")), NOW))
        .isEqualTo(NOW.plusSeconds(30));
    assertThat(
            RateLimitReset.of(Map.of("retry-after", List.of("Sun, 06 Dec 2026 13:00:00 GMT")), NOW))
        .isEqualTo(Instant.parse("2026-12-06T13:00:00Z"));
  }

  @Test
  void theLatestOfTheUnifiedAndTheApiKeyResetsWins() {
    Map<String, List<String>> headers =
        Map.of(
            "retry-after", List.of("60"),
            "anthropic-ratelimit-unified-reset", List.of(Long.toString(NOW.getEpochSecond() + 600)),
            "anthropic-ratelimit-tokens-reset", List.of("2026-12-06T12:20:00Z"),
            "anthropic-ratelimit-requests-reset", List.of("2026-12-06T12:01:00Z"));
    assertThat(RateLimitReset.of(headers, NOW)).isEqualTo(Instant.parse("2026-12-06T12:20:00Z"));
  }

  @Test
  void unreadableOrMissingHeadersNameNoReset() {
    assertThat(RateLimitReset.of(Map.of(), NOW)).isNull();
    assertThat(
            RateLimitReset.of(
                Map.of(
                    "retry-after", List.of("soon"),
                    "anthropic-ratelimit-unified-reset", List.of("tomorrow"),
                    "anthropic-ratelimit-tokens-reset", List.of("12:00"),
                    "anthropic-ratelimit-tokens-remaining", List.of("0")),
                NOW))
        .isNull();
  }
}
