package dev.hydra.forge;

/** The token was refused: missing, expired or revoked. */
public class ForgeUnauthorizedException extends ForgeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its one-line message, status and cause. */
  public ForgeUnauthorizedException(
      String message, int status, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, status, cause);
  }
}
