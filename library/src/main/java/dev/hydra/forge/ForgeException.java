package dev.hydra.forge;

import java.util.OptionalInt;

/**
 * A forge request failed. The message says what was attempted, on which repository, as which
 * persona, and what to do about it.
 */
public class ForgeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * Creates the exception.
   *
   * @param message the one-line message
   * @param status the HTTP status, 0 when there was no response
   * @param cause the underlying failure, or null
   */
  public ForgeException(
      String message, int status, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status of the failed response, when there was one. */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
