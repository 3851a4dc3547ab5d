package dev.hydra.config;

import java.util.Map;

/**
 * Where the forge's API and web pages are, as the Actions environment says (empty when unset):
 * {@code GITHUB_API_URL}, {@code FORGEJO_API_URL}, {@code GITHUB_SERVER_URL}, {@code
 * FORGEJO_SERVER_URL}. Resolved into one API URL by {@code Forges.apiUrl}; never guessed.
 *
 * @param githubApiUrl {@code GITHUB_API_URL}
 * @param forgejoApiUrl {@code FORGEJO_API_URL}
 * @param githubServerUrl {@code GITHUB_SERVER_URL}
 * @param forgejoServerUrl {@code FORGEJO_SERVER_URL}
 */
public record ForgeUrls(
    String githubApiUrl, String forgejoApiUrl, String githubServerUrl, String forgejoServerUrl) {

  /** Reads the four variables. */
  public static ForgeUrls from(Map<String, String> env) {
    return new ForgeUrls(
        env.getOrDefault(Variables.GITHUB_API_URL.name(), ""),
        env.getOrDefault(Variables.FORGEJO_API_URL.name(), ""),
        env.getOrDefault(Variables.GITHUB_SERVER_URL.name(), ""),
        env.getOrDefault(Variables.FORGEJO_SERVER_URL.name(), ""));
  }
}
