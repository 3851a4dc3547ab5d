package dev.hydra.cli;

import dev.hydra.config.HydraSettings;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.wiring.ForgeTarget;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** The options of every command that talks to a forge: repository, forge, API URL. */
final class ForgeOptionsCli {

  private ForgeOptionsCli() {}

  static Options options() {
    return CliOptions.of(
        CliOptions.arg("repo", "OWNER/NAME", "The repository. Default: $GITHUB_REPOSITORY."),
        forge("github or forgejo. Default: $HYDRA_FORGE, else detected; never guessed."),
        CliOptions.arg(
            "api-url",
            "URL",
            "The forge's API URL. Default: $GITHUB_API_URL; on Forgejo also"
                + " $GITHUB_SERVER_URL/api/v1; on GitHub https://api.github.com."),
        CliOptions.arg("prefix", "PREFIX", "The label prefix. Default: $HYDRA_LABEL_PREFIX."));
  }

  /** {@code --forge FORGE}, described for its command. */
  static Option forge(String description) {
    return CliOptions.arg("forge", "FORGE", description);
  }

  /** The settings of the invocation: the environment, with {@code --prefix} applied. */
  static HydraSettings settings(Invocation in) throws InvalidConfigurationException {
    return settings(in, Map.of());
  }

  /** The settings, with {@code defaults} for variables the environment does not set. */
  static HydraSettings settings(Invocation in, Map<String, String> defaults)
      throws InvalidConfigurationException {
    return settings(in, defaults, in.option("forge"));
  }

  private static HydraSettings settings(
      Invocation in, Map<String, String> defaults, String forgeOption)
      throws InvalidConfigurationException {
    Map<String, String> env = new HashMap<>(defaults);
    env.putAll(in.env());
    if (in.flag("prefix")) {
      env.put("HYDRA_LABEL_PREFIX", in.option("prefix"));
    }
    return HydraSettings.from(forgeOption, env);
  }

  /** The forge target from the options and the environment. */
  static ForgeTarget resolve(Invocation in) throws InvalidConfigurationException {
    return resolve(in, in.option("forge"), in.option("api-url"));
  }

  /** The forge target, with the forge and API URL options as a command settled them. */
  static ForgeTarget resolve(Invocation in, String forgeOption, String apiUrlOption)
      throws InvalidConfigurationException {
    return ForgeTarget.resolve(
        settings(in, Map.of(), forgeOption), in.option("repo"), apiUrlOption);
  }
}
