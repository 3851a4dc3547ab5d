package dev.hydra.forge.transport;

import dev.hydra.forge.ForgeType;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells a rate-limited response from any other, and how long to wait. Pure: tested with plain
 * values.
 *
 * <p>GitHub (docs "Rate limits for the REST API", security-anchors §4.3): a 403 or 429 is a rate
 * limit when it carries {@code retry-after} (wait that long), or {@code x-ratelimit-remaining: 0}
 * with {@code x-ratelimit-reset} (wait until then), or, with neither header, when it is a 429 or
 * its body says "rate limit" (wait at least a minute, then back off exponentially). A 403 with none
 * of these is a permission error and is not retried. Forgejo has no rate-limit headers of its own;
 * a 429 (from its limiter or a proxy) is waited out the same way.
 */
public final class RateLimitPolicy {

  /** Never retry sooner than this, whatever the headers say. */
  static final Duration MIN_WAIT = Duration.ofSeconds(1);

  /** The first wait for a limit that names no time (GitHub: "wait at least one minute"). */
  static final Duration UNNAMED_FIRST_WAIT = Duration.ofMinutes(1);

  /** The longest single wait of the exponential back-off for a limit that names no time. */
  static final Duration UNNAMED_MAX_WAIT = Duration.ofMinutes(16);

  private RateLimitPolicy() {}

  /**
   * Classifies a response.
   *
   * @param forge which forge answered
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the response body as text, empty when none
   * @param now the current time
   * @param attempt how many rate-limited attempts of this request came before (0 for the first)
   * @return the limit, or empty when the response is not a rate limit
   */
  public static Optional<RateLimit> classify(
      ForgeType forge, int status, HttpHeaders headers, String body, Instant now, int attempt) {
    boolean candidate = status == 429 || (forge == ForgeType.GITHUB && status == 403);
    if (!candidate) {
      return Optional.empty();
    }
    Optional<Duration> retryAfter = retryAfter(headers, now);
    if (retryAfter.isPresent()) {
      Duration wait = atLeastMinimum(retryAfter.get());
      return Optional.of(
          new RateLimit(
              forge == ForgeType.GITHUB
                  ? RateLimit.Kind.SECONDARY
                  : RateLimit.Kind.TOO_MANY_REQUESTS,
              wait,
              Optional.of(now.plus(wait)),
              (forge == ForgeType.GITHUB ? "secondary rate limit" : "too many requests (429)")
                  + ", retry-after "
                  + wait.toSeconds()
                  + "s"));
    }
    if (forge == ForgeType.GITHUB) {
      Optional<String> remaining = headers.firstValue("x-ratelimit-remaining");
      Optional<Instant> reset = epochSeconds(headers.firstValue("x-ratelimit-reset"));
      if (remaining.map(r -> r.strip().equals("0")).orElse(false) && reset.isPresent()) {
        Duration untilReset = Duration.between(now, reset.get());
        // One second of margin: GitHub's reset is rounded down to the second.
        Duration wait = atLeastMinimum(untilReset.plus(MIN_WAIT));
        return Optional.of(
            new RateLimit(
                RateLimit.Kind.PRIMARY,
                wait,
                reset,
                "primary rate limit (x-ratelimit-remaining 0), resets at " + reset.get()));
      }
      if (status == 403 && !body.toLowerCase(Locale.ROOT).contains("rate limit")) {
        return Optional.empty();
      }
    }
    Duration wait = backOff(attempt);
    return Optional.of(
        new RateLimit(
            forge == ForgeType.GITHUB ? RateLimit.Kind.SECONDARY : RateLimit.Kind.TOO_MANY_REQUESTS,
            wait,
            Optional.empty(),
            (forge == ForgeType.GITHUB
                    ? "secondary rate limit without retry-after"
                    : "too many requests (429) without retry-after")
                + ", backing off "
                + wait.toSeconds()
                + "s"));
  }

  /** One minute, then doubling per attempt, capped at {@link #UNNAMED_MAX_WAIT}. */
  static Duration backOff(int attempt) {
    int shift = Math.max(0, Math.min(attempt, 10));
    Duration wait = UNNAMED_FIRST_WAIT.multipliedBy(1L << shift);
    return wait.compareTo(UNNAMED_MAX_WAIT) > 0 ? UNNAMED_MAX_WAIT : wait;
  }

  private static Duration atLeastMinimum(Duration wait) {
    return wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait;
  }

  /** {@code retry-after} as seconds or as an HTTP date (RFC 9110 §10.2.3). */
  static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
    Optional<String> value = headers.firstValue("retry-after").map(String::strip);
    if (value.isEmpty() || value.get().isEmpty()) {
      return Optional.empty();
    }
    String text = value.get();
    try {
      long seconds = Long.parseLong(text);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(now, at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  private static Optional<Instant> epochSeconds(Optional<String> value) {
    try {
      return value.map(v -> Instant.ofEpochSecond(Long.parseLong(v.strip())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
