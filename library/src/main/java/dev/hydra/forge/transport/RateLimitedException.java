package dev.hydra.forge.transport;

import java.io.IOException;

/**
 * A rate limit that was not waited out: the wait budget did not cover it, the request is not safe
 * to repeat, or the attempts ran out. An {@link IOException} so that it passes unchanged through
 * the client libraries.
 */
public final class RateLimitedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient RateLimit limit;

  /**
   * Creates the exception.
   *
   * @param status the HTTP status of the last response
   * @param limit the limit met
   * @param why why it was not waited out, for example "waiting 3600s would exceed the wait budget"
   */
  public RateLimitedException(int status, RateLimit limit, String why) {
    super(limit.reason() + "; " + why);
    this.status = status;
    this.limit = limit;
  }

  /** The HTTP status of the last response. */
  public int status() {
    return status;
  }

  /** The limit met. */
  public RateLimit limit() {
    return limit;
  }
}
