package dev.hydra.stage;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.container.ContainerResult;
import dev.hydra.credentials.Persona;
import dev.hydra.gateway.StageUsage;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.verdict.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one stage run ended.
 *
 * <p>Only {@link Status#PASSED} is a pass: the agent completed, the container exited 0, and its
 * verdict is valid and says {@code pass}. A missing or invalid verdict is {@link Status#NO_VERDICT}
 * with the reason; a timeout and an out-of-memory kill are reported as such and are never taken for
 * a rate limit.
 *
 * @param stage the stage
 * @param persona the persona it ran as
 * @param image the image it ran
 * @param status how it ended
 * @param message one line for people: why it passed or failed (untrusted parts escaped, secrets
 *     masked)
 * @param attempts the container run: one per stage, since the model gateway rotates tokens per
 *     request (an attempt's token names the accounts the gateway used); empty when none ran
 * @param verdict the validated verdict of the last run, when there is one
 * @param verdictProblem why there is no verdict, when there is none
 * @param turns agent turns of the last run, from the verdict or else the agent's result
 * @param costUsd cost of the last run in US dollars, from the verdict or else the agent's result
 * @param duration wall-clock time of the whole stage
 * @param usage what the stage's model gateway forwarded: requests, the account of every upstream
 *     call, tokens, the budget and why it ended, when it did ({@link StageUsage#NONE} when no
 *     gateway ran)
 */
public record StageResult(
    Stage stage,
    Persona persona,
    ImageRef image,
    Status status,
    String message,
    List<Attempt> attempts,
    @Nullable Verdict verdict,
    @Nullable String verdictProblem,
    int turns,
    double costUsd,
    Duration duration,
    StageUsage usage) {

  /** How a stage ended. */
  public enum Status {
    /** The agent completed, the container exited 0, and the verdict is valid and says pass. */
    PASSED,
    /**
     * The stage failed: its verdict says fail, the agent failed or ran out of budget, the provider
     * stayed overloaded, or the container exited non-zero.
     */
    FAILED,
    /** The agent completed but left no valid verdict: a failure, never a pass. */
    NO_VERDICT,
    /** The container passed its deadline and was killed and removed. */
    TIMED_OUT,
    /**
     * The kernel killed the container (exit 137 before the deadline): most likely out of memory.
     */
    OUT_OF_MEMORY,
    /**
     * No Claude token can run now and at least one is parked until its limit resets ("rate-limited
     * on all accounts", naming any refused ones).
     */
    RATE_LIMITED,
    /**
     * Every Claude token was refused (expired, revoked, wrong, not logged in) or its account cannot
     * pay: waiting does not help; the message says how to replace them.
     */
    CREDENTIALS_REFUSED,
    /**
     * The container runtime failed: Docker unreachable, the image missing, the network or the
     * container could not be created.
     */
    RUNTIME_ERROR;

    /** The lower-case name for messages, for example {@code timed-out}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One container run.
   *
   * @param token the names of the Claude accounts it used, comma-separated (never a token)
   * @param container the container's name
   * @param result how the container ended; null when it could not be started
   * @param outcome how the agent run ended, as token rotation sees it
   */
  public record Attempt(
      String token, String container, @Nullable ContainerResult result, AgentOutcome outcome) {

    /** How the container ended, when it ran. */
    public Optional<ContainerResult> containerResult() {
      return Optional.ofNullable(result);
    }
  }

  /** A result without a model gateway's usage (a scripted stage, or none ran). */
  public StageResult(
      Stage stage,
      Persona persona,
      ImageRef image,
      Status status,
      String message,
      List<Attempt> attempts,
      @Nullable Verdict verdict,
      @Nullable String verdictProblem,
      int turns,
      double costUsd,
      Duration duration) {
    this(
        stage,
        persona,
        image,
        status,
        message,
        attempts,
        verdict,
        verdictProblem,
        turns,
        costUsd,
        duration,
        StageUsage.NONE);
  }

  public StageResult {
    attempts = List.copyOf(attempts);
    if ((verdict == null) == (verdictProblem == null)) {
      throw new IllegalArgumentException("a result has either a verdict or the reason it has none");
    }
  }

  /**
   * The same run, failed after the container: what it left (its commits) was rejected or could not
   * be delivered. Everything the container did stays on record.
   *
   * @param why what was wrong and what to do, for people; never a secret
   */
  public StageResult rejected(String why) {
    return new StageResult(
        stage,
        persona,
        image,
        Status.FAILED,
        why,
        attempts,
        verdict,
        verdictProblem,
        turns,
        costUsd,
        duration,
        usage);
  }

  /** Whether the stage passed. */
  public boolean passed() {
    return status == Status.PASSED;
  }

  /**
   * The Claude account(s) the last run used, when a container ran: the accounts the model gateway
   * sent requests with, comma-separated, or the attempt's own token name without a gateway.
   */
  public Optional<String> tokenName() {
    if (!usage.calls().isEmpty()) {
      return Optional.of(String.join(", ", usage.callsByAccount().keySet()));
    }
    return attempts.isEmpty() || attempts.get(attempts.size() - 1).token().isEmpty()
        ? Optional.empty()
        : Optional.of(attempts.get(attempts.size() - 1).token());
  }

  /** How many upstream requests each Claude account served, in the order first used. */
  public Map<String, Integer> callsByAccount() {
    return usage.callsByAccount();
  }

  /** Every token the stage's answers counted (input, output and cache). */
  public long tokensUsed() {
    return usage.tokens().total();
  }

  /** The requests the agent made through the model gateway. */
  public int modelRequests() {
    return usage.requests();
  }

  /** How the last container ended, when one ran. */
  public Optional<ContainerResult> container() {
    return attempts.isEmpty()
        ? Optional.empty()
        : attempts.get(attempts.size() - 1).containerResult();
  }

  /** The validated verdict of the last run. */
  public Optional<Verdict> verdictValue() {
    return Optional.ofNullable(verdict);
  }

  /** Why there is no verdict. */
  public Optional<String> noVerdictReason() {
    return Optional.ofNullable(verdictProblem);
  }

  /**
   * One line: {@code stage build passed: … (image …, Claude account account-1, account-2, 14 model
   * requests, 52311 tokens, 12 turns, $0.42, 41.0 s)}.
   */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append("stage ").append(stage.id()).append(' ').append(status.id()).append(": ");
    s.append(message);
    s.append(" (image ").append(image);
    tokenName().ifPresent(t -> s.append(", Claude account ").append(t));
    if (usage.requests() > 0) {
      s.append(", ").append(usage.requests()).append(" model requests");
      s.append(", ").append(tokensUsed()).append(" tokens");
    }
    s.append(", ").append(turns).append(" turns");
    s.append(String.format(Locale.ROOT, ", $%.2f", costUsd));
    s.append(String.format(Locale.ROOT, ", %.1f s)", duration.toMillis() / 1000.0));
    return s.toString();
  }
}
