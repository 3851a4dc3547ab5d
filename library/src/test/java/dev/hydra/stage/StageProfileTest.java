package dev.hydra.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.Persona;
import dev.hydra.label.Stage;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class StageProfileTest {

  static final long GIB = 1L << 30;
  static final long MIB = 1L << 20;

  @Nested
  class Defaults {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "BUILD,           BUILDER,  4, 8, 4096, 35, sonnet, haiku",
      "CODE_REVIEW,     REVIEWER, 2, 4, 1024, 20, sonnet, opus",
      "SECURITY_REVIEW, SECURITY, 2, 4, 1024, 20, sonnet, opus",
      "APPLIER,         APPLIER,  2, 4, 1024, 20, sonnet, opus",
    })
    void perStage(
        Stage stage,
        Persona persona,
        double cpus,
        long memoryGib,
        int pids,
        long minutes,
        String model,
        String fallback) {
      StageProfile p = StageProfile.defaults(stage);
      assertThat(p.persona()).isEqualTo(persona);
      assertThat(p.cpus()).isEqualTo(cpus);
      assertThat(p.memoryBytes()).isEqualTo(memoryGib * GIB);
      assertThat(p.pidsLimit()).isEqualTo(pids);
      assertThat(p.tmpBytes()).isEqualTo(512 * MIB);
      assertThat(p.workspaceBytes()).isEqualTo(2 * GIB);
      assertThat(p.capabilities())
          .containsExactlyInAnyOrder("NET_ADMIN", "SETUID", "SETGID", "SETPCAP");
      assertThat(p.timeout()).isEqualTo(Duration.ofMinutes(minutes));
      assertThat(p.model()).isEqualTo(model);
      assertThat(p.fallbackModel()).isEqualTo(fallback);
    }

    @ParameterizedTest
    @EnumSource(
        value = Stage.class,
        names = {"RETRY", "REBUILD"})
    void requestsHaveNoContainer(Stage stage) {
      assertThatThrownBy(() -> StageProfile.defaults(stage))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is a request, not a container");
    }

    @Test
    void theEmptyEnvironmentGivesTheDefaults() throws Exception {
      for (Stage stage : new Stage[] {Stage.BUILD, Stage.CODE_REVIEW, Stage.APPLIER}) {
        assertThat(StageProfile.from(stage, Map.of())).isEqualTo(StageProfile.defaults(stage));
      }
    }

    @Test
    void thePersonaMustBeTheStages() {
      StageProfile d = StageProfile.defaults(Stage.CODE_REVIEW);
      assertThatThrownBy(
              () ->
                  new StageProfile(
                      Stage.CODE_REVIEW,
                      Persona.BUILDER,
                      d.cpus(),
                      d.memoryBytes(),
                      d.pidsLimit(),
                      d.tmpBytes(),
                      d.workspaceBytes(),
                      Set.of(),
                      d.timeout(),
                      "sonnet",
                      "opus",
                      OptionalLong.empty()))
          .hasMessage("stage code-review runs as persona reviewer, not builder");
    }
  }

  @Nested
  class Gateway {

    @Test
    void aStagesTokenBudgetIsItsOwnVariableAndNoneByDefault() throws Exception {
      assertThat(StageSettings.tokenBudgetVariable(Stage.SECURITY_REVIEW))
          .isEqualTo("HYDRA_SECURITY_REVIEW_TOKEN_BUDGET");
      assertThat(StageProfile.defaults(Stage.BUILD).tokenBudget()).isEmpty();
      Map<String, String> env = Map.of("HYDRA_BUILD_TOKEN_BUDGET", " 250000 ");
      assertThat(StageProfile.from(Stage.BUILD, env).tokenBudget()).hasValue(250_000);
      assertThat(StageProfile.from(Stage.CODE_REVIEW, env).tokenBudget()).isEmpty();
    }

    @Test
    void aBudgetThatIsNotAPositiveWholeNumberIsRefusedNamingTheVariable() {
      for (String bad : List.of("0", "-5", "1e6", "lots", "1000000000001")) {
        assertThatThrownBy(
                () -> StageProfile.from(Stage.APPLIER, Map.of("HYDRA_APPLIER_TOKEN_BUDGET", bad)))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("HYDRA_APPLIER_TOKEN_BUDGET")
            .hasMessageContaining("whole number of tokens");
      }
    }

    @Test
    void theUpstreamIsTheMessagesApiUnlessHttpsOrLoopbackHttpIsSet() throws Exception {
      assertThat(StageProfile.modelUpstream(StageSettings.NONE))
          .isEqualTo(URI.create("https://api.anthropic.com"));
      assertThat(
              StageProfile.modelUpstream(
                  StageSettings.from(Map.of("HYDRA_MODEL_UPSTREAM", "http://127.0.0.1:8089"))))
          .isEqualTo(URI.create("http://127.0.0.1:8089"));
      for (String bad :
          List.of("http://models.example", "ftp://x", "https://u:p@x.example", "not a url")) {
        assertThatThrownBy(
                () ->
                    StageProfile.modelUpstream(
                        StageSettings.from(Map.of("HYDRA_MODEL_UPSTREAM", bad))))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("HYDRA_MODEL_UPSTREAM")
            .hasMessageNotContaining("u:p");
      }
    }
  }

  @Nested
  class Timeouts {

    @Test
    void variablesAreNamedAfterTheStage() {
      assertThat(StageProfile.timeoutVariable(Stage.BUILD)).isEqualTo("HYDRA_BUILD_TIMEOUT");
      assertThat(StageProfile.timeoutVariable(Stage.CODE_REVIEW))
          .isEqualTo("HYDRA_CODE_REVIEW_TIMEOUT");
      assertThat(StageProfile.timeoutVariable(Stage.SECURITY_REVIEW))
          .isEqualTo("HYDRA_SECURITY_REVIEW_TIMEOUT");
      assertThat(StageProfile.timeoutVariable(Stage.APPLIER)).isEqualTo("HYDRA_APPLIER_TIMEOUT");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "45,        PT45M",
      "1,         PT1M",
      "360,       PT6H",
      "' 50 ',    PT50M",
      "PT1H30M,   PT1H30M",
      "PT90S,     PT1M30S",
      "pt2h,      PT2H",
      "PT6H,      PT6H",
    })
    void minutesOrIso8601(String value, String expected) throws Exception {
      StageProfile p = StageProfile.from(Stage.BUILD, Map.of("HYDRA_BUILD_TIMEOUT", value));
      assertThat(p.timeout()).isEqualTo(Duration.parse(expected));
      assertThat(StageProfile.from(Stage.CODE_REVIEW, Map.of("HYDRA_BUILD_TIMEOUT", value)))
          .as("only the build stage reads HYDRA_BUILD_TIMEOUT")
          .isEqualTo(StageProfile.defaults(Stage.CODE_REVIEW));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
        strings = {
          "0", "-5", "361", "1234567", "PT0S", "PT59S", "PT6H1S", "-PT5M", "abc", "35m", "1.5",
          "P1D", "PT"
        })
    void refused(String value) {
      assertThatThrownBy(
              () ->
                  StageProfile.from(
                      Stage.SECURITY_REVIEW, Map.of("HYDRA_SECURITY_REVIEW_TIMEOUT", value)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("HYDRA_SECURITY_REVIEW_TIMEOUT=`")
          .message()
          .containsAnyOf("is not a duration", "is out of range");
    }

    @Test
    void emptyMeansUnset() throws Exception {
      assertThat(StageProfile.from(Stage.APPLIER, Map.of("HYDRA_APPLIER_TIMEOUT", "")).timeout())
          .isEqualTo(Duration.ofMinutes(20));
    }
  }

  @Nested
  class Models {

    @Test
    void perPersonaModelAndFallback() throws Exception {
      Map<String, String> env =
          Map.of(
              "HYDRA_BUILDER_MODEL", "claude-opus-4-1",
              "HYDRA_BUILDER_FALLBACK_MODEL", "claude-sonnet-4-5",
              "HYDRA_REVIEWER_MODEL", "opus",
              "HYDRA_SECURITY_FALLBACK_MODEL", "claude-opus-4-1[1m]");
      assertThat(StageProfile.from(Stage.BUILD, env))
          .extracting(StageProfile::model, StageProfile::fallbackModel)
          .containsExactly("claude-opus-4-1", "claude-sonnet-4-5");
      assertThat(StageProfile.from(Stage.CODE_REVIEW, env))
          .extracting(StageProfile::model, StageProfile::fallbackModel)
          .containsExactly("opus", "opus");
      assertThat(StageProfile.from(Stage.SECURITY_REVIEW, env))
          .extracting(StageProfile::model, StageProfile::fallbackModel)
          .containsExactly("sonnet", "claude-opus-4-1[1m]");
      assertThat(StageProfile.from(Stage.APPLIER, env))
          .isEqualTo(StageProfile.defaults(Stage.APPLIER));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
        strings = {
          "-sonnet",
          "son net",
          "sonnet\n--dangerously-skip-permissions",
          "$(id)",
          "sönnet"
        })
    void refused(String value) {
      assertThatThrownBy(() -> StageProfile.from(Stage.BUILD, Map.of("HYDRA_BUILDER_MODEL", value)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("HYDRA_BUILDER_MODEL=`")
          .message()
          .doesNotContain("\n");
    }

    @Test
    void variableNames() {
      assertThat(StageProfile.modelVariable(Persona.SECURITY)).isEqualTo("HYDRA_SECURITY_MODEL");
      assertThat(StageProfile.fallbackModelVariable(Persona.REVIEWER))
          .isEqualTo("HYDRA_REVIEWER_FALLBACK_MODEL");
    }
  }

  @Nested
  class Images {

    static final String SHA = "sha256:" + "ab".repeat(32);

    @Test
    void prefixRoleAndTag() throws Exception {
      Map<String, String> env =
          Map.of("HYDRA_IMAGE_PREFIX", "ghcr.io/acme/hydra", "HYDRA_IMAGE_TAG", "sha-1a2b3c4");
      assertThat(StageProfile.defaults(Stage.BUILD).image(env))
          .hasToString("ghcr.io/acme/hydra-builder:sha-1a2b3c4");
      assertThat(StageProfile.defaults(Stage.CODE_REVIEW).image(env))
          .hasToString("ghcr.io/acme/hydra-reviewer:sha-1a2b3c4");
      assertThat(StageProfile.defaults(Stage.SECURITY_REVIEW).image(env))
          .hasToString("ghcr.io/acme/hydra-security:sha-1a2b3c4");
      assertThat(StageProfile.defaults(Stage.APPLIER).image(env))
          .hasToString("ghcr.io/acme/hydra-applier:sha-1a2b3c4");
    }

    @Test
    void tagDefaultsToLatestAndEachImageIsPinnedByItsOwnDigest() throws Exception {
      StageProfile p = StageProfile.defaults(Stage.BUILD);
      assertThat(p.image(Map.of("HYDRA_IMAGE_PREFIX", "localhost/hydra")))
          .hasToString("localhost/hydra-builder:latest");
      Map<String, String> pinned =
          Map.of(
              "HYDRA_IMAGE_PREFIX", "localhost/hydra",
              "HYDRA_IMAGE_TAG", "0123456789ab",
              "HYDRA_IMAGE_DIGEST_BUILDER", SHA);
      assertThat(p.image(pinned))
          .hasToString("localhost/hydra-builder:0123456789ab@" + SHA)
          .matches(i -> i.isPinned());
      assertThat(StageProfile.defaults(Stage.CODE_REVIEW).image(pinned))
          .as("the builder's digest is not the reviewer's")
          .hasToString("localhost/hydra-reviewer:0123456789ab");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:", "latest@sha256:"})
    void oneDigestForFourImagesIsRefusedWithTheFix(String tag) {
      assertThatThrownBy(
              () ->
                  StageProfile.defaults(Stage.SECURITY_REVIEW)
                      .image(
                          Map.of(
                              "HYDRA_IMAGE_PREFIX",
                              "localhost/hydra",
                              "HYDRA_IMAGE_TAG",
                              tag + "ab".repeat(32))))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("each persona image has its own")
          .hasMessageContaining("HYDRA_IMAGE_DIGEST_SECURITY");
    }

    @Test
    void aDigestVariableThatIsNotADigestIsRefused() {
      assertThatThrownBy(
              () ->
                  StageProfile.defaults(Stage.APPLIER)
                      .image(
                          Map.of(
                              "HYDRA_IMAGE_PREFIX",
                              "localhost/hydra",
                              "HYDRA_IMAGE_DIGEST_APPLIER",
                              "latest")))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("HYDRA_IMAGE_DIGEST_APPLIER is not a digest");
    }

    @Test
    void aMissingPrefixNamesTheVariableAndTheFix() {
      assertThatThrownBy(() -> StageProfile.defaults(Stage.BUILD).image(Map.of()))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("HYDRA_IMAGE_PREFIX is not set")
          .hasMessageContaining("ghcr.io/<owner>/hydra-builder");
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource({
      "ghcr.io/acme/Hydra, latest",
      "ghcr.io/acme/hydra:1, latest",
      "ghcr.io/acme/hydra, 'a b'",
      "--privileged, latest",
    })
    void invalidValuesNameBothVariables(String prefix, String tag) {
      assertThatThrownBy(
              () ->
                  StageProfile.defaults(Stage.BUILD)
                      .image(Map.of("HYDRA_IMAGE_PREFIX", prefix, "HYDRA_IMAGE_TAG", tag)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("HYDRA_IMAGE_PREFIX/HYDRA_IMAGE_TAG: ");
    }
  }
}
