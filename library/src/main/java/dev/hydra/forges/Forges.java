package dev.hydra.forges;

import dev.hydra.config.ForgeUrls;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.forgejo.ForgejoForge;
import dev.hydra.forge.forgejo.ForgejoIssueFeed;
import dev.hydra.forge.github.GitHubForge;
import dev.hydra.forge.github.GitHubIssueFeed;
import dev.hydra.text.Texts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where a {@link Forge} adapter is chosen and built (STYLE point 5): no singletons,
 * no environment read here — callers pass what {@code Settings} read at the edge.
 */
public final class Forges {

  /** GitHub's public API, the default when nothing names another (GitHub Enterprise does). */
  public static final URI GITHUB_API = URI.create("https://api.github.com");

  private Forges() {}

  /**
   * Opens the supervisor's conditional list of a repository's open items ({@link IssueFeed}) with a
   * persona's token, bound to the API URL like the port.
   */
  public static IssueFeed feed(
      ForgeType type, URI apiUrl, String persona, String token, ForgeOptions options) {
    return switch (type) {
      case GITHUB -> GitHubIssueFeed.open(apiUrl, persona, token, options);
      case FORGEJO -> ForgejoIssueFeed.open(apiUrl, persona, token, options);
    };
  }

  /**
   * Opens the port for one persona. Sends nothing: the first request is the first call.
   *
   * @param type which forge
   * @param apiUrl the API URL the token belongs to ({@link #apiUrl} finds the default)
   * @param persona the persona ({@code builder}, {@code reviewer}, {@code security}, {@code
   *     applier}), named in every message
   * @param token the persona's own token; it is sent to {@code apiUrl}'s host only
   * @param options timeouts and the rate-limit wait budget
   * @return the adapter
   * @throws IllegalArgumentException when the URL is not an absolute http(s) URL without user info,
   *     query or fragment, or the token is blank
   */
  public static Forge open(
      ForgeType type, URI apiUrl, String persona, String token, ForgeOptions options) {
    return switch (type) {
      case GITHUB -> new GitHubForge(apiUrl, persona, token, options);
      case FORGEJO -> new ForgejoForge(apiUrl, persona, token, options);
    };
  }

  /**
   * The API URL: the explicit option when given, else the default from the Actions environment.
   * Pure: tested with maps.
   *
   * <ul>
   *   <li>GitHub: {@code GITHUB_API_URL} (GitHub Enterprise: {@code https://host/api/v3}), else
   *       {@code https://api.github.com};
   *   <li>Forgejo: {@code GITHUB_API_URL}, then {@code FORGEJO_API_URL} (the runner sets both,
   *       forge-actions.md §A.1), then {@code GITHUB_SERVER_URL} or {@code FORGEJO_SERVER_URL} +
   *       {@code /api/v1}; there is no default host: a wrong guess would send a token elsewhere.
   * </ul>
   *
   * Trailing slashes are removed; empty values count as unset (Actions passes unset variables as
   * empty strings).
   *
   * @param type which forge
   * @param explicit the {@code --api-url} option, empty when not given
   * @param env the process environment
   * @return the URL, or empty when nothing names one (Forgejo outside Actions)
   * @throws IllegalArgumentException when a value is not an absolute http(s) URL; the message names
   *     the option or variable
   */
  public static Optional<URI> apiUrl(ForgeType type, String explicit, Map<String, String> env) {
    return apiUrl(type, explicit, ForgeUrls.from(env));
  }

  /**
   * The API URL from the option or the URLs the settings read ({@link #apiUrl(ForgeType, String,
   * Map)}).
   *
   * @throws IllegalArgumentException when a value is not an absolute http(s) URL; the message names
   *     the option or variable
   */
  public static Optional<URI> apiUrl(ForgeType type, String explicit, ForgeUrls urls) {
    if (!explicit.isBlank()) {
      return Optional.of(parse("--api-url", explicit));
    }
    Map<String, String> direct = new LinkedHashMap<>();
    direct.put("GITHUB_API_URL", urls.githubApiUrl());
    if (type == ForgeType.FORGEJO) {
      direct.put("FORGEJO_API_URL", urls.forgejoApiUrl());
    }
    for (Map.Entry<String, String> e : direct.entrySet()) {
      if (!e.getValue().isBlank()) {
        return Optional.of(parse(e.getKey(), e.getValue()));
      }
    }
    if (type == ForgeType.GITHUB) {
      return Optional.of(GITHUB_API);
    }
    Map<String, String> servers = new LinkedHashMap<>();
    servers.put("GITHUB_SERVER_URL", urls.githubServerUrl());
    servers.put("FORGEJO_SERVER_URL", urls.forgejoServerUrl());
    for (Map.Entry<String, String> e : servers.entrySet()) {
      if (!e.getValue().isBlank()) {
        URI server = parse(e.getKey(), e.getValue());
        return Optional.of(URI.create(server + "/api/v1"));
      }
    }
    return Optional.empty();
  }

  private static URI parse(String source, String value) {
    String text = value.strip();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          source + " " + Texts.quote(value) + " is not a URL: " + e.getReason(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (!(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          source
              + " "
              + Texts.quote(value)
              + " is not an http(s) URL with a host and without user, query or fragment");
    }
    return uri;
  }
}
