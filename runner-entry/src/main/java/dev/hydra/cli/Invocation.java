package dev.hydra.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.apache.commons.cli.CommandLine;

/**
 * One run of a command: its parsed options, the environment and the output streams.
 *
 * @param command the full command name, for example {@code hydra route}
 * @param args the parsed options
 * @param env the process environment (tests pass their own)
 * @param out standard output, for the command's result
 * @param err standard error, for messages and logs
 */
record Invocation(
    String command, CommandLine args, Map<String, String> env, PrintWriter out, PrintWriter err) {

  /**
   * The value of an option, else of an environment variable, else empty. Actions passes unset
   * repository variables as empty strings, so empty counts as unset.
   */
  String option(String longName, String envVariable) {
    String value = args.getOptionValue(longName);
    if (value != null) {
      return value;
    }
    return env.getOrDefault(envVariable, "");
  }

  /** The value of an option, or empty. */
  String option(String longName) {
    String value = args.getOptionValue(longName);
    return value == null ? "" : value;
  }

  /** Whether a flag was given. */
  boolean flag(String longName) {
    return args.hasOption(longName);
  }
}
