package dev.hydra.workspace;

import dev.hydra.text.HydraException;

/**
 * Preparing a stage's workspace, reading its output or pushing it failed. The message names the
 * problem and the fix, never a token.
 */
public class WorkspaceException extends HydraException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line naming the problem and the fix
   * @param cause at most one low-level cause
   */
  public WorkspaceException(String message, Throwable... cause) {
    super(message, cause);
  }
}
