package dev.hydra.verdict;

/**
 * A stage ended without a usable verdict: none was printed, it was not JSON, or it broke the
 * schema. The stage counts as failed, never as passed.
 */
public class InvalidVerdictException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line reason. */
  public InvalidVerdictException(String message) {
    super(message);
  }

  /** Creates the exception with a one-line reason and its cause. */
  public InvalidVerdictException(String message, Throwable cause) {
    super(message, cause);
  }
}
