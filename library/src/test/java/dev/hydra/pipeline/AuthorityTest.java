package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The authority rules as a table: who applied a label (login, whether the forge calls it a bot),
 * Hydra's persona accounts, the forge's permission answer (or its refusal, as on Forgejo), and the
 * trusted labellers.
 */
class AuthorityTest {

  static final RepoRef REPO = RepoRef.of("acme", "shop");
  static final Authority.Personas PERSONAS =
      new Authority.Personas(
          Map.of(
              Persona.BUILDER, "hydra-builder",
              Persona.REVIEWER, "Hydra-Reviewer",
              Persona.SECURITY, "hydra-security",
              Persona.APPLIER, "hydra-applier[bot]"));

  /** Every one of them has write access on the forge: only the rules refuse them. */
  static final String WRITE = "write";

  /** The forge will not answer (Forgejo, whose permission endpoint is admin-only). */
  static final String FORBIDDEN = "forbidden";

  static Stream<Arguments> labels() {
    return Stream.of(
        // login, the forge says bot, permission answer, trusted, allowed, words in the reason
        row("alice", false, WRITE, "", true, "@alice, who has write access"),
        row("ALICE", false, "admin", "", true, "has write access"),
        row("mona", false, "maintain", "", true, "has write access"),
        row("trudy", false, "triage", "", false, "no write access"),
        row("rita", false, "read", "", false, "no write access"),
        row("nobody", false, "none", "", false, "no write access"),
        // bots, by suffix in any case or by the forge's type
        row("hydra-builder[bot]", false, WRITE, "", false, "a bot"),
        row("Renovate[Bot]", false, WRITE, "", false, "a bot"),
        row("dependabot[BOT]", false, "admin", "", false, "a bot"),
        row("some-app", true, WRITE, "", false, "a bot"),
        row("forgejo-actions", false, WRITE, "", false, "a bot"),
        row("some-app", true, FORBIDDEN, "some-app", false, "a bot"),
        // each persona, in any case, even with write or admin and even when trusted
        row("hydra-builder", false, WRITE, "", false, "builder persona's account"),
        row("HYDRA-BUILDER", false, "admin", "", false, "builder persona's account"),
        row("hydra-reviewer", false, WRITE, "", false, "reviewer persona's account"),
        row("hydra-security", false, WRITE, "", false, "security persona's account"),
        row(" hydra-security ", false, WRITE, "", false, "security persona's account"),
        row("hydra-applier[bot]", false, WRITE, "", false, "a bot"),
        row("hydra-builder", false, FORBIDDEN, "hydra-builder", false, "builder persona"),
        row("hydra-reviewer", false, FORBIDDEN, "HYDRA-REVIEWER", false, "reviewer persona"),
        // Forgejo: the trusted list decides for people, in any case
        row("alice", false, FORBIDDEN, "alice", true, "listed in HYDRA_TRUSTED_LABELERS"),
        row("Alice", false, FORBIDDEN, "alice", true, "listed in HYDRA_TRUSTED_LABELERS"),
        row("bob", false, FORBIDDEN, "alice", false, "does not list them"),
        row("", false, WRITE, "", false, "does not say by whom"));
  }

  static Arguments row(
      String login,
      boolean bot,
      String permission,
      String trusted,
      boolean allowed,
      String reason) {
    return Arguments.of(login, bot, permission, trusted, allowed, reason);
  }

  @ParameterizedTest(name = "{0} bot={1} {2} trusted={3} -> {4}")
  @MethodSource("labels")
  void whoCarriesAuthority(
      String login, boolean bot, String permission, String trusted, boolean allowed, String reason)
      throws Exception {
    List<String> asked = new ArrayList<>();
    Authority.Result result =
        Authority.ofPerson(
            "`yolo` was applied to #7",
            new Authority.Actor(login, bot),
            () -> PERSONAS,
            trusted.isEmpty() ? Set.of() : Set.of(trusted),
            REPO,
            user -> {
              asked.add(user);
              return answer(permission);
            });

    assertThat(result.ok()).as(result.why()).isEqualTo(allowed);
    assertThat(result.why()).contains(reason);
    if (!allowed && (reason.contains("bot") || reason.contains("persona"))) {
      assertThat(asked).as("refused without asking the forge").isEmpty();
    }
  }

  static Stream<Arguments> reviewStarts() {
    return Stream.of(
        // login, the forge says bot, builder login known, permission, allowed, reason
        Arguments.of("hydra-builder", false, "hydra-builder", WRITE, true, "Hydra's own"),
        Arguments.of("Hydra-Builder", false, "hydra-builder", WRITE, true, "Hydra's own"),
        // a GitHub App builder is a bot, and still Hydra's own transition
        Arguments.of("hydra[bot]", true, "hydra[bot]", WRITE, true, "Hydra's own"),
        Arguments.of("hydra[bot]", true, null, WRITE, false, "a bot"),
        Arguments.of("alice", false, "hydra-builder", WRITE, true, "has write access"),
        Arguments.of("trudy", false, "hydra-builder", "triage", false, "no write access"),
        Arguments.of("renovate[bot]", false, "hydra-builder", WRITE, false, "a bot"),
        Arguments.of("hydra-reviewer", false, "hydra-builder", WRITE, false, "reviewer persona"),
        Arguments.of("hydra-applier[bot]", false, "hydra-builder", WRITE, false, "a bot"),
        Arguments.of("hydra-builder", false, null, WRITE, false, "builder persona"),
        Arguments.of("", false, "hydra-builder", WRITE, false, "does not say"));
  }

  @ParameterizedTest(name = "{0} bot={1} builder={2} {3} -> {4}")
  @MethodSource("reviewStarts")
  void whoMayStartTheReviews(
      String login, boolean bot, String builder, String permission, boolean allowed, String reason)
      throws Exception {
    Authority.Result result =
        Authority.ofHydraOrPerson(
            "`code-review:queued` was applied to #7",
            new Authority.Actor(login, bot),
            builder,
            () -> PERSONAS,
            Set.of(),
            REPO,
            user -> answer(permission));

    assertThat(result.ok()).as(result.why()).isEqualTo(allowed);
    assertThat(result.why()).contains(reason);
  }

  @org.junit.jupiter.api.Test
  void personaLoginsAreReadFromTheirVariable() throws Exception {
    assertThat(PipelineOptions.personaLogins(Map.of())).isEmpty();
    assertThat(PipelineOptions.personaLogins(Map.of("HYDRA_PERSONA_LOGINS", "  "))).isEmpty();
    assertThat(
            PipelineOptions.personaLogins(
                Map.of(
                    "HYDRA_PERSONA_LOGINS",
                    " Applier=hydra-app[bot], builder = hydra-b,reviewer=rev.1,security=sec_2 ")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Persona.BUILDER, "hydra-b",
                Persona.REVIEWER, "rev.1",
                Persona.SECURITY, "sec_2",
                Persona.APPLIER, "hydra-app[bot]"));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "hydra-builder",
        "builder=a,reviewer=b,security=c",
        "builder=a,reviewer=b,security=c,applier=d,builder=e",
        "builder=a,reviewer=b,security=c,appliers=d",
        "builder=a,reviewer=b,security=c,applier=",
        "builder=a,reviewer=b,security=c,applier=d e",
        // assembled, so that nothing token-shaped stands in the sources
        "builder=a,reviewer=b,security=c,applier=gh" + "p_0123456789abcdef0123456789abcdef0123$",
        "builder=a,reviewer=b,security=c,applier=d,",
      })
  void aBadPersonaLoginsValueIsAClearErrorThatEchoesNoValue(String value) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PipelineOptions.personaLogins(Map.of("HYDRA_PERSONA_LOGINS", value)))
        .isInstanceOf(dev.hydra.config.InvalidConfigurationException.class)
        .hasMessageContaining("HYDRA_PERSONA_LOGINS")
        .hasMessageContaining("builder=LOGIN,reviewer=LOGIN,security=LOGIN,applier=LOGIN")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ghp_", "\n"));
  }

  static Permission answer(String permission) throws ForgeForbiddenException {
    return switch (permission) {
      case FORBIDDEN -> throw new ForgeForbiddenException("Forgejo will not say", 403, null);
      case "admin" -> Permission.ADMIN;
      case "maintain" -> Permission.MAINTAIN;
      case WRITE -> Permission.WRITE;
      case "triage" -> Permission.TRIAGE;
      case "read" -> Permission.READ;
      default -> Permission.NONE;
    };
  }
}
