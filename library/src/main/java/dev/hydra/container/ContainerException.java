package dev.hydra.container;

/** The container runtime failed to do what was asked; the message quotes the command and error. */
public class ContainerException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message. */
  public ContainerException(String message) {
    super(message);
  }

  /** Creates the exception with a one-line message and its cause. */
  public ContainerException(String message, Throwable cause) {
    super(message, cause);
  }
}
