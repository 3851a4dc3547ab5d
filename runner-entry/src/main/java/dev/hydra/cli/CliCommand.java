package dev.hydra.cli;

import org.apache.commons.cli.Options;

/** One {@code hydra} subcommand: its name, its help, its options, and what it does. */
interface CliCommand {

  /** The name typed after {@code hydra}. */
  String name();

  /** One line for the command list in {@code hydra --help}. */
  String summary();

  /** The paragraphs shown above the options in {@code hydra NAME --help}. */
  String description();

  /** The command's own options; the common ones ({@code --help}, {@code -v} …) are added. */
  Options options();

  /** Whether the command takes positional arguments (a sub-action such as {@code seed}). */
  default boolean acceptsArguments() {
    return false;
  }

  /**
   * Runs the command.
   *
   * @return the exit code (see {@link ExitCodes})
   * @throws Exception any failure; {@link ErrorReporter} turns it into a message and exit code
   */
  int run(Invocation invocation) throws Exception;
}
