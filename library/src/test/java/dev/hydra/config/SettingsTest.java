package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.forge.ForgeType;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

  static final ForgeSelection GITHUB = new ForgeSelection(ForgeType.GITHUB, "--forge github");

  static void assertSingleLine(@Nullable String text) {
    assertThat(Objects.requireNonNull(text, "no message").codePoints())
        .as("control characters in: %s", text)
        .noneMatch(cp -> cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
        .noneMatch(cp -> cp == 0x2028 || cp == 0x2029);
  }

  static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Nested
  class Labels {

    @Test
    void nothingSetIsCanonical() throws Exception {
      assertThat(Settings.labels(Map.of())).isEqualTo(LabelScheme.canonical());
    }

    @Test
    void emptyVariablesCountAsUnset() throws Exception {
      LabelScheme labels =
          Settings.labels(env("HYDRA_LABEL_PREFIX", "", "HYDRA_TRIGGER_LABEL", ""));

      assertThat(labels).isEqualTo(LabelScheme.canonical());
      assertThat(labels.trigger()).isEqualTo("ready-to-build");
    }

    @Test
    void prefixAndTrigger() throws Exception {
      LabelScheme labels =
          Settings.labels(env("HYDRA_LABEL_PREFIX", "wilco", "HYDRA_TRIGGER_LABEL", "go"));

      assertThat(labels.trigger()).isEqualTo("wilco-go");
    }

    @ParameterizedTest(name = "[{index}] HYDRA_LABEL_PREFIX=\"{0}\"")
    @ValueSource(strings = {"Wilco", "-a", "a-", "wilco_", "a b", " ", "abcdefghijklmnopq", "x\ny"})
    void invalidPrefixNamesTheVariable(String prefix) {
      assertThatThrownBy(() -> Settings.labels(env("HYDRA_LABEL_PREFIX", prefix)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("HYDRA_LABEL_PREFIX: label prefix `")
          .hasMessageContaining("^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$")
          .hasMessageEndingWith("(fix the repository variable or environment)")
          .satisfies(e -> assertSingleLine(e.getMessage()));
    }

    @Test
    void prefixIsBlamedBeforeTrigger() {
      assertThatThrownBy(
              () ->
                  Settings.labels(
                      env("HYDRA_LABEL_PREFIX", "BAD", "HYDRA_TRIGGER_LABEL", "ALSO BAD")))
          .hasMessageStartingWith("HYDRA_LABEL_PREFIX:");
    }

    @ParameterizedTest(name = "[{index}] HYDRA_TRIGGER_LABEL=\"{0}\"")
    @ValueSource(strings = {"Ready", "ready to build", "build:queued", " "})
    void invalidTriggerNamesTheVariable(String trigger) {
      assertThatThrownBy(() -> Settings.labels(env("HYDRA_TRIGGER_LABEL", trigger)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("HYDRA_TRIGGER_LABEL: trigger label `")
          .hasMessageContaining("is invalid");
    }

    @ParameterizedTest(name = "[{index}] HYDRA_TRIGGER_LABEL={0}")
    @ValueSource(strings = {"done", "needs-input", "yolo", "openspec"})
    void reservedTriggerNamesTheVariable(String trigger) {
      assertThatThrownBy(
              () ->
                  Settings.labels(
                      env("HYDRA_LABEL_PREFIX", "wilco", "HYDRA_TRIGGER_LABEL", trigger)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("HYDRA_TRIGGER_LABEL: trigger label `" + trigger + "`")
          .hasMessageContaining("one of Hydra's own state or metadata labels");
    }
  }

  @Nested
  class Repository {

    @Test
    void parsed() throws Exception {
      Settings settings = Settings.from(GITHUB, env("GITHUB_REPOSITORY", "octo-org/hello-hydra"));

      assertThat(settings.repository()).contains(RepoRef.of("octo-org", "hello-hydra"));
    }

    @Test
    void surroundingBlanksAreIgnored() throws Exception {
      Settings settings = Settings.from(GITHUB, env("GITHUB_REPOSITORY", " o/r\n"));

      assertThat(settings.repository()).contains(RepoRef.of("o", "r"));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", " "})
    void blankIsUnset(String value) throws Exception {
      assertThat(Settings.from(GITHUB, env("GITHUB_REPOSITORY", value)).repository()).isEmpty();
      assertThat(Settings.from(GITHUB, Map.of()).repository()).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(
        strings = {
          "hello-hydra",
          "a/b/c",
          "/r",
          "o/",
          "../r",
          "o/..",
          ".o/r",
          "o r/x",
          "o/r\u202E",
          "o/r?x=1"
        })
    void invalid(String value) {
      assertThatThrownBy(() -> Settings.from(GITHUB, env("GITHUB_REPOSITORY", value)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("GITHUB_REPOSITORY: ")
          .satisfies(e -> assertSingleLine(e.getMessage()))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u202E"));
    }
  }

  @Nested
  class Together {

    @Test
    void fromTheForgejoRunnerEnvironment() throws Exception {
      Map<String, String> env =
          env(
              "FORGEJO_ACTIONS", "true",
              "GITHUB_ACTIONS", "true",
              "GITHUB_API_URL", "https://codeberg.org/api/v1",
              "GITHUB_REPOSITORY", "octo-org/hello-hydra",
              "HYDRA_LABEL_PREFIX", "wilco");

      Settings settings = Settings.from("", env);

      assertThat(settings.forge().type()).isEqualTo(ForgeType.FORGEJO);
      assertThat(settings.labels().trigger()).isEqualTo("wilco-ready-to-build");
      assertThat(settings.repository()).contains(RepoRef.of("octo-org", "hello-hydra"));
    }

    @Test
    void forgeOptionIsPassedOn() throws Exception {
      Settings settings = Settings.from("github", env("FORGEJO_ACTIONS", "true"));

      assertThat(settings.forge()).isEqualTo(GITHUB);
    }

    @Test
    void labelErrorsComeFirst() {
      // A bad prefix is reported even where the forge cannot be told either.
      assertThatThrownBy(() -> Settings.from("", env("HYDRA_LABEL_PREFIX", "Bad")))
          .hasMessageStartingWith("HYDRA_LABEL_PREFIX:");
    }

    @Test
    void forgeErrorsArePassedOn() {
      assertThatThrownBy(() -> Settings.from("", Map.of()))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("--forge")
          .hasMessageContaining("HYDRA_FORGE");
    }
  }
}
