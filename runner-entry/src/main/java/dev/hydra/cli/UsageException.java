package dev.hydra.cli;

/** The command line itself is wrong: an unknown command or option, a missing value. Exit 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String command;

  UsageException(String command, String message) {
    super(message);
    this.command = command;
  }

  /** The command whose help shows the right usage, for example {@code hydra route}. */
  String command() {
    return command;
  }
}
