package dev.hydra.forge.transport;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.transport.ForgeErrors.Attempt;
import org.jspecify.annotations.Nullable;

/**
 * The login a persona's token belongs to, asked of the forge once per adapter instance: both
 * adapters answer {@code currentUser} from here after the first request.
 */
public final class KnownLogin {

  /** The request that asks the forge whose token this is, as the attempt given. */
  @FunctionalInterface
  public interface Ask {
    String ask(Attempt attempt) throws ForgeException;
  }

  private final BoundTransport transport;
  private volatile @Nullable String login;

  /** For the adapter that sends through {@code transport}. */
  public KnownLogin(BoundTransport transport) {
    this.transport = transport;
  }

  /** The login, asked with {@code ask} the first time only (or again if that failed). */
  public String get(Ask ask) throws ForgeException {
    String known = login;
    if (known != null) {
      return known;
    }
    String fetched = ask.ask(new Attempt(transport, Operation.CURRENT_USER, transport.host()));
    login = fetched;
    return fetched;
  }
}
