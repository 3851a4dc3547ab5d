package dev.hydra.workspace;

import dev.hydra.secret.Secret;
import java.net.URI;
import java.util.Locale;
import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.jspecify.annotations.Nullable;

/**
 * JGit credentials that answer only for one origin (scheme, host, port): a redirect to another host
 * or port, or any other URL, gets nothing and the request goes on without a token.
 */
final class HostBoundCredentials extends CredentialsProvider {

  private final URI origin;
  private final String username;
  private final @Nullable Secret token;

  HostBoundCredentials(URI origin, String username, @Nullable Secret token) {
    this.origin = origin;
    this.username = username;
    this.token = token;
  }

  /** True when the URI has this origin's scheme, host and (effective) port. */
  boolean answersFor(URIish uri) {
    String scheme = lower(uri.getScheme());
    return token != null
        && scheme.equals(lower(origin.getScheme()))
        && lower(uri.getHost()).equals(lower(origin.getHost()))
        && port(scheme, uri.getPort()) == port(scheme, origin.getPort());
  }

  @Override
  public boolean isInteractive() {
    return false;
  }

  @Override
  public boolean supports(CredentialItem... items) {
    for (CredentialItem item : items) {
      if (!(item instanceof CredentialItem.Username)
          && !(item instanceof CredentialItem.Password)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
    Secret secret = token;
    if (secret == null || !answersFor(uri)) {
      return false;
    }
    for (CredentialItem item : items) {
      if (item instanceof CredentialItem.Username name) {
        name.setValue(username);
      } else if (item instanceof CredentialItem.Password password) {
        password.setValue(secret.reveal().toCharArray());
      } else {
        throw new UnsupportedCredentialItem(uri, item.getClass().getSimpleName());
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "HostBoundCredentials[" + origin + ", " + username + "]";
  }

  private static String lower(@Nullable String value) {
    return value == null ? "" : value.toLowerCase(Locale.ROOT);
  }

  private static int port(String scheme, int port) {
    if (port > 0) {
      return port;
    }
    return switch (scheme) {
      case "https" -> 443;
      case "http" -> 80;
      default -> -1;
    };
  }
}
