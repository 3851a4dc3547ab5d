package dev.hydra.forge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenShapesTest {

  // Nothing token-shaped is written in the sources: prefixes and bodies are assembled.
  static final String BODY = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
  static final String HEX = "0123456789abcdef0123456789abcdef01234567";
  static final List<String> GITHUB =
      List.of(
          "gh" + "p_" + BODY,
          "gh" + "o_" + BODY,
          "gh" + "u_" + BODY,
          "gh" + "s_" + BODY,
          "gh" + "r_" + BODY,
          "github_" + "pat_11ABCDEFG0_" + BODY,
          "GH" + "P_" + BODY,
          "Bearer " + "gh" + "p_" + BODY,
          "token " + "gh" + "s_" + BODY,
          " gh" + "p_" + BODY + "\n");

  static final URI CODEBERG = URI.create("https://codeberg.org/api/v1");
  static final URI GITHUB_LOOKING_FORGEJO = URI.create("https://github.example.org/api/v1");
  static final URI FORGEJO_ON_GITHUB_HOST = URI.create("https://api.github.com");
  static final URI API_GITHUB = URI.create("https://api.github.com");
  static final URI GHE_CLOUD = URI.create("https://api.acme.ghe.com");
  static final URI GHE_SERVER = URI.create("https://github.acme.internal/api/v3");

  static Stream<Arguments> refused() {
    List<Arguments> all = new ArrayList<>();
    for (String token : GITHUB) {
      for (URI forgejo : List.of(CODEBERG, GITHUB_LOOKING_FORGEJO, FORGEJO_ON_GITHUB_HOST)) {
        all.add(Arguments.of(ForgeType.FORGEJO, forgejo, token));
      }
    }
    for (URI github :
        List.of(
            API_GITHUB,
            URI.create("https://github.com"),
            GHE_CLOUD,
            URI.create("https://API.GitHub.com"))) {
      for (String token :
          List.of(HEX, HEX.toUpperCase(java.util.Locale.ROOT), "Bearer " + HEX, " " + HEX)) {
        all.add(Arguments.of(ForgeType.GITHUB, github, token));
      }
    }
    return all.stream();
  }

  static Stream<Arguments> accepted() {
    List<Arguments> all = new ArrayList<>();
    for (String token : GITHUB) {
      for (URI github : List.of(API_GITHUB, GHE_CLOUD, GHE_SERVER)) {
        all.add(Arguments.of(ForgeType.GITHUB, github, token));
      }
    }
    // GitHub Enterprise Server issued 40-hex tokens before 3.x; only GitHub.com is sure.
    all.add(Arguments.of(ForgeType.GITHUB, GHE_SERVER, HEX));
    all.add(Arguments.of(ForgeType.GITHUB, URI.create("http://localhost:8080"), HEX));
    for (URI forgejo : List.of(CODEBERG, GITHUB_LOOKING_FORGEJO)) {
      all.add(Arguments.of(ForgeType.FORGEJO, forgejo, HEX));
      all.add(Arguments.of(ForgeType.FORGEJO, forgejo, "forgejo-token-of-another-shape-42"));
      all.add(Arguments.of(ForgeType.FORGEJO, forgejo, "xgh" + "p_" + BODY));
    }
    all.add(Arguments.of(ForgeType.GITHUB, API_GITHUB, HEX + "0"));
    all.add(Arguments.of(ForgeType.GITHUB, API_GITHUB, "deadbeef"));
    return all.stream();
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @MethodSource("refused")
  void aTokenShapedForTheOtherForgeIsRefused(ForgeType type, URI api, String token) {
    Optional<TokenShapes.Mismatch> mismatch = TokenShapes.check(type, api, token);

    assertThat(mismatch).isPresent();
    String message = mismatch.orElseThrow().message("the builder token (HYDRA_BUILDER_TOKEN)");
    assertThat(message)
        .startsWith("the builder token (HYDRA_BUILDER_TOKEN) ")
        .contains(type == ForgeType.FORGEJO ? "is a GitHub token" : "shaped like a Forgejo token")
        .contains(api.getHost().toLowerCase(java.util.Locale.ROOT))
        .contains(type == ForgeType.FORGEJO ? "create a Forgejo access token" : "create a GitHub")
        .doesNotContain(BODY.substring(0, 8))
        .doesNotContain(HEX.substring(0, 8))
        .doesNotContain("\n");
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @MethodSource("accepted")
  void aTokenForItsOwnForgeOrOfNoKnownShapeIsAccepted(ForgeType type, URI api, String token) {
    assertThat(TokenShapes.check(type, api, token)).isEmpty();
  }
}
