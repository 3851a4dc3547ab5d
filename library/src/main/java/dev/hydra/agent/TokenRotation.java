package dev.hydra.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an agent stage with Claude token rotation (SPEC §6, issue 4).
 *
 * <ul>
 *   <li>account limit → the token is exhausted until its reset; the stage is run again with the
 *       next token;
 *   <li>bad credential (refused, expired, revoked, not logged in) → the token is quarantined, said
 *       loudly with the fix ({@link AgentOutcome.BadCredential#FIX}), and the next token is tried
 *       (it is not a rate limit, and it is never retried);
 *   <li>billing problem → the token is quarantined with that reason and the next token is tried;
 *   <li>provider overload or failure (529, other 5xx, {@code server_error}) → back off and retry
 *       the same token, a bounded number of times, each wait drawn at random ({@link
 *       #overloadWait}) so that runners the same overload hit do not all come back at once;
 *   <li>anything else ends the stage: completed, budget exhausted, or failed.
 * </ul>
 *
 * <p>Every retry either removes a token from rotation or counts against the overload limit, so the
 * loop always ends. When no token is left the stage fails: "rate-limited on all accounts, next
 * reset at …" only when every token is parked until a reset; when some were refused, the message
 * names them and says how to replace them; when all were refused or cannot pay, the status is
 * {@link Status#ALL_TOKENS_REFUSED} and nothing is said about rate limits.
 */
public final class TokenRotation {

  private static final Logger LOG = LoggerFactory.getLogger(TokenRotation.class);

  /** The shortest first back-off accepted: a sleeper that counts in milliseconds still waits. */
  public static final Duration MIN_BACKOFF = Duration.ofMillis(1);

  /** The shortest wait after an overload, unless the first back-off itself is shorter. */
  public static final Duration MIN_OVERLOAD_WAIT = Duration.ofSeconds(1);

  // How the pool remembers why a token is out of rotation (older state files have no prefix).
  private static final String REFUSED = "refused: ";
  private static final String BILLING = "billing error: ";

  /** The back-off doubles at most this often; later retries share the last maximum. */
  static final int MAX_DOUBLINGS = 10;

  /** Runs the stage once with the named token. */
  @FunctionalInterface
  public interface StageAttempt {
    /**
     * Runs the agent with one token.
     *
     * @param tokenName the name of the Claude token to use
     * @return how the run ended
     * @throws InterruptedException when the runner is interrupted
     */
    AgentOutcome run(String tokenName) throws InterruptedException;
  }

  /** Waits; a port so that tests never sleep. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits for the duration. */
    void sleep(Duration duration) throws InterruptedException;
  }

  /** The result of the whole rotation. */
  public enum Status {
    /** The agent completed with a result. */
    COMPLETED,
    /** Every token is exhausted or quarantined, and at least one will reset. */
    ALL_TOKENS_UNAVAILABLE,
    /** Every token was refused or cannot pay: waiting does not help, a person must act. */
    ALL_TOKENS_REFUSED,
    /** The stage failed for a reason rotation cannot fix. */
    FAILED
  }

  /**
   * One run of the stage.
   *
   * @param token the token's name
   * @param outcome how it ended
   */
  public record Attempt(String token, AgentOutcome outcome) {}

  /**
   * What happened.
   *
   * @param status the result
   * @param attempts every run, in order
   * @param message one line for the issue and the log
   */
  public record Result(Status status, List<Attempt> attempts, String message) {
    public Result {
      attempts = List.copyOf(attempts);
    }

    /** How the last run ended, when there was one. */
    public Optional<AgentOutcome> last() {
      return attempts.isEmpty()
          ? Optional.empty()
          : Optional.of(attempts.get(attempts.size() - 1).outcome());
    }
  }

  private final ClaudeTokenPool pool;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RandomGenerator jitter;
  private final int maxOverloadRetries;
  private final Duration overloadBackoff;

  /**
   * Creates a rotation.
   *
   * @param pool the tokens and what is known about them
   * @param clock the clock
   * @param sleeper how to wait between overload retries
   * @param jitter draws the overload waits ({@link #overloadWait}); a seeded one in tests
   * @param maxOverloadRetries how often an overloaded run is retried on the same token
   * @param overloadBackoff the longest first wait; the longest wait doubles per retry
   * @throws IllegalArgumentException when the retries are negative or the back-off is shorter than
   *     {@link #MIN_BACKOFF}
   */
  public TokenRotation(
      ClaudeTokenPool pool,
      Clock clock,
      Sleeper sleeper,
      RandomGenerator jitter,
      int maxOverloadRetries,
      Duration overloadBackoff) {
    if (maxOverloadRetries < 0) {
      throw new IllegalArgumentException("maxOverloadRetries must not be negative");
    }
    requireBackoff(overloadBackoff);
    this.pool = pool;
    this.clock = clock;
    this.sleeper = sleeper;
    this.jitter = jitter;
    this.maxOverloadRetries = maxOverloadRetries;
    this.overloadBackoff = overloadBackoff;
  }

  /**
   * Runs the stage, rotating tokens as the outcomes require.
   *
   * @throws InterruptedException when interrupted while running or waiting
   */
  public Result run(StageAttempt attempt) throws InterruptedException {
    List<Attempt> attempts = new ArrayList<>();
    int overloads = 0;
    while (true) {
      Instant now = clock.instant();
      Optional<String> next = pool.next(now);
      if (next.isEmpty()) {
        return unavailable(attempts, now);
      }
      String token = next.get();
      LOG.info("running the agent with Claude token {}", token);
      AgentOutcome outcome = attempt.run(token);
      attempts.add(new Attempt(token, outcome));
      if (outcome instanceof AgentOutcome.AccountLimit limit) {
        pool.markExhausted(token, limit.resetsAt(), clock.instant());
        LOG.warn("Claude token {}: {}; trying the next token", token, outcome.describe());
      } else if (outcome instanceof AgentOutcome.BadCredential bad) {
        quarantine(token, REFUSED, bad.evidence(), AgentOutcome.BadCredential.FIX);
      } else if (outcome instanceof AgentOutcome.BillingProblem billing) {
        quarantine(token, BILLING, billing.evidence(), AgentOutcome.BillingProblem.FIX);
      } else if (outcome instanceof AgentOutcome.Overloaded overloaded) {
        if (overloads == maxOverloadRetries) {
          return new Result(
              Status.FAILED,
              attempts,
              "the provider stayed overloaded after "
                  + (overloads + 1)
                  + " attempts (last: "
                  + overloaded.evidence()
                  + ")");
        }
        Duration wait = overloadWait(overloadBackoff, overloads, jitter);
        overloads++;
        LOG.warn("{}; retrying token {} in {}", outcome.describe(), token, wait);
        sleeper.sleep(wait);
      } else if (outcome instanceof AgentOutcome.Completed) {
        return new Result(Status.COMPLETED, attempts, outcome.describe());
      } else {
        return new Result(Status.FAILED, attempts, outcome.describe());
      }
    }
  }

  // Out of rotation until a person acts, said loudly with the fix.
  private void quarantine(String token, String reason, String evidence, String fix) {
    pool.quarantine(token, reason + evidence);
    boolean refused = reason.equals(REFUSED);
    LOG.error(
        "Claude token {}{} ({}); {}: {}",
        token,
        refused ? " was refused" : ": the account cannot pay",
        evidence,
        refused ? "it is quarantined until it is replaced" : "it is out of rotation",
        fix);
  }

  private Result unavailable(List<Attempt> attempts, Instant now) {
    return unavailable(pool, attempts, now);
  }

  /**
   * Why no token of the pool can run now, as the rotation says it when it runs out: {@link
   * Status#ALL_TOKENS_UNAVAILABLE} ("rate-limited on all accounts, next reset at …") only when at
   * least one token is parked until a reset, else {@link Status#ALL_TOKENS_REFUSED} naming the
   * refused tokens and the fix. For callers whose rotation ran elsewhere (the model gateway rotates
   * per request) and who ask afterwards.
   *
   * @param pool the tokens and what is known about them
   * @param now the current time
   * @return the result, when no token can run now; empty while one can
   */
  public static Optional<Result> unavailable(ClaudeTokenPool pool, Instant now) {
    return pool.next(now).isPresent()
        ? Optional.empty()
        : Optional.of(unavailable(pool, List.of(), now));
  }

  // No token can run now. Only tokens parked until a reset make this a rate limit; refused ones
  // and ones that cannot pay are named with what a person must do.
  private static Result unavailable(ClaudeTokenPool pool, List<Attempt> attempts, Instant now) {
    Map<String, String> out = pool.quarantined();
    List<String> refused = new ArrayList<>();
    List<String> billing = new ArrayList<>();
    for (String name : pool.names()) {
      String why = out.get(name);
      if (why == null) {
        continue;
      }
      if (why.startsWith(BILLING)) {
        billing.add(name + " (" + why.substring(BILLING.length()) + ")");
      } else {
        refused.add(
            name + " (" + (why.startsWith(REFUSED) ? why.substring(REFUSED.length()) : why) + ")");
      }
    }
    List<String> problems = new ArrayList<>();
    if (!refused.isEmpty()) {
      problems.add(
          "Claude token"
              + (refused.size() == 1 ? " " : "s ")
              + String.join(", ", refused)
              + (refused.size() == 1 ? " was refused; " : " were refused; ")
              + AgentOutcome.BadCredential.FIX.replace(
                  " it ", refused.size() == 1 ? " it " : " each "));
    }
    if (!billing.isEmpty()) {
      problems.add(
          (billing.size() == 1 ? "the account behind " : "the accounts behind ")
              + String.join(", ", billing)
              + " cannot pay; "
              + AgentOutcome.BillingProblem.FIX);
    }
    Optional<Instant> reset = pool.nextReset(now);
    if (reset.isEmpty()) {
      return new Result(Status.ALL_TOKENS_REFUSED, attempts, String.join("; ", problems));
    }
    String limited =
        problems.isEmpty()
            ? "rate-limited on all accounts, next reset at " + reset.get()
            : "rate-limited on every account still in rotation, next reset at "
                + reset.get()
                + "; "
                + String.join("; ", problems);
    return new Result(
        Status.ALL_TOKENS_UNAVAILABLE, attempts, limited + " (" + pool.describe(now) + ")");
  }

  /**
   * How long to wait before an overloaded run is retried: "full jitter" (AWS Architecture Blog,
   * "Exponential Backoff And Jitter") — uniformly random between a floor and the exponential
   * back-off {@code first × 2^min(retry, 10)}, which stays the longest wait. The floor is {@link
   * #MIN_OVERLOAD_WAIT}, or {@code first} when that is shorter, so a wait is never zero and a retry
   * never follows at once. Waits are whole milliseconds unless that would fall below the floor.
   *
   * @param first the longest first wait, at least {@link #MIN_BACKOFF}
   * @param retry which retry this is: 0 for the first
   * @param random draws the wait, with one {@link RandomGenerator#nextLong(long, long)}
   * @return a wait between the floor and the maximum, both included
   * @throws IllegalArgumentException when {@code first} is shorter than {@link #MIN_BACKOFF} or
   *     {@code retry} is negative
   */
  public static Duration overloadWait(Duration first, int retry, RandomGenerator random) {
    requireBackoff(first);
    if (retry < 0) {
      throw new IllegalArgumentException("retry must not be negative");
    }
    Duration max = first.multipliedBy(1L << Math.min(retry, MAX_DOUBLINGS));
    Duration floor = first.compareTo(MIN_OVERLOAD_WAIT) < 0 ? first : MIN_OVERLOAD_WAIT;
    long maxNanos = saturatedNanos(max);
    long floorNanos = saturatedNanos(floor);
    // The bound of nextLong is excluded; add one so that the maximum itself can be drawn.
    long drawn = random.nextLong(floorNanos, maxNanos == Long.MAX_VALUE ? maxNanos : maxNanos + 1);
    Duration wait = Duration.ofNanos(drawn);
    Duration whole = wait.truncatedTo(ChronoUnit.MILLIS);
    return whole.compareTo(floor) >= 0 ? whole : wait;
  }

  private static void requireBackoff(Duration first) {
    if (first.compareTo(MIN_BACKOFF) < 0) {
      throw new IllegalArgumentException(
          "the overload back-off must be at least " + MIN_BACKOFF.toMillis() + " ms, not " + first);
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // some 292 years: no wait of that length ever ends anyway
    }
  }
}
