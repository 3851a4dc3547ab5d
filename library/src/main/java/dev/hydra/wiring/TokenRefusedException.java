package dev.hydra.wiring;

import dev.hydra.forge.ForgeException;

/**
 * A persona token refused before the first write of a job (SPEC §6: admin rights on the
 * repository): thrown in place of the write, so that nothing is written. Its message names the
 * persona, where its token came from and the fix, never the token.
 */
public final class TokenRefusedException extends ForgeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its one-line message. */
  public TokenRefusedException(String message) {
    super(message, 0, null);
  }
}
