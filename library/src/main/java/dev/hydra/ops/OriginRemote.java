package dev.hydra.ops;

import dev.hydra.forge.ForgeType;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forge of a clone, told by its {@code origin} remote, for {@code hydra init} without {@code
 * --forge} (pure): {@code github.com} is GitHub; any other host is a Forgejo whose API is {@code
 * https://HOST/api/v1}. Reads the URL forms git clones with: {@code https://HOST/OWNER/NAME(.git)},
 * {@code ssh://git@HOST[:PORT]/OWNER/NAME(.git)} and {@code git@HOST:OWNER/NAME(.git)}.
 *
 * @param forge the forge
 * @param host the host (without an SSH port)
 * @param apiUrl the forge's API URL
 */
public record OriginRemote(ForgeType forge, String host, String apiUrl) {

  private static final Pattern URL =
      Pattern.compile("(?:https?://|ssh://)(?:[^@/]+@)?([\\w.-]+)(:\\d{1,5})?/[\\w.-]+/[\\w.-]+/?");
  private static final Pattern SCP = Pattern.compile("[\\w.-]+@([\\w.-]+):[\\w.-]+/[\\w.-]+");
  private static final Pattern ORIGIN_SECTION =
      Pattern.compile("(?m)^\\s*\\[remote \"origin\"\\]\\s*$");
  private static final Pattern URL_KEY = Pattern.compile("(?m)^\\s*url\\s*=\\s*(\\S+)\\s*$");

  /** The forge of a remote URL; empty when it is none of the forms git clones with. */
  public static Optional<OriginRemote> of(String remoteUrl) {
    String url = remoteUrl.strip();
    Matcher m = URL.matcher(url);
    String host;
    String port = "";
    if (m.matches()) {
      host = m.group(1);
      port = url.startsWith("ssh://") || m.group(2) == null ? "" : m.group(2);
    } else {
      Matcher scp = SCP.matcher(url);
      if (!scp.matches()) {
        return Optional.empty();
      }
      host = scp.group(1);
    }
    if (host.equalsIgnoreCase("github.com")) {
      return Optional.of(new OriginRemote(ForgeType.GITHUB, host, "https://api.github.com"));
    }
    return Optional.of(
        new OriginRemote(ForgeType.FORGEJO, host, "https://" + host + port + "/api/v1"));
  }

  /** The {@code origin} URL in a clone's {@code .git/config} text; empty when it has none. */
  public static Optional<String> originUrl(String gitConfig) {
    Matcher section = ORIGIN_SECTION.matcher(gitConfig);
    if (!section.find()) {
      return Optional.empty();
    }
    String rest = gitConfig.substring(section.end());
    int next = rest.indexOf("\n[");
    Matcher url = URL_KEY.matcher(next < 0 ? rest : rest.substring(0, next));
    return url.find() ? Optional.of(url.group(1)) : Optional.empty();
  }
}
