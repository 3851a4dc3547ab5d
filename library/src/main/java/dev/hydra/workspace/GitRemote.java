package dev.hydra.workspace;

import dev.hydra.secret.Secret;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.jspecify.annotations.Nullable;

/**
 * A git remote and the account that reaches it. The token is bound to the URL's scheme, host and
 * port: {@link #credentials()} answers for that origin only, so a redirect elsewhere gets nothing.
 *
 * @param url {@code https://…}, {@code http://…} on a loopback address only, or {@code file:…}; no
 *     user info, query or fragment
 * @param username the login the token belongs to
 * @param token the token, or {@code null} for a remote that needs none
 */
public record GitRemote(URI url, String username, @Nullable Secret token) {

  /**
   * Checks the URL.
   *
   * @throws IllegalArgumentException naming the problem and the fix (never the token)
   */
  public GitRemote {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (url.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "a git remote's URL must not carry user info; give the login and token separately");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException("a git remote's URL must have no query or fragment");
    }
    switch (scheme) {
      case "https" -> requireHost(url);
      case "http" -> {
        requireHost(url);
        if (!isLoopback(url.getHost())) {
          throw new IllegalArgumentException(
              "a git remote over plain http must be on a loopback address; use https");
        }
      }
      case "file" -> {}
      default ->
          throw new IllegalArgumentException(
              "a git remote's URL must be https (http only on loopback) or file, not "
                  + (scheme.isEmpty() ? "a relative URL" : scheme));
    }
    if (username.isBlank()) {
      throw new IllegalArgumentException("a git remote needs the login its token belongs to");
    }
  }

  /** The URL as a string, for the working clone's {@code origin}: it holds no credential. */
  public String publicUrl() {
    return url.toString();
  }

  /** The token's credentials, answering only for this remote's scheme, host and port. */
  public CredentialsProvider credentials() {
    return new HostBoundCredentials(url, username, token);
  }

  /** True when both name the same repository URL (the account may differ). */
  boolean sameRepository(GitRemote other) {
    return url.normalize().equals(other.url.normalize());
  }

  URIish uriish() throws WorkspaceException {
    try {
      return new URIish(url.toString());
    } catch (java.net.URISyntaxException e) {
      throw new WorkspaceException("git cannot read the remote URL " + url + ": " + e.getReason());
    }
  }

  @Override
  public String toString() {
    return "GitRemote[url="
        + url
        + ", username="
        + username
        + ", token="
        + (token == null ? "none" : token.toString())
        + "]";
  }

  private static void requireHost(URI url) {
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("a git remote's URL needs a host");
    }
  }

  private static boolean isLoopback(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (bare.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // a name other than localhost is never resolved here
    }
    try {
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
