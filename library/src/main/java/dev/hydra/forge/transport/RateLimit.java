package dev.hydra.forge.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A response that says "too many requests", and how long the forge asks us to wait.
 *
 * @param kind which limit
 * @param delay how long to wait before the next attempt (at least one second: never spin)
 * @param resetAt when the limit resets, when the forge said so
 * @param reason one line for messages, for example {@code primary rate limit (resets at …)}
 */
public record RateLimit(Kind kind, Duration delay, Optional<Instant> resetAt, String reason) {

  /** The kinds of limit. */
  public enum Kind {
    /** GitHub's hourly quota: {@code x-ratelimit-remaining: 0} until {@code x-ratelimit-reset}. */
    PRIMARY,
    /** GitHub's secondary (abuse) limits, with or without {@code retry-after}. */
    SECONDARY,
    /** A plain 429, as Forgejo or a proxy in front of it sends. */
    TOO_MANY_REQUESTS
  }
}
