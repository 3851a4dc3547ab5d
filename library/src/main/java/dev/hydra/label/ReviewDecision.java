package dev.hydra.label;

import java.util.Optional;

/**
 * The decision after both reviews (SPEC §4). Every outcome is terminal or goes to the applier,
 * whose own outcome is terminal: there are no loops.
 */
public enum ReviewDecision {
  /** A review is still queued or running: decide later. */
  WAIT,
  /** A review failed: a person decides ({@code needs-input}). */
  NEEDS_INPUT,
  /** Both passed and neither reviewer changed the code: the PR is ready for a person. */
  DONE,
  /** Both passed and a reviewer applied fixes: the applier gives the final go/no-go. */
  APPLIER;

  /**
   * Decides from the two review states and whether any reviewer applied fixes.
   *
   * @param code the code review's state, empty when it has none
   * @param security the security review's state, empty when it has none
   * @param fixesApplied whether either reviewer reported fixes it applied to the PR branch
   */
  public static ReviewDecision decide(
      Optional<StageState> code, Optional<StageState> security, boolean fixesApplied) {
    if (code.isEmpty() || security.isEmpty()) {
      return WAIT;
    }
    if (code.get() == StageState.FAIL || security.get() == StageState.FAIL) {
      // Decided as soon as one fails, even while the other still runs: the outcome cannot change.
      return NEEDS_INPUT;
    }
    if (!code.get().finished() || !security.get().finished()) {
      return WAIT;
    }
    return fixesApplied ? APPLIER : DONE;
  }

  /** The outcome after the applier: pass is done, fail needs a person. */
  public static Outcome afterApplier(boolean passed) {
    return passed ? Outcome.DONE : Outcome.NEEDS_INPUT;
  }
}
