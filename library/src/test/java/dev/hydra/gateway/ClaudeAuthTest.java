package dev.hydra.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.TestTokens;
import dev.hydra.secret.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaudeAuthTest {

  final String oauth = TestTokens.claude(43_001);
  final String key = TestTokens.issue("sk-" + "ant-" + "api03-" + oauth.substring(14));

  @Test
  void anOAuthTokenAddsTheOAuthBetaOnceAndKeepsTheClientsFlagsInOrder() {
    assertThat(ClaudeAuth.headers(Secret.of("t", oauth), List.of("a-1, b-2", "a-1")))
        .containsExactly(
            java.util.Map.entry("authorization", "Bearer " + oauth),
            java.util.Map.entry("anthropic-beta", "a-1,b-2," + ClaudeAuth.OAUTH_BETA));
    assertThat(
            ClaudeAuth.headers(Secret.of("t", oauth), List.of(ClaudeAuth.OAUTH_BETA + ",x"))
                .get("anthropic-beta"))
        .isEqualTo(ClaudeAuth.OAUTH_BETA + ",x");
  }

  @Test
  void anApiKeyGoesAsXApiKeyWithoutTheOAuthBeta() {
    assertThat(ClaudeAuth.headers(Secret.of("t", key), List.of(ClaudeAuth.OAUTH_BETA + ",x")))
        .containsExactly(
            java.util.Map.entry("x-api-key", key), java.util.Map.entry("anthropic-beta", "x"));
    assertThat(ClaudeAuth.headers(Secret.of("t", key), List.of())).containsOnlyKeys("x-api-key");
  }
}
