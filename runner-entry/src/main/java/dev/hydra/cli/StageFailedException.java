package dev.hydra.cli;

/** The stage ran and did not pass; the message says why. Exit 1. */
final class StageFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  StageFailedException(String message) {
    super(message);
  }
}
