package dev.hydra.verdict;

import dev.hydra.text.HydraException;

/**
 * A stage ended without a usable verdict: none was printed, it was not JSON, or it broke the
 * schema. The stage counts as failed, never as passed.
 */
public class InvalidVerdictException extends HydraException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message and, when there is one, its low-level cause. */
  public InvalidVerdictException(String message, Throwable... cause) {
    super(message, cause);
  }
}
