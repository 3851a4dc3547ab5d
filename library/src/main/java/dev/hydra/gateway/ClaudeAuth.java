package dev.hydra.gateway;

import dev.hydra.secret.Secret;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a real Claude token goes upstream, as the Claude Code CLI sends it itself (checked against
 * version 2.1.332 on loopback): a Console API key ({@code sk-ant-api…}) as {@code x-api-key}; any
 * other token, the OAuth token of {@code claude setup-token}, as {@code Authorization: Bearer …}
 * with {@code oauth-2025-04-20} among the {@code anthropic-beta} flags, which the API requires for
 * OAuth tokens. The container holds a placeholder, so the CLI may have sent either form; the
 * gateway sends the one the real token needs.
 */
final class ClaudeAuth {

  static final String OAUTH_BETA = "oauth-2025-04-20";

  private ClaudeAuth() {}

  /** True for a Console API key; the same rule as the runner's choice of variable today. */
  static boolean isApiKey(Secret token) {
    return token.reveal().startsWith("sk-ant-api");
  }

  /**
   * The credential headers for a request.
   *
   * @param token the real token
   * @param clientBeta the {@code anthropic-beta} values the client sent (comma-separated lists)
   * @return header name (lower case) → value; {@code anthropic-beta} is included when it has a
   *     value, so it replaces what the client sent
   */
  static Map<String, String> headers(Secret token, List<String> clientBeta) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> beta = new ArrayList<>();
    for (String value : clientBeta) {
      Arrays.stream(value.split(","))
          .map(String::strip)
          .filter(flag -> !flag.isEmpty() && !beta.contains(flag))
          .forEach(beta::add);
    }
    if (isApiKey(token)) {
      out.put("x-api-key", token.reveal());
      beta.remove(OAUTH_BETA);
    } else {
      out.put("authorization", "Bearer " + token.reveal());
      if (!beta.contains(OAUTH_BETA)) {
        beta.add(OAUTH_BETA);
      }
    }
    if (!beta.isEmpty()) {
      out.put("anthropic-beta", String.join(",", beta));
    }
    return out;
  }
}
