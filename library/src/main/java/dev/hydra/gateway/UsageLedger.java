package dev.hydra.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Counts a stage's requests and tokens as they happen, and says when its budget is spent;
 * thread-safe, since the agent may send requests in parallel.
 */
final class UsageLedger {

  private final OptionalLong budget;
  private int requests;
  private final List<UpstreamCall> calls = new ArrayList<>();
  private TokenUsage tokens = TokenUsage.ZERO;
  private @Nullable String ended;

  UsageLedger(OptionalLong budget) {
    this.budget = budget;
  }

  synchronized void request() {
    requests++;
  }

  synchronized void call(UpstreamCall call) {
    calls.add(call);
    tokens = tokens.plus(call.tokens());
  }

  /**
   * Whether a new request may go upstream: not once the tokens counted so far reach the budget. A
   * request already running may still overshoot it; the budget ends further requests.
   *
   * @return the reason the request is refused, when it is
   */
  synchronized Optional<String> overBudget() {
    if (budget.isPresent() && tokens.total() >= budget.getAsLong()) {
      ended =
          "the stage's token budget is spent: "
              + tokens.total()
              + " tokens used of "
              + budget.getAsLong();
    }
    return Optional.ofNullable(ended);
  }

  synchronized StageUsage snapshot() {
    return new StageUsage(requests, calls, tokens, budget, Optional.ofNullable(ended));
  }
}
