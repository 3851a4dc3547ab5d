package dev.hydra.cli;

import dev.hydra.config.ForgeSelection;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.Settings;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.TokenShapes;
import dev.hydra.forges.Forges;
import dev.hydra.text.Texts;
import java.net.URI;
import java.util.Optional;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** The options of every command that talks to a forge: repository, forge, API URL. */
final class ForgeOptionsCli {

  private ForgeOptionsCli() {}

  static Options options() {
    return new Options()
        .addOption(
            Option.builder()
                .longOpt("repo")
                .hasArg()
                .argName("OWNER/NAME")
                .desc("The repository. Default: $GITHUB_REPOSITORY.")
                .get())
        .addOption(
            Option.builder()
                .longOpt("forge")
                .hasArg()
                .argName("FORGE")
                .desc("github or forgejo. Default: $HYDRA_FORGE, else detected; never guessed.")
                .get())
        .addOption(
            Option.builder()
                .longOpt("api-url")
                .hasArg()
                .argName("URL")
                .desc(
                    "The forge's API URL. Default: $GITHUB_API_URL; on Forgejo also"
                        + " $GITHUB_SERVER_URL/api/v1; on GitHub https://api.github.com.")
                .get())
        .addOption(
            Option.builder()
                .longOpt("prefix")
                .hasArg()
                .argName("PREFIX")
                .desc("The label prefix. Default: $HYDRA_LABEL_PREFIX.")
                .get());
  }

  /** The resolved target of a forge command. */
  record Target(Settings settings, RepoRef repo, URI apiUrl) {

    /** Opens the port as one persona with that persona's token. */
    Forge open(String persona, String token) {
      return Forges.open(settings.forge().type(), apiUrl, persona, token, ForgeOptions.defaults());
    }

    /**
     * Opens the port as one persona, refusing first a token shaped for the other forge ({@link
     * TokenShapes}) with a message naming the persona and where the token came from.
     *
     * @param source the variable or field the token came from ({@code HYDRA_BUILDER_TOKEN})
     */
    Forge open(String persona, String source, String token) throws InvalidConfigurationException {
      Optional<TokenShapes.Mismatch> mismatch =
          TokenShapes.check(settings.forge().type(), apiUrl, token);
      if (mismatch.isPresent()) {
        throw new InvalidConfigurationException(
            mismatch.get().message("the " + persona + " token (" + source + ")"));
      }
      return open(persona, token);
    }
  }

  static Target resolve(Invocation in) throws InvalidConfigurationException {
    java.util.Map<String, String> env = new java.util.HashMap<>(in.env());
    if (in.flag("prefix")) {
      env.put("HYDRA_LABEL_PREFIX", in.option("prefix"));
    }
    Settings settings = Settings.from(ForgeSelection.resolve(in.option("forge"), env), env);
    String repoText = in.option("repo", "GITHUB_REPOSITORY");
    if (repoText.isBlank()) {
      throw new InvalidConfigurationException(
          "no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY");
    }
    RepoRef repo;
    try {
      repo = RepoRef.parse(repoText.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException("--repo: " + e.getMessage());
    }
    Optional<URI> api;
    try {
      api = Forges.apiUrl(settings.forge().type(), in.option("api-url"), env);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(String.valueOf(e.getMessage()));
    }
    if (api.isEmpty()) {
      throw new InvalidConfigurationException(
          "no API URL for "
              + settings.forge().type().id()
              + ": pass --api-url (for example https://codeberg.org/api/v1) or run inside Actions");
    }
    return new Target(settings, repo, api.get());
  }

  /** Reads one persona's token from the environment, refusing a blank or malformed value. */
  static String token(Invocation in, String variable, String persona)
      throws InvalidConfigurationException {
    String token = in.env().getOrDefault(variable, "");
    if (token.isBlank()) {
      throw new InvalidConfigurationException(
          variable + " is not set; set it to the " + persona + " persona's own token");
    }
    if (!token.equals(token.strip()) || token.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidConfigurationException(
          variable + " contains white space or control characters; paste the token alone");
    }
    return token;
  }

  static String quote(String text) {
    return Texts.quote(text);
  }
}
