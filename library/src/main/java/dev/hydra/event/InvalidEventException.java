package dev.hydra.event;

/**
 * An event payload, or the name given for it, cannot be used. The message names the problem and the
 * fix in one line.
 */
public class InvalidEventException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message naming the problem and the fix. */
  public InvalidEventException(String message) {
    super(message);
  }

  /** Creates the exception with a one-line message and the low-level cause. */
  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
