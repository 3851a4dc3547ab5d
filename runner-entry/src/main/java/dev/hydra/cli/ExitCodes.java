package dev.hydra.cli;

/**
 * The exit codes of every {@code hydra} command, documented in {@code docs/cli.md}.
 *
 * <p>A skip is not a failure: {@code route} and {@code explain} exit 0 whatever they decide.
 */
final class ExitCodes {
  /** Success, including a decision to skip. */
  static final int OK = 0;

  /** The stage ran and failed for a reason the operator must see. */
  static final int STAGE_FAILED = 1;

  /** Bad input: options, event payload or configuration. Nothing was changed anywhere. */
  static final int USAGE = 2;

  /** The forge refused or failed a request; the message names persona, repository and fix. */
  static final int FORGE = 3;

  /**
   * The container runtime failed: Docker unreachable, the image missing, the network or the
   * container could not be created. The stage did not run to an outcome.
   */
  static final int RUNTIME = 4;

  /**
   * Interrupted (the runner's SIGINT, a cancelled job): the stage container was removed; a stage
   * left running is recovered later by {@code hydra reconcile}. 128 + SIGINT, as shells report it.
   */
  static final int INTERRUPTED = 130;

  /** A bug in Hydra: an unexpected exception. Run again with --stacktrace and report it. */
  static final int INTERNAL = 70;

  private ExitCodes() {}
}
