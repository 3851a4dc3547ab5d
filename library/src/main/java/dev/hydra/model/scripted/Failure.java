package dev.hydra.model.scripted;

import java.time.Instant;

/**
 * An API error the scripted model answers instead of a step, for one account (the credential the
 * gateway sends upstream).
 */
public sealed interface Failure {

  /**
   * A 429 {@code rate_limit_error} with {@code retry-after} and the reset headers of both account
   * kinds ({@code anthropic-ratelimit-unified-*} and {@code anthropic-ratelimit-requests-reset}),
   * for this and every later step on the account.
   *
   * @param reset when the limit ends
   */
  record RateLimited(Instant reset) implements Failure {}

  /** A 529 {@code overloaded_error}, once. */
  record OverloadedOnce() implements Failure {}

  /** A 401 {@code authentication_error}, for this and every later step on the account. */
  record Unauthorized() implements Failure {}
}
