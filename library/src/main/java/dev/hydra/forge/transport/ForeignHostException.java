package dev.hydra.forge.transport;

import java.io.IOException;
import java.net.URI;

/**
 * A request was about to leave for a host other than the one the token is bound to, and was not
 * sent. An {@link IOException} so that it passes unchanged through the client libraries.
 */
public final class ForeignHostException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String target;
  private final String bound;

  /**
   * Creates the exception.
   *
   * @param target the refused URI
   * @param bound the origin the token is bound to
   */
  public ForeignHostException(URI target, String bound) {
    super(
        "refused to send the token to "
            + BoundTransport.origin(target)
            + ": it is bound to "
            + bound);
    this.target = BoundTransport.origin(target);
    this.bound = bound;
  }

  /** The origin ({@code scheme://host:port}) the request was refused for. */
  public String target() {
    return target;
  }

  /** The origin the token is bound to. */
  public String bound() {
    return bound;
  }
}
