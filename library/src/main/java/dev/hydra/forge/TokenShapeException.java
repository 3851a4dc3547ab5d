package dev.hydra.forge;

/**
 * A token is shaped for another forge than the one it is configured for, and was refused before any
 * request ({@link TokenShapes}). The message names the persona and the fix, never the token. A
 * configuration error: the command line reports it with exit code 2.
 */
public final class TokenShapeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and the fix, without the token
   */
  public TokenShapeException(String message) {
    super(message);
  }
}
