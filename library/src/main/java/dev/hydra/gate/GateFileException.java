package dev.hydra.gate;

import dev.hydra.text.HydraException;

/**
 * The gate file cannot be used. The message lists every problem found, each naming the file, the
 * gate (its position and name), the field, what is wrong and the fix.
 */
public final class GateFileException extends HydraException {
  private static final long serialVersionUID = 1L;

  GateFileException(String message, Throwable... cause) {
    super(message, cause);
  }
}
