package dev.hydra.container;

import dev.hydra.text.HydraException;

/** The container runtime failed to do what was asked; the message quotes the command and error. */
public class ContainerException extends HydraException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message and, when there is one, its low-level cause. */
  public ContainerException(String message, Throwable... cause) {
    super(message, cause);
  }
}
