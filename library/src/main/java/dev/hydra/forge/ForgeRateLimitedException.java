package dev.hydra.forge;

/** The forge's rate limit was reached and the wait budget did not cover the reset. */
public class ForgeRateLimitedException extends ForgeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its one-line message, status and cause. */
  public ForgeRateLimitedException(
      String message, int status, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, status, cause);
  }
}
