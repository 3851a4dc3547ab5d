package dev.hydra.gateway;

import dev.hydra.secret.SecretMasker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers cross the gateway. Upstream: only an allow-list of what the Claude Code CLI sends
 * (content negotiation, API version and beta flags, its own identification); never the client's
 * credential, {@code host}, hop-by-hop headers or {@code accept-encoding} (answers come back
 * uncompressed so that the gateway can count their usage). Back to the client: everything but
 * hop-by-hop headers, lengths (the gateway's server sets its own), cookies and credentials, with
 * every value masked.
 */
final class HeaderPolicy {

  static final Set<String> UPSTREAM =
      Set.of(
          "accept",
          "content-type",
          "anthropic-version",
          "anthropic-beta",
          "anthropic-dangerous-direct-browser-access",
          "user-agent",
          "x-app",
          "x-claude-code-session-id");

  /** The Stainless SDK's own headers ({@code x-stainless-retry-count}, …) describe the client. */
  static final String UPSTREAM_PREFIX = "x-stainless-";

  static final Set<String> NOT_TO_CLIENT =
      Set.of(
          "connection",
          "keep-alive",
          "transfer-encoding",
          "content-length",
          "upgrade",
          "proxy-authenticate",
          "trailer",
          "te",
          "set-cookie",
          "authorization",
          "x-api-key");

  private HeaderPolicy() {}

  /**
   * The client's headers that may go upstream, names in lower case; {@code anthropic-beta} is left
   * out, since {@link ClaudeAuth} sends it.
   */
  static Map<String, List<String>> upstream(Map<String, List<String>> client) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    client.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if ((UPSTREAM.contains(lower) || lower.startsWith(UPSTREAM_PREFIX))
              && !lower.equals("anthropic-beta")) {
            out.computeIfAbsent(lower, k -> new ArrayList<>()).addAll(values);
          }
        });
    return out;
  }

  /** The values of one header, whatever the case of its name. */
  static List<String> values(Map<String, List<String>> headers, String name) {
    List<String> out = new ArrayList<>();
    headers.forEach(
        (key, values) -> {
          if (key.equalsIgnoreCase(name)) {
            out.addAll(values);
          }
        });
    return out;
  }

  /** The upstream's headers that go back to the client, masked. */
  static Map<String, List<String>> toClient(
      Map<String, List<String>> upstream, SecretMasker masker) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    upstream.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (!NOT_TO_CLIENT.contains(lower) && !lower.startsWith(":")) {
            out.computeIfAbsent(lower, k -> new ArrayList<>())
                .addAll(values.stream().map(masker::mask).toList());
          }
        });
    return out;
  }
}
