package dev.hydra.forge;

/** The request conflicts with the current state (409/422). */
public class ForgeConflictException extends ForgeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its one-line message, status and cause. */
  public ForgeConflictException(
      String message, int status, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, status, cause);
  }
}
