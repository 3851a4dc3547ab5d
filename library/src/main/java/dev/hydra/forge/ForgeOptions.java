package dev.hydra.forge;

import java.time.Clock;
import java.time.Duration;

/**
 * How a {@link Forge} instance talks to its forge: timeouts, and how long it may wait out rate
 * limits.
 *
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for a whole response; a slower answer fails the request
 * @param maxWait the wait budget: the total time one instance may spend waiting for rate limits to
 *     reset, over all its requests. A wait that would exceed what is left of it is not started: the
 *     request fails at once with a {@link ForgeRateLimitedException}. Zero never waits.
 * @param clock the clock rate-limit resets are compared with
 * @param sleeper how waiting is done; tests pass one that records instead of sleeping
 */
public record ForgeOptions(
    Duration connectTimeout,
    Duration requestTimeout,
    Duration maxWait,
    Clock clock,
    Sleeper sleeper) {

  /** Waits; a port so that tests never sleep. */
  @FunctionalInterface
  public interface Sleeper {
    /**
     * Waits for the duration.
     *
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps for real. */
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());
  }

  public ForgeOptions {
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
  }

  /**
   * The defaults for a pipeline stage: connect within 10 s, answer within 30 s, and wait at most 5
   * minutes in total for rate limits (a stage's job timeout is 20–35 minutes, SPEC §3).
   */
  public static ForgeOptions defaults() {
    return new ForgeOptions(
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Clock.systemUTC(),
        Sleeper.SYSTEM);
  }

  /** The same options with another wait budget. */
  public ForgeOptions withMaxWait(Duration maxWait) {
    return new ForgeOptions(connectTimeout, requestTimeout, maxWait, clock, sleeper);
  }

  /** The same options with another response timeout. */
  public ForgeOptions withRequestTimeout(Duration requestTimeout) {
    return new ForgeOptions(connectTimeout, requestTimeout, maxWait, clock, sleeper);
  }

  /** The same options with another clock and sleeper (tests). */
  public ForgeOptions withTime(Clock clock, Sleeper sleeper) {
    return new ForgeOptions(connectTimeout, requestTimeout, maxWait, clock, sleeper);
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
  }
}
