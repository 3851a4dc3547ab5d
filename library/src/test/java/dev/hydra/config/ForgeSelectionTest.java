package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.forge.ForgeType;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ForgeSelectionTest {

  static final Map<String, String> GITHUB_RUNNER =
      Map.of("GITHUB_ACTIONS", "true", "GITHUB_API_URL", "https://api.github.com");
  static final Map<String, String> FORGEJO_RUNNER =
      Map.of(
          "GITHUB_ACTIONS", "true",
          "FORGEJO_ACTIONS", "true",
          "GITEA_ACTIONS", "true",
          "GITHUB_API_URL", "https://codeberg.org/api/v1");

  static ForgeSelection resolve(String explicit, Map<String, String> env) throws Exception {
    return ForgeSelection.resolve(explicit, env);
  }

  @Nested
  class Precedence {

    @Test
    void explicitOptionBeatsVariableAndDetection() throws Exception {
      Map<String, String> env =
          Map.of("HYDRA_FORGE", "forgejo", "FORGEJO_ACTIONS", "true", "GITHUB_ACTIONS", "true");

      ForgeSelection forge = resolve("github", env);

      assertThat(forge.type()).isEqualTo(ForgeType.GITHUB);
      assertThat(forge.source()).isEqualTo("--forge github");
    }

    @Test
    void variableBeatsDetection() throws Exception {
      Map<String, String> env =
          Map.of(
              "HYDRA_FORGE", "forgejo",
              "GITHUB_ACTIONS", "true",
              "GITHUB_API_URL", "https://api.github.com");

      ForgeSelection forge = resolve("", env);

      assertThat(forge.type()).isEqualTo(ForgeType.FORGEJO);
      assertThat(forge.source()).isEqualTo("HYDRA_FORGE=forgejo");
    }

    @Test
    void anInvalidOptionIsAnErrorEvenWhenDetectionWouldWork() {
      assertThatThrownBy(() -> resolve("gitlab", GITHUB_RUNNER))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage("--forge `gitlab` is not a forge; use github or forgejo");
    }

    @Test
    void anInvalidVariableIsAnErrorEvenWhenDetectionWouldWork() {
      Map<String, String> env = Map.of("HYDRA_FORGE", "bitbucket", "FORGEJO_ACTIONS", "true");

      assertThatThrownBy(() -> resolve("", env))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage("HYDRA_FORGE `bitbucket` is not a forge; use github or forgejo");
    }

    @ParameterizedTest(name = "[{index}] HYDRA_FORGE=\"{0}\" counts as unset")
    @ValueSource(strings = {"", " ", "\t"})
    void blankVariableCountsAsUnset(String blank) throws Exception {
      Map<String, String> env = Map.of("HYDRA_FORGE", blank, "FORGEJO_ACTIONS", "true");

      assertThat(resolve("", env).source()).isEqualTo("detected: FORGEJO_ACTIONS=true");
      assertThat(resolve(blank, env).type()).isEqualTo(ForgeType.FORGEJO);
    }
  }

  @Nested
  class Values {

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource({
      "github,      GITHUB,  --forge github",
      "GitHub,      GITHUB,  --forge GitHub",
      "' github ',  GITHUB,  --forge github",
      "forgejo,     FORGEJO, --forge forgejo",
      "FORGEJO,     FORGEJO, --forge FORGEJO",
      "codeberg,    FORGEJO, --forge codeberg",
      "gitea,       FORGEJO, --forge gitea"
    })
    void accepted(String value, ForgeType type, String source) throws Exception {
      ForgeSelection forge = resolve(value, Map.of());

      assertThat(forge.type()).isEqualTo(type);
      assertThat(forge.source()).isEqualTo(source);
      assertThat(resolve("", Map.of("HYDRA_FORGE", value)).type()).isEqualTo(type);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(
        strings = {
          "gitlab",
          "git hub",
          "github.com",
          "forgejo1",
          "gh",
          "ｇｉｔｈｕｂ",
          "github\nforgejo"
        })
    void refused(String value) {
      assertThatThrownBy(() -> resolve(value, Map.of()))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("--forge `")
          .hasMessageEndingWith("` is not a forge; use github or forgejo")
          .satisfies(e -> SettingsTest.assertSingleLine(e.getMessage()));
    }
  }

  @Nested
  class Detection {

    @Test
    void forgejoActions() throws Exception {
      ForgeSelection forge = resolve("", FORGEJO_RUNNER);

      assertThat(forge.type()).isEqualTo(ForgeType.FORGEJO);
      assertThat(forge.source()).isEqualTo("detected: FORGEJO_ACTIONS=true");
    }

    @Test
    void giteaActions() throws Exception {
      ForgeSelection forge = resolve("", Map.of("GITEA_ACTIONS", "true", "GITHUB_ACTIONS", "true"));

      assertThat(forge.type()).isEqualTo(ForgeType.FORGEJO);
      assertThat(forge.source()).isEqualTo("detected: GITEA_ACTIONS=true");
    }

    @ParameterizedTest(name = "[{index}] GITHUB_API_URL={0}")
    @CsvSource({
      "https://api.github.com,                 GITHUB",
      "https://api.github.com/,                GITHUB",
      "HTTPS://API.GITHUB.COM,                 GITHUB",
      "https://ghe.example.com/api/v3,         GITHUB",
      "https://ghe.example.com/api/v3/,        GITHUB",
      "https://codeberg.org/api/v1,            FORGEJO",
      "https://codeberg.org/api/v1/,           FORGEJO",
      "http://localhost:3000/api/v1//,         FORGEJO"
    })
    void fromTheApiUrl(String url, ForgeType type) throws Exception {
      ForgeSelection forge = resolve("", Map.of("GITHUB_ACTIONS", "true", "GITHUB_API_URL", url));

      assertThat(forge.type()).isEqualTo(type);
      assertThat(forge.source()).startsWith("detected: GITHUB_API_URL");
    }

    @ParameterizedTest(name = "[{index}] GITHUB_API_URL=\"{0}\"")
    @ValueSource(
        strings = {
          "https://example.com/api",
          "https://api.github.com.evil.example",
          "http://api.github.com/v3x",
          "https://gitlab.com/api/v4"
        })
    void otherApiUrlIsAnError(String url) {
      assertThatThrownBy(() -> resolve("", Map.of("GITHUB_ACTIONS", "true", "GITHUB_API_URL", url)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith(
              "cannot tell which forge this Actions run is on: GITHUB_API_URL is `")
          .hasMessageContaining("--forge github|forgejo")
          .hasMessageContaining("HYDRA_FORGE");
    }

    @Test
    void missingApiUrlIsAnError() {
      assertThatThrownBy(() -> resolve("", Map.of("GITHUB_ACTIONS", "true")))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage(
              "cannot tell which forge this Actions run is on: GITHUB_API_URL is not set and"
                  + " FORGEJO_ACTIONS is not set; pass --forge github|forgejo or set HYDRA_FORGE");
    }

    @Test
    void emptyApiUrlCountsAsUnset() {
      assertThatThrownBy(() -> resolve("", Map.of("GITHUB_ACTIONS", "true", "GITHUB_API_URL", "")))
          .hasMessageContaining("GITHUB_API_URL is not set");
    }

    @Test
    void nothingSetIsAnErrorNamingBothSettings() {
      assertThatThrownBy(() -> resolve("", Map.of()))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage(
              "cannot tell which forge to use: --forge and HYDRA_FORGE are not set and this is"
                  + " not an Actions run; pass --forge github|forgejo or set HYDRA_FORGE");
    }

    @ParameterizedTest(name = "[{index}] FORGEJO_ACTIONS=\"{0}\"")
    @ValueSource(strings = {"", "false", "1", "yes", "truthy"})
    void onlyTrueCounts(String value) {
      assertThatThrownBy(() -> resolve("", Map.of("FORGEJO_ACTIONS", value)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("cannot tell which forge to use");
    }

    @Test
    void trueInAnyCase() throws Exception {
      assertThat(resolve("", Map.of("FORGEJO_ACTIONS", "TRUE")).type())
          .isEqualTo(ForgeType.FORGEJO);
      assertThat(resolve("", Map.of("GITEA_ACTIONS", " True ")).type())
          .isEqualTo(ForgeType.FORGEJO);
    }

    @Test
    void githubActionsAloneProvesNothing() {
      assertThatThrownBy(() -> resolve("", Map.of("GITHUB_ACTIONS", "true")))
          .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void hostileApiUrlIsEscaped() {
      assertThatThrownBy(
              () ->
                  resolve(
                      "", Map.of("GITHUB_ACTIONS", "true", "GITHUB_API_URL", "x\n::add-mask::y")))
          .hasMessageContaining("`x\\u000A::add-mask::y`")
          .satisfies(e -> SettingsTest.assertSingleLine(e.getMessage()));
    }
  }
}
