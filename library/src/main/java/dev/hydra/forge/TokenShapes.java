package dev.hydra.forge;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a token is shaped for the forge it is configured for (SPEC §6: a token is never sent to a
 * host it was not made for, "nor one shaped for another forge"). Pure: decided from the value's
 * shape and the configured forge and API URL, before any request.
 *
 * <ul>
 *   <li>A GitHub-shaped token — {@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_}, {@code
 *       ghr_} or {@code github_pat_}, in any case — configured for Forgejo is refused, whatever the
 *       Forgejo host is called.
 *   <li>A Forgejo-shaped token — exactly 40 hexadecimal digits — configured for GitHub.com ({@code
 *       github.com}, {@code *.github.com}, {@code *.ghe.com}) is refused: GitHub has issued only
 *       prefixed tokens since 2021. A GitHub Enterprise Server host accepts it (older servers issue
 *       such tokens).
 * </ul>
 *
 * <p>A {@code Bearer } or {@code token } scheme pasted in front of the value and surrounding white
 * space are looked through, so that the shape is judged on the token itself. Messages show only the
 * prefix, never the value.
 */
public final class TokenShapes {

  /** GitHub's token prefixes (classic, OAuth, user-to-server, server-to-server, refresh, PAT). */
  static final List<String> GITHUB_PREFIXES =
      List.of("gh" + "p_", "gh" + "o_", "gh" + "u_", "gh" + "s_", "gh" + "r_", "github_" + "pat_");

  private static final Pattern FORGEJO = Pattern.compile("[0-9a-fA-F]{40}");
  private static final Pattern SCHEME = Pattern.compile("(?i)^(bearer|token)\\s+");

  private TokenShapes() {}

  /**
   * Why a token does not belong to the configured forge.
   *
   * @param problem what is wrong, to follow a subject such as {@code the builder token
   *     (HYDRA_BUILDER_TOKEN)}
   * @param fix what to do
   */
  public record Mismatch(String problem, String fix) {

    /** The whole message for one subject. */
    public String message(String subject) {
      return subject + " " + problem + "; " + fix;
    }
  }

  /**
   * Checks a token's shape against the forge it is configured for.
   *
   * @param type the configured forge
   * @param apiUrl the API URL the token will be sent to
   * @param token the token value (never part of the result)
   * @return the mismatch, empty when the shape fits or says nothing
   */
  public static Optional<Mismatch> check(ForgeType type, URI apiUrl, String token) {
    String value = SCHEME.matcher(token.strip()).replaceFirst("").strip();
    String host = apiUrl.getHost() == null ? "" : apiUrl.getHost().toLowerCase(Locale.ROOT);
    if (type == ForgeType.FORGEJO) {
      String lower = value.toLowerCase(Locale.ROOT);
      for (String prefix : GITHUB_PREFIXES) {
        if (lower.startsWith(prefix)) {
          return Optional.of(
              new Mismatch(
                  "is a GitHub token (it starts with "
                      + prefix
                      + "), but the forge is Forgejo at "
                      + host
                      + "; Hydra does not send it there",
                  "create a Forgejo access token for the persona's account on "
                      + host
                      + " (Settings > Applications), or set --forge github / HYDRA_FORGE=github if"
                      + " the repository is on GitHub"));
        }
      }
      return Optional.empty();
    }
    if (isGitHubDotCom(host) && FORGEJO.matcher(value).matches()) {
      return Optional.of(
          new Mismatch(
              "is shaped like a Forgejo token (40 hexadecimal digits; GitHub's tokens start with "
                  + String.join(", ", GITHUB_PREFIXES)
                  + "), but the forge is GitHub at "
                  + host
                  + "; Hydra does not send it there",
              "create a GitHub token for the persona's account (fine-grained, or classic), or set"
                  + " --forge forgejo / HYDRA_FORGE=forgejo and the Forgejo API URL if the"
                  + " repository is on Forgejo"));
    }
    return Optional.empty();
  }

  private static boolean isGitHubDotCom(String host) {
    return host.equals("github.com") || host.endsWith(".github.com") || host.endsWith(".ghe.com");
  }
}
