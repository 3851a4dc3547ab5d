package dev.hydra.wiring;

import dev.hydra.config.HydraSettings;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.TokenShapes;
import dev.hydra.forges.Forges;
import dev.hydra.secret.Secret;
import dev.hydra.workspace.GitRemote;
import java.net.URI;
import java.util.Optional;

/**
 * The forge a command talks to: the settings, the repository and the API URL, resolved once.
 *
 * @param settings the settings
 * @param repo the repository
 * @param apiUrl the forge's API URL
 */
public record ForgeTarget(HydraSettings settings, RepoRef repo, URI apiUrl) {

  /**
   * Resolves the target.
   *
   * @param settings the settings; their repository ({@code GITHUB_REPOSITORY}) is the default
   * @param repoOption {@code --repo}, empty when not given
   * @param apiUrlOption {@code --api-url}, empty when not given
   * @throws InvalidConfigurationException naming the missing or invalid value and the fix
   */
  public static ForgeTarget resolve(HydraSettings settings, String repoOption, String apiUrlOption)
      throws InvalidConfigurationException {
    RepoRef repo;
    if (repoOption.isBlank()) {
      repo =
          settings
              .repository()
              .orElseThrow(
                  () ->
                      new InvalidConfigurationException(
                          "no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY"));
    } else {
      try {
        repo = RepoRef.parse(repoOption.strip());
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException("--repo: " + e.getMessage());
      }
    }
    ForgeType type = settings.forge().type();
    Optional<URI> api;
    try {
      api = Forges.apiUrl(type, apiUrlOption, settings.urls());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(String.valueOf(e.getMessage()));
    }
    if (api.isEmpty()) {
      throw new InvalidConfigurationException(
          "no API URL for "
              + type.id()
              + ": pass --api-url (for example https://codeberg.org/api/v1) or run inside Actions");
    }
    return new ForgeTarget(settings, repo, api.get());
  }

  /** Opens the port as one persona with that persona's token. */
  public Forge open(String persona, String token) {
    return Forges.open(settings.forge().type(), apiUrl, persona, token, ForgeOptions.defaults());
  }

  /**
   * Opens the port as one persona, refusing first a token shaped for the other forge ({@link
   * TokenShapes}) with a message naming the persona and where the token came from.
   *
   * @param source the variable or field the token came from ({@code HYDRA_BUILDER_TOKEN})
   * @throws InvalidConfigurationException when the token is shaped for the other forge
   */
  public Forge open(String persona, String source, String token)
      throws InvalidConfigurationException {
    Optional<TokenShapes.Mismatch> mismatch =
        TokenShapes.check(settings.forge().type(), apiUrl, token);
    if (mismatch.isPresent()) {
      throw new InvalidConfigurationException(
          mismatch.get().message("the " + persona + " token (" + source + ")"));
    }
    return open(persona, token);
  }

  /**
   * The runner's git remote of the repository for a persona: {@code <web root>/<owner>/<repo>.git}
   * with the persona's token, sent only to that scheme, host and port ({@code x-access-token} as
   * the user name on GitHub; Forgejo reads the token and ignores the name).
   */
  public GitRemote gitRemote(Secret token) {
    String user = settings.forge().type() == ForgeType.GITHUB ? "x-access-token" : "hydra";
    return new GitRemote(URI.create(webUrl() + "/" + repo.fullName() + ".git"), user, token);
  }

  /**
   * The forge's web root, for the URLs a stage is given: {@code GITHUB_SERVER_URL}, else derived
   * from the API URL ({@code https://github.com}, a GitHub Enterprise or Forgejo host).
   */
  public String webUrl() {
    String server = settings.urls().githubServerUrl();
    if (!server.isBlank()) {
      return server;
    }
    String api = apiUrl.toString();
    if (settings.forge().type() == ForgeType.GITHUB) {
      return api.contains("api.github.com")
          ? "https://github.com"
          : api.replaceFirst("/api/v3/?$", "");
    }
    return api.replaceFirst("/api/v1/?$", "");
  }
}
