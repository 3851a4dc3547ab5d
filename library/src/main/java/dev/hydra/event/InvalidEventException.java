package dev.hydra.event;

import dev.hydra.text.HydraException;

/**
 * An event payload, or the name given for it, cannot be used. The message names the problem and the
 * fix in one line.
 */
public class InvalidEventException extends HydraException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message and, when there is one, its low-level cause. */
  public InvalidEventException(String message, Throwable... cause) {
    super(message, cause);
  }
}
