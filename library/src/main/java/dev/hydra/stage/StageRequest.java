package dev.hydra.stage;

import dev.hydra.credentials.Credentials;
import dev.hydra.image.ImageRef;
import dev.hydra.text.Texts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One stage to run: what, on which issue, with which Claude tokens. The persona's git token is not
 * part of it: the runner keeps it for git and the container never holds one (issue 10).
 *
 * <p>The URLs reach the container as plain variables ({@code REPO_URL}, {@code ISSUE_URL}, {@code
 * PR_URL}); they must be {@code https} (plain {@code http} only to a loopback host, for a local
 * test forge) and may not carry user information, because a token in a URL would end up in {@code
 * docker inspect} and in logs. The issue URL ends in {@code /issues/<number>}, the number Hydra
 * labels the container with.
 *
 * @param profile the stage's limits and models
 * @param image the persona image to run
 * @param repoUrl the repository's web URL, {@code https://github.com/acme/app}
 * @param issueUrl the issue's web URL, {@code https://github.com/acme/app/issues/7}
 * @param prUrl the pull request's web URL, for reviews and the applier
 * @param mode what the entrypoint is asked to do ({@code HYDRA_MODE}), for example {@code build} or
 *     {@code fix}; lower-case letters, digits and {@code -}
 * @param credentials the Claude tokens, in rotation order, for the stage's model gateway; every
 *     secret they hold is masked in the stage's output
 */
public record StageRequest(
    StageProfile profile,
    ImageRef image,
    String repoUrl,
    String issueUrl,
    @Nullable String prUrl,
    String mode,
    Credentials credentials) {

  private static final Pattern MODE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern ISSUE_PATH = Pattern.compile(".*/issues/([1-9][0-9]{0,8})");
  private static final Set<String> LOOPBACK =
      Set.of("localhost", "127.0.0.1", "[::1]", "host.docker.internal");

  /**
   * Checks the request.
   *
   * @throws IllegalArgumentException naming the field that is wrong and why; when the credentials
   *     hold no Claude token
   */
  public StageRequest {
    checkUrl("repository URL", repoUrl);
    checkUrl("issue URL", issueUrl);
    if (prUrl != null) {
      checkUrl("pull request URL", prUrl);
    }
    if (!ISSUE_PATH.matcher(URI.create(issueUrl).getPath()).matches()) {
      throw new IllegalArgumentException(
          "issue URL " + Texts.quote(issueUrl) + " does not end in /issues/<number>");
    }
    if (!MODE.matcher(mode).matches()) {
      throw new IllegalArgumentException(
          "mode " + Texts.quote(mode) + " must be lower-case letters, digits and '-'");
    }
    if (credentials.claudeTokens().isEmpty()) {
      throw new IllegalArgumentException(
          "the credentials hold no Claude token; stage " + profile.stage().id() + " runs an agent");
    }
  }

  /** The issue number, from the issue URL. */
  public int issue() {
    Matcher m = ISSUE_PATH.matcher(URI.create(issueUrl).getPath());
    if (!m.matches()) {
      throw new IllegalStateException("checked in the constructor");
    }
    return Integer.parseInt(m.group(1));
  }

  /**
   * The repository for labels and messages: host and path without {@code .git}, for example {@code
   * github.com/acme/app}.
   */
  public String repository() {
    URI uri = URI.create(repoUrl);
    String path = uri.getPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.endsWith(".git")) {
      path = path.substring(0, path.length() - 4);
    }
    return uri.getHost() + path;
  }

  /** The pull request URL, when there is one. */
  public Optional<String> pullRequest() {
    return Optional.ofNullable(prUrl);
  }

  private static void checkUrl(String what, String url) {
    if (!Texts.isPrintableAscii(url) || url.contains(" ")) {
      throw new IllegalArgumentException(
          what + " " + shown(url) + " must be printable ASCII without spaces");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + " " + shown(url) + " is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty()
        || !(scheme.equals("https") || (scheme.equals("http") && LOOPBACK.contains(host)))) {
      throw new IllegalArgumentException(
          what
              + " "
              + shown(url)
              + " must be an https URL with a host (http only to localhost), so that the token"
              + " never travels in clear text");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          what + " must not carry user information; a container never holds a token");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          what + " " + shown(url) + " must not have a query or fragment");
    }
  }

  // A URL with '@' may carry a token as user information: never quote it.
  private static String shown(String url) {
    return url.contains("@") ? "(not shown: it contains '@')" : Texts.quote(url);
  }

  @Override
  public String toString() {
    return "StageRequest[stage="
        + profile.stage().id()
        + ", image="
        + image
        + ", repository="
        + repoUrl
        + ", issue="
        + issueUrl
        + ", credentials="
        + credentials
        + "]";
  }
}
