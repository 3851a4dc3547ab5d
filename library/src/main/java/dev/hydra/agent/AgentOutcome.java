package dev.hydra.agent;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one agent run ended, as far as token rotation is concerned (security-anchors §4.7).
 *
 * <p>{@link AccountLimit} parks the token until its reset and moves to the next token; {@link
 * Overloaded} retries the same token after a back-off; {@link BadCredential} and {@link
 * BillingProblem} take the token out of rotation and move to the next; everything else ends the
 * stage.
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
   * The account behind the token hit its usage limit: the run ended on an API 429 (the CLI's error
   * kind {@code rate_limit}), or, with no API error to decide, on a {@code rate_limit_event} with
   * status {@code rejected} while no extra usage was paying, or one of the known limit messages.
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
   * The provider is overloaded or failing (529, another 5xx, the CLI's error kind {@code
   * server_error}): not this account's quota, and not this token's fault.
   *
   * @param evidence what showed it
   */
  record Overloaded(String evidence) implements AgentOutcome {
    @Override
    public String describe() {
      return "provider overloaded or failing (" + evidence + ")";
    }
  }

  /**
   * The token was refused (401/403, the CLI's error kind {@code authentication_failed}, "Not logged
   * in"): revoked, expired, wrong or missing.
   *
   * @param evidence what showed it
   */
  record BadCredential(String evidence) implements AgentOutcome {

    /** What a person does about a refused token. */
    public static final String FIX =
        "regenerate it with `claude setup-token` (or create a new Console API key) and replace the"
            + " secret";

    @Override
    public String describe() {
      return "token refused (" + evidence + "); this is not a rate limit: " + FIX;
    }
  }

  /**
   * The account cannot pay (the CLI's error kind {@code billing_error}: credit balance too low,
   * spend limit): not a rate limit and not a bad token; a person must fix the account's billing.
   *
   * @param evidence what showed it
   */
  record BillingProblem(String evidence) implements AgentOutcome {

    /** What a person does about it. */
    public static final String FIX = "add credit or raise the account's spend limit";

    @Override
    public String describe() {
      return "billing error (" + evidence + "); this is not a rate limit: " + FIX;
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
