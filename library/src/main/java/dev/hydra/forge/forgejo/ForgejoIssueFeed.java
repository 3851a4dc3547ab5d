package dev.hydra.forge.forgejo;

import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.transport.BoundTransport;
import dev.hydra.forge.transport.TransportIssueFeed;
import java.net.URI;

/**
 * The supervisor's conditional list of open items on this forge (no ETag documented: a plain read
 * each poll).
 */
public final class ForgejoIssueFeed {

  private ForgejoIssueFeed() {}

  /**
   * Opens it with a persona's token, bound to the API URL like the forge's adapter.
   *
   * @throws IllegalArgumentException when the URL or the token cannot be used
   */
  public static IssueFeed open(URI apiUrl, String persona, String token, ForgeOptions options) {
    return TransportIssueFeed.forgejo(
        new BoundTransport(ForgeType.FORGEJO, apiUrl, persona, token, options));
  }
}
