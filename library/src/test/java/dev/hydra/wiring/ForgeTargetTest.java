package dev.hydra.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.HydraSettings;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.forge.RepoRef;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForgeTargetTest {

  static HydraSettings settings(String forge, String... pairs) throws Exception {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return HydraSettings.from(forge, env);
  }

  @Test
  void theRepositoryOptionBeatsTheEnvironment() throws Exception {
    HydraSettings s = settings("github", "GITHUB_REPOSITORY", "octo/env");
    assertThat(ForgeTarget.resolve(s, "", "").repo()).isEqualTo(RepoRef.of("octo", "env"));
    assertThat(ForgeTarget.resolve(s, "octo/option", "").repo())
        .isEqualTo(RepoRef.of("octo", "option"));
    assertThatThrownBy(() -> ForgeTarget.resolve(s, "not a repo", ""))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("--repo: ");
    assertThatThrownBy(() -> ForgeTarget.resolve(settings("github"), "", ""))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY");
  }

  @Test
  void forgejoNeedsAnApiUrlAndNeverGuessesOne() throws Exception {
    assertThatThrownBy(() -> ForgeTarget.resolve(settings("forgejo"), "o/r", ""))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("no API URL for forgejo: pass --api-url");
    ForgeTarget t =
        ForgeTarget.resolve(
            settings("forgejo", "GITHUB_SERVER_URL", "https://codeberg.org/"), "o/r", "");
    assertThat(t.apiUrl()).isEqualTo(URI.create("https://codeberg.org/api/v1"));
    assertThatThrownBy(() -> ForgeTarget.resolve(settings("github"), "o/r", "ftp://x"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("--api-url");
  }

  @Test
  void theWebRootComesFromTheServerUrlElseTheApiUrl() throws Exception {
    assertThat(ForgeTarget.resolve(settings("github"), "o/r", "").webUrl())
        .isEqualTo("https://github.com");
    assertThat(
            ForgeTarget.resolve(settings("github"), "o/r", "https://ghe.example/api/v3").webUrl())
        .isEqualTo("https://ghe.example");
    assertThat(
            ForgeTarget.resolve(settings("forgejo"), "o/r", "https://codeberg.org/api/v1").webUrl())
        .isEqualTo("https://codeberg.org");
    assertThat(
            ForgeTarget.resolve(
                    settings("github", "GITHUB_SERVER_URL", "https://srv.example"), "o/r", "")
                .webUrl())
        .isEqualTo("https://srv.example");
  }

  @Test
  void theBuilderTokenMustBeSetAndAlone() {
    assertThatThrownBy(() -> ForgeOpener.token(Map.of(), "HYDRA_BUILDER_TOKEN", "builder"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("HYDRA_BUILDER_TOKEN is not set; set it to the builder persona's own token");
    assertThatThrownBy(
            () ->
                ForgeOpener.token(
                    Map.of("HYDRA_BUILDER_TOKEN", " x"), "HYDRA_BUILDER_TOKEN", "builder"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("white space or control characters");
  }
}
