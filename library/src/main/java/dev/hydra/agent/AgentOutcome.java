package dev.hydra.agent;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one agent run ended, as far as token rotation is concerned (security-anchors §4.7).
 *
 * <p>Only {@link AccountLimit} moves to the next token; {@link Overloaded} retries the same token
 * after a back-off; {@link BadCredential} quarantines the token; everything else ends the stage.
 */
public sealed interface AgentOutcome {

  /** A one-line description for logs and the run record. */
  String describe();

  /**
   * The agent finished and produced a result.
   *
   * @param turns turns used, when reported
   * @param costUsd cost in US dollars, when reported
   */
  record Completed(int turns, double costUsd) implements AgentOutcome {
    @Override
    public String describe() {
      return "completed in " + turns + " turns";
    }
  }

  /**
   * The account behind the token hit its usage limit: a {@code rate_limit_event} with status {@code
   * rejected}, an API 429, or one of the known limit messages.
   *
   * @param resetsAt when the limit resets, when the agent said so
   * @param evidence what showed it, for the log
   */
  record AccountLimit(@Nullable Instant resetsAt, String evidence) implements AgentOutcome {
    /** When the limit resets, when known. */
    public Optional<Instant> reset() {
      return Optional.ofNullable(resetsAt);
    }

    @Override
    public String describe() {
      return "account limit reached ("
          + evidence
          + ")"
          + (resetsAt == null ? "" : ", resets at " + resetsAt);
    }
  }

  /**
   * The provider is overloaded (529): not this account's quota.
   *
   * @param evidence what showed it
   */
  record Overloaded(String evidence) implements AgentOutcome {
    @Override
    public String describe() {
      return "provider overloaded (" + evidence + ")";
    }
  }

  /**
   * The token was refused (401/403, authentication error): revoked, expired or wrong.
   *
   * @param evidence what showed it
   */
  record BadCredential(String evidence) implements AgentOutcome {
    @Override
    public String describe() {
      return "token refused (" + evidence + "); this is not a rate limit";
    }
  }

  /**
   * The agent used up its turn or money budget; the stage fails without retry.
   *
   * @param subtype the result subtype, for example {@code error_max_turns}
   * @param turns turns used
   */
  record BudgetExhausted(String subtype, int turns) implements AgentOutcome {
    @Override
    public String describe() {
      return "agent budget exhausted (" + subtype + ") after " + turns + " turns";
    }
  }

  /**
   * The run failed for another reason, or ended without a result; the stage fails.
   *
   * @param reason why
   */
  record Failed(String reason) implements AgentOutcome {
    @Override
    public String describe() {
      return "agent failed: " + reason;
    }
  }
}
