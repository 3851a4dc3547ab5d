package dev.hydra.workspace;

import java.util.List;

/**
 * A stage's output (its commits) broke a rule and is not pushed. The message names every problem
 * found and what the agent must do instead.
 */
public final class OutputRejectedException extends WorkspaceException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param problems each problem with its fix, never a secret value
   */
  public OutputRejectedException(List<String> problems) {
    super(
        "the stage's output was rejected and nothing was pushed: "
            + String.join("; ", problems)
            + (problems.size() > 1 ? " (" + problems.size() + " problems)" : ""));
    this.problems = List.copyOf(problems);
  }

  /** The problems, one per entry, each with its fix. */
  public List<String> problems() {
    return problems;
  }
}
