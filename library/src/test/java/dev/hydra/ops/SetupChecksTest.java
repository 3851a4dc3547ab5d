package dev.hydra.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.image.ImageRef;
import dev.hydra.label.LabelScheme;
import dev.hydra.secret.Secret;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Issue 12 item 7: doctor checks the whole setup, not only the persona tokens. */
class SetupChecksTest {

  // Assembled from pieces so that nothing token-shaped is committed.
  static final String CLAUDE_1 = "sk-" + "ant-oat01-" + "first-account-0123456789";
  static final String CLAUDE_2 = "sk-" + "ant-oat01-" + "second-account-0123456789";

  static String line(List<Doctor.Row> rows) {
    return rows.stream()
        .map(r -> r.subject() + " " + r.check() + " " + r.status())
        .reduce((a, b) -> a + "; " + b)
        .orElse("");
  }

  @Nested
  class ClaudeTokens {
    @Test
    void noneFailsWithWhereTokensComeFrom() {
      List<Doctor.Row> rows = ClaudeTokenCheck.rows(Map.of());
      assertThat(line(rows)).isEqualTo("claude tokens FAIL");
      assertThat(rows.get(0).fix()).contains("claude setup-token").contains("HYDRA_CLAUDE_TOKEN_1");
    }

    @Test
    void oneWarnsThatRotationCannotHelp() {
      List<Doctor.Row> rows = ClaudeTokenCheck.rows(Map.of("HYDRA_CLAUDE_TOKEN_1", CLAUDE_1));
      assertThat(line(rows)).isEqualTo("claude tokens WARN");
      assertThat(rows.get(0).detail()).contains("rotation has no other account");
      assertThat(rows.get(0).fix()).contains("HYDRA_CLAUDE_TOKEN_2");
    }

    @Test
    void twoPassAndAreCountedByNameNeverByValue() {
      List<Doctor.Row> rows =
          ClaudeTokenCheck.rows(
              Map.of("HYDRA_CLAUDE_TOKEN_1", CLAUDE_1, "HYDRA_CLAUDE_TOKEN_2", CLAUDE_2));
      assertThat(line(rows)).isEqualTo("claude tokens OK");
      assertThat(rows.get(0).detail())
          .isEqualTo("2 tokens, tried in order: account-1, account-2")
          .doesNotContain("oat01");
    }

    @Test
    void theSameTokenTwiceFailsAsTheStageWould() {
      List<Doctor.Row> rows =
          ClaudeTokenCheck.rows(
              Map.of("HYDRA_CLAUDE_TOKEN_1", CLAUDE_1, "HYDRA_CLAUDE_TOKEN_2", CLAUDE_1));
      assertThat(line(rows)).isEqualTo("claude tokens FAIL");
      assertThat(rows.get(0).detail()).doesNotContain(CLAUDE_1);
    }
  }

  @Nested
  class Trust {
    @Test
    void forgejoWithoutTrustedLabellersFails() {
      List<Doctor.Row> rows =
          TrustCheck.rows(ForgeType.FORGEJO, Set.of(), List.of("hydra-builder"));
      assertThat(line(rows)).isEqualTo("trust labellers FAIL");
      assertThat(rows.get(0).fix()).contains("HYDRA_TRUSTED_LABELERS");
    }

    @Test
    void aPersonaAccountAmongTheTrustedFailsOnEveryForge() {
      for (ForgeType forge : ForgeType.values()) {
        List<Doctor.Row> rows =
            TrustCheck.rows(forge, Set.of("alice", "Hydra-Builder"), List.of("hydra-builder"));
        assertThat(line(rows)).as("%s", forge).isEqualTo("trust labellers FAIL");
        assertThat(rows.get(0).detail()).contains("@Hydra-Builder");
      }
    }

    @Test
    void gitHubAsksTheForgeAndForgejoWithALabellerPasses() {
      assertThat(line(TrustCheck.rows(ForgeType.GITHUB, Set.of(), List.of())))
          .isEqualTo("trust labellers OK");
      assertThat(line(TrustCheck.rows(ForgeType.FORGEJO, Set.of("alice"), List.of("bot"))))
          .isEqualTo("trust labellers OK");
    }
  }

  @Nested
  class Images {
    final List<String> asked = new ArrayList<>();

    ImageCheck.ImageNames names(String prefix) {
      return persona -> ImageRef.forRole(prefix, persona.id(), "v1");
    }

    @Test
    void eachPersonaImageIsAskedForAndAMissingOneFailsWithTheFix() throws Exception {
      List<Doctor.Row> rows =
          ImageCheck.rows(
              names("ghcr.io/acme/hydra"),
              image -> {
                asked.add(image.toString());
                return image.toString().contains("security")
                    ? Optional.of("manifest unknown")
                    : Optional.empty();
              });
      assertThat(asked)
          .containsExactly(
              "ghcr.io/acme/hydra-builder:v1",
              "ghcr.io/acme/hydra-reviewer:v1",
              "ghcr.io/acme/hydra-security:v1",
              "ghcr.io/acme/hydra-applier:v1");
      assertThat(line(rows))
          .isEqualTo(
              "builder image pullable OK; reviewer image pullable OK; security image pullable"
                  + " FAIL; applier image pullable OK");
      assertThat(rows.get(2).detail())
          .isEqualTo("ghcr.io/acme/hydra-security:v1: manifest unknown");
      assertThat(rows.get(2).fix())
          .contains("hydra image build --push")
          .contains("HYDRA_IMAGE_TAG");
    }

    @Test
    void aBadVariableFailsByNameAndAProbeThatCannotAskWarns() throws Exception {
      List<Doctor.Row> rows =
          ImageCheck.rows(
              persona -> {
                if (persona == Persona.BUILDER) {
                  throw new InvalidConfigurationException(
                      "HYDRA_IMAGE_DIGEST_BUILDER is not a digest");
                }
                return ImageRef.forRole("ghcr.io/acme/hydra", persona.id(), "v1");
              },
              image -> {
                throw new IOException("docker: not found");
              });
      assertThat(line(rows))
          .isEqualTo(
              "builder image named FAIL; reviewer image pullable WARN; security image pullable"
                  + " WARN; applier image pullable WARN");
      assertThat(rows.get(0).detail()).contains("HYDRA_IMAGE_DIGEST_BUILDER");
      assertThat(rows.get(1).detail()).contains("not checked (docker: not found)");
    }
  }

  @Nested
  class Accounts {
    @Test
    void twoPersonasOfOneAccountFail() throws Exception {
      Map<String, dev.hydra.forge.LabelSpec> store = InMemoryForge.labelStore();
      Map<Persona, InMemoryForge> forges = new EnumMap<>(Persona.class);
      Map<Persona, Optional<Secret>> tokens = new EnumMap<>(Persona.class);
      for (Persona p : Persona.values()) {
        String login = p == Persona.SECURITY ? "hydra-reviewer" : "hydra-" + p.id();
        forges.put(
            p,
            new InMemoryForge(
                p.id(), login, p == Persona.BUILDER ? Permission.WRITE : Permission.READ, store));
        tokens.put(p, Optional.of(Secret.of(p.id(), "token-of-" + p.id() + "-0123456789")));
      }
      RepoRef repo = RepoRef.of("octo-org", "hello-hydra");
      LabelSeeding.seed(
          java.util.Objects.requireNonNull(forges.get(Persona.BUILDER)),
          repo,
          LabelScheme.canonical());
      Doctor.Report report =
          Doctor.check(repo, LabelScheme.canonical(), tokens, forges::get, Map.of());
      assertThat(report.healthy()).isFalse();
      assertThat(report.rows())
          .filteredOn(r -> r.check().equals("own account"))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.status()).isEqualTo(Doctor.Status.FAIL);
                assertThat(r.subject()).isEqualTo("security");
                assertThat(r.detail()).isEqualTo("@hydra-reviewer is also the reviewer's account");
              });
      assertThat(report.accounts()).containsEntry(Persona.SECURITY, "hydra-reviewer").hasSize(4);
      assertThat(report.plus(List.of()).rows()).isEqualTo(report.rows());
    }
  }
}
