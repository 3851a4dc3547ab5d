package dev.hydra.forge;

/** The token is valid but lacks the permission the request needs. */
public class ForgeForbiddenException extends ForgeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its one-line message, status and cause. */
  public ForgeForbiddenException(
      String message, int status, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, status, cause);
  }
}
