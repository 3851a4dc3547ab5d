package dev.hydra.cli;

import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Short forms of commons-cli's option builder: every option is long-only. */
final class CliOptions {

  private CliOptions() {}

  /** {@code --name VALUE}. */
  static Option arg(String name, String value, String description) {
    return Option.builder().longOpt(name).hasArg().argName(value).desc(description).get();
  }

  /** {@code --name}, a flag. */
  static Option flag(String name, String description) {
    return Option.builder().longOpt(name).desc(description).get();
  }

  /** The options, in help order. */
  static Options of(Option... options) {
    Options all = new Options();
    for (Option option : options) {
      all.addOption(option);
    }
    return all;
  }
}
