package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.Stage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HydraSettingsTest {

  @Test
  void readsEverythingOnceFromTheEnvironment() throws Exception {
    HydraSettings s =
        HydraSettings.from(
            "",
            SettingsTest.env(
                "FORGEJO_ACTIONS", "true",
                "GITHUB_ACTIONS", "true",
                "GITHUB_REPOSITORY", "octo/hello",
                "HYDRA_LABEL_PREFIX", "ai",
                "GITHUB_SERVER_URL", "https://codeberg.org",
                "HYDRA_TRUSTED_LABELERS", " mona, ,tri ",
                "HYDRA_BUILD_TIMEOUT", " 45 ",
                "HYDRA_REVIEWER_MODEL", "opus",
                "HYDRA_IMAGE_PREFIX", "ghcr.io/octo/hydra",
                "HYDRA_IMAGE_DIGEST_APPLIER", "sha256:abc"));
    assertThat(s.forge().type()).isEqualTo(ForgeType.FORGEJO);
    assertThat(s.repository()).contains(RepoRef.of("octo", "hello"));
    assertThat(s.labels().prefix()).isEqualTo("ai");
    assertThat(s.urls().githubServerUrl()).isEqualTo("https://codeberg.org");
    assertThat(s.trustedLabelers()).containsExactlyInAnyOrder("mona", "tri");
    assertThat(s.actions()).isTrue();
    assertThat(s.stages().timeout(Stage.BUILD)).contains("45");
    assertThat(s.stages().timeout(Stage.APPLIER)).isEmpty();
    assertThat(s.stages().model(Persona.REVIEWER)).contains("opus");
    assertThat(s.stages().imagePrefix()).isEqualTo("ghcr.io/octo/hydra");
    assertThat(s.stages().imageDigest(Persona.APPLIER)).isEqualTo("sha256:abc");
    assertThat(s.stages().imageDigest(Persona.BUILDER)).isEmpty();
    assertThat(s.core()).isEqualTo(new Settings(s.forge(), s.labels(), s.repository()));
  }

  @Test
  void personaLoginsAreCheckedWhereTheyAreUsed() throws Exception {
    HydraSettings s =
        HydraSettings.from(
            "github", SettingsTest.env("HYDRA_PERSONA_LOGINS", "builder=a,reviewer=b"));
    assertThatThrownBy(s::personaLogins)
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("HYDRA_PERSONA_LOGINS: the security persona is missing");
    assertThat(HydraSettings.from("github", Map.of()).personaLogins()).isEmpty();
    assertThat(HydraSettings.personaLogins("builder=a, reviewer=b,security=c,applier=d[bot]"))
        .containsEntry(Persona.BUILDER, "a")
        .containsEntry(Persona.APPLIER, "d[bot]");
  }

  @Test
  void aBadRepositoryOrForgeIsRefusedWithTheVariable() {
    assertThatThrownBy(
            () -> HydraSettings.from("github", SettingsTest.env("GITHUB_REPOSITORY", "nope")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("GITHUB_REPOSITORY: ");
    assertThatThrownBy(() -> HydraSettings.from("", Map.of()))
        .isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void stageVariableNamesAreDerivedFromTheStageAndPersona() {
    assertThat(StageSettings.timeoutVariable(Stage.SECURITY_REVIEW))
        .isEqualTo("HYDRA_SECURITY_REVIEW_TIMEOUT");
    assertThat(StageSettings.fallbackModelVariable(Persona.APPLIER))
        .isEqualTo("HYDRA_APPLIER_FALLBACK_MODEL");
    assertThat(StageSettings.digestVariable(Persona.SECURITY))
        .isEqualTo("HYDRA_IMAGE_DIGEST_SECURITY");
    assertThat(StageSettings.from(Map.of("HYDRA_BUILD_TIMEOUT", "  ")))
        .isEqualTo(StageSettings.NONE);
  }
}
