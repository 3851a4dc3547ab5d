package dev.hydra.credentials;

import dev.hydra.text.HydraException;

/**
 * Credentials cannot be loaded or are not fit for use. The message names the file or variable, the
 * field, the problem and the fix in one line, and never contains a secret value.
 */
public class CredentialException extends HydraException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with a one-line message naming the place, the problem and the fix. Only
   * pass a cause whose own message cannot contain a secret (file-system errors, never a JSON
   * parser's message).
   */
  public CredentialException(String message, Throwable... cause) {
    super(message, cause);
  }
}
