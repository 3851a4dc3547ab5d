package dev.hydra.text;

import org.jspecify.annotations.Nullable;

/**
 * The base of Hydra's checked failures: the message is one line that names the problem and the fix.
 * Each subclass says which part failed; none adds state.
 */
public abstract class HydraException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line naming the problem and the fix
   * @param cause the low-level cause, at most one; none when the failure is Hydra's own finding
   * @throws IllegalArgumentException for more than one cause
   */
  protected HydraException(String message, Throwable... cause) {
    super(message, only(cause));
  }

  private static @Nullable Throwable only(Throwable[] cause) {
    if (cause.length > 1) {
      throw new IllegalArgumentException("at most one cause, got " + cause.length);
    }
    return cause.length == 0 ? null : cause[0];
  }
}
