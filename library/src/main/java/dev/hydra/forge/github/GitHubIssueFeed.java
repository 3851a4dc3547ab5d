package dev.hydra.forge.github;

import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.transport.BoundTransport;
import dev.hydra.forge.transport.TransportIssueFeed;
import java.net.URI;

/**
 * The supervisor's conditional list of open items on this forge (sorted by last update, 100 a page;
 * a 304 is free).
 */
public final class GitHubIssueFeed {

  private GitHubIssueFeed() {}

  /**
   * Opens it with a persona's token, bound to the API URL like the forge's adapter.
   *
   * @throws IllegalArgumentException when the URL or the token cannot be used
   */
  public static IssueFeed open(URI apiUrl, String persona, String token, ForgeOptions options) {
    return TransportIssueFeed.gitHub(
        new BoundTransport(ForgeType.GITHUB, apiUrl, persona, token, options));
  }
}
