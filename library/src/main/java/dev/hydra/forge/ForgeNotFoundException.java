package dev.hydra.forge;

/** The resource does not exist, or the token cannot see it. */
public class ForgeNotFoundException extends ForgeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its one-line message, status and cause. */
  public ForgeNotFoundException(
      String message, int status, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, status, cause);
  }
}
