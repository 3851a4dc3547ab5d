package dev.hydra.config;

import dev.hydra.forge.ForgeType;
import dev.hydra.text.Texts;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which forge this run talks to, and how that was decided.
 *
 * <p>An explicit choice ({@code --forge}, then {@code HYDRA_FORGE}) beats detection from the
 * Actions environment. When neither settles it, resolution fails: the original system once sent a
 * GitHub token to codeberg.org through a silent default.
 *
 * @param type the forge
 * @param source how it was chosen, for explanations, for example {@code FORGEJO_ACTIONS=true}
 */
public record ForgeSelection(ForgeType type, String source) {

  /**
   * Resolves the forge.
   *
   * @param explicit the {@code --forge} option, empty when not given
   * @param env the process environment
   * @return the forge and how it was chosen
   * @throws InvalidConfigurationException when a value is not a forge, or nothing settles it
   */
  public static ForgeSelection resolve(String explicit, Map<String, String> env)
      throws InvalidConfigurationException {
    if (!explicit.isBlank()) {
      return new ForgeSelection(parse(explicit, "--forge"), "--forge " + explicit.strip());
    }
    String fromEnv = env.getOrDefault(Variables.FORGE.name(), "");
    if (!fromEnv.isBlank()) {
      String name = Variables.FORGE.name();
      return new ForgeSelection(parse(fromEnv, name), name + "=" + fromEnv.strip());
    }
    return detect(env);
  }

  private static ForgeType parse(String value, String setting)
      throws InvalidConfigurationException {
    Optional<ForgeType> type = ForgeType.fromId(value);
    if (type.isEmpty()) {
      throw new InvalidConfigurationException(
          setting + " " + Texts.quote(value) + " is not a forge; use github or forgejo");
    }
    return type.get();
  }

  // See reference/forge-actions.md §A.1: the Forgejo runner sets FORGEJO_ACTIONS (>= v7) and
  // GITEA_ACTIONS; both forges set GITHUB_ACTIONS=true, so that alone proves nothing. The API URL
  // tells them apart: Forgejo's ends in /api/v1, GitHub's is api.github.com or GHES's /api/v3.
  private static ForgeSelection detect(Map<String, String> env)
      throws InvalidConfigurationException {
    if (isTrue(env, Variables.FORGEJO_RUN.name())) {
      return new ForgeSelection(ForgeType.FORGEJO, "detected: FORGEJO_ACTIONS=true");
    }
    if (isTrue(env, Variables.GITEA_RUN.name())) {
      return new ForgeSelection(ForgeType.FORGEJO, "detected: GITEA_ACTIONS=true");
    }
    if (isTrue(env, Variables.ACTIONS_RUN.name())) {
      String api = stripSlash(env.getOrDefault(Variables.GITHUB_API_URL.name(), ""));
      String lower = api.toLowerCase(Locale.ROOT);
      if (lower.endsWith("/api/v1")) {
        return new ForgeSelection(ForgeType.FORGEJO, "detected: GITHUB_API_URL ends in /api/v1");
      }
      if (lower.equals("https://api.github.com") || lower.endsWith("/api/v3")) {
        return new ForgeSelection(ForgeType.GITHUB, "detected: GITHUB_API_URL=" + api);
      }
      throw new InvalidConfigurationException(
          "cannot tell which forge this Actions run is on: GITHUB_API_URL is "
              + (api.isEmpty() ? "not set" : Texts.quote(api))
              + " and FORGEJO_ACTIONS is not set; pass --forge github|forgejo or set HYDRA_FORGE");
    }
    throw new InvalidConfigurationException(
        "cannot tell which forge to use: --forge and HYDRA_FORGE are not set and this is not an"
            + " Actions run; pass --forge github|forgejo or set HYDRA_FORGE");
  }

  private static boolean isTrue(Map<String, String> env, String name) {
    return "true".equalsIgnoreCase(env.getOrDefault(name, "").strip());
  }

  private static String stripSlash(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }
}
