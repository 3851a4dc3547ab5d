package dev.hydra.image.publish;

/** An image could not be built, tagged, pushed or inspected; the message says which and why. */
public final class ImageBuildException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the fix where one is known
   */
  public ImageBuildException(String message) {
    super(message);
  }

  /**
   * @param message what failed
   * @param cause the underlying problem
   */
  public ImageBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
