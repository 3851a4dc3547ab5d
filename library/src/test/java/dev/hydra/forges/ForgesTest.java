package dev.hydra.forges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.TokenShapeException;
import dev.hydra.forge.forgejo.ForgejoForge;
import dev.hydra.forge.github.GitHubForge;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ForgesTest {

  @Test
  void opensTheAdapterOfTheForge() {
    assertThat(
            Forges.open(
                ForgeType.GITHUB, Forges.GITHUB_API, "builder", "t", ForgeOptions.defaults()))
        .isInstanceOf(GitHubForge.class)
        .satisfies(f -> assertThat(f.persona()).isEqualTo("builder"));
    assertThat(
            Forges.open(
                ForgeType.FORGEJO,
                URI.create("https://codeberg.org/api/v1"),
                "reviewer",
                "t",
                ForgeOptions.defaults()))
        .isInstanceOf(ForgejoForge.class)
        .satisfies(f -> assertThat(f.type()).isEqualTo(ForgeType.FORGEJO));
  }

  @Nested
  class ApiUrl {

    @Test
    void theOptionWins() {
      assertThat(
              Forges.apiUrl(
                  ForgeType.GITHUB,
                  "https://ghe.example.com/api/v3/",
                  Map.of("GITHUB_API_URL", "https://api.github.com")))
          .contains(URI.create("https://ghe.example.com/api/v3"));
    }

    @Test
    void gitHubFromTheActionsEnvironment() {
      assertThat(
              Forges.apiUrl(
                  ForgeType.GITHUB, "", Map.of("GITHUB_API_URL", "https://ghe.example.com/api/v3")))
          .contains(URI.create("https://ghe.example.com/api/v3"));
    }

    @Test
    void gitHubDefaultsToApiGithubCom() {
      assertThat(Forges.apiUrl(ForgeType.GITHUB, "", Map.of("GITHUB_API_URL", "")))
          .contains(URI.create("https://api.github.com"));
    }

    @Test
    void forgejoFromTheActionsEnvironment() {
      assertThat(
              Forges.apiUrl(
                  ForgeType.FORGEJO,
                  "",
                  Map.of(
                      "GITHUB_API_URL", "https://codeberg.org/api/v1",
                      "GITHUB_SERVER_URL", "https://elsewhere.example")))
          .contains(URI.create("https://codeberg.org/api/v1"));
    }

    @Test
    void forgejoFromItsOwnVariable() {
      assertThat(
              Forges.apiUrl(
                  ForgeType.FORGEJO, "", Map.of("FORGEJO_API_URL", "http://forgejo:3000/api/v1")))
          .contains(URI.create("http://forgejo:3000/api/v1"));
    }

    @Test
    void forgejoFromTheServerUrlWhenTheApiUrlIsAbsent() {
      assertThat(
              Forges.apiUrl(
                  ForgeType.FORGEJO,
                  "",
                  Map.of("GITHUB_API_URL", " ", "GITHUB_SERVER_URL", "http://forgejo:3000/")))
          .contains(URI.create("http://forgejo:3000/api/v1"));
      assertThat(
              Forges.apiUrl(
                  ForgeType.FORGEJO, "", Map.of("FORGEJO_SERVER_URL", "https://codeberg.org")))
          .contains(URI.create("https://codeberg.org/api/v1"));
    }

    @Test
    void forgejoHasNoDefaultHost() {
      assertThat(Forges.apiUrl(ForgeType.FORGEJO, "", Map.of())).isEmpty();
    }

    @Test
    void aBadValueNamesItsSource() {
      assertThatThrownBy(
              () -> Forges.apiUrl(ForgeType.FORGEJO, "", Map.of("GITHUB_SERVER_URL", "forgejo")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("GITHUB_SERVER_URL");
      assertThatThrownBy(() -> Forges.apiUrl(ForgeType.GITHUB, "https://x@evil.example", Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--api-url");
    }
  }

  @Test
  void anAdapterRefusesATokenShapedForTheOtherForgeWhenBuilt() {
    String github = "gh" + "p_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    assertThatThrownBy(
            () ->
                Forges.open(
                    ForgeType.FORGEJO,
                    URI.create("https://codeberg.org/api/v1"),
                    "reviewer",
                    github,
                    ForgeOptions.defaults()))
        .isInstanceOf(TokenShapeException.class)
        .hasMessageStartingWith("the reviewer token is a GitHub token")
        .hasMessageNotContaining("C3d4E5f6");
    assertThatThrownBy(
            () ->
                Forges.open(
                    ForgeType.GITHUB,
                    URI.create("https://api.github.com"),
                    "builder",
                    "0123456789abcdef0123456789abcdef01234567",
                    ForgeOptions.defaults()))
        .isInstanceOf(TokenShapeException.class)
        .hasMessageStartingWith("the builder token is shaped like a Forgejo token")
        .hasMessageNotContaining("456789ab");
  }
}
