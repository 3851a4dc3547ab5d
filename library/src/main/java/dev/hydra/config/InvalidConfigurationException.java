package dev.hydra.config;

/**
 * A setting is missing, malformed or contradicts another. The message names the setting, the
 * problem and the fix in one line.
 */
public class InvalidConfigurationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message naming the setting, problem and fix. */
  public InvalidConfigurationException(String message) {
    super(message);
  }
}
