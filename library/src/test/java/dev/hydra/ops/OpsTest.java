package dev.hydra.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import dev.hydra.secret.Secret;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OpsTest {

  static final RepoRef REPO = RepoRef.of("octo-org", "hello-hydra");

  @Nested
  class Seeding {
    @Test
    void seedsEveryLabelOnceAndIsIdempotent() throws Exception {
      Map<String, LabelSpec> store = InMemoryForge.labelStore();
      InMemoryForge forge = new InMemoryForge("builder", "bot", Permission.WRITE, store);
      LabelScheme scheme = LabelScheme.of("wilco", "");

      List<LabelSeeding.Result> first = LabelSeeding.seed(forge, REPO, scheme);
      assertThat(first).allMatch(r -> r.change() == LabelSeeding.Change.CREATED);
      assertThat(store.keySet())
          .contains(
              "wilco-ready-to-build", "wilco-build:queued", "wilco-needs-input", "yolo", "openspec")
          .doesNotContain("ready-to-build", "wilco-yolo");
      int writes = forge.writes.size();

      List<LabelSeeding.Result> second = LabelSeeding.seed(forge, REPO, scheme);
      assertThat(second).allMatch(r -> r.change() == LabelSeeding.Change.UNCHANGED);
      assertThat(forge.writes).hasSize(writes);
    }

    @Test
    void correctsAWrongColour() throws Exception {
      Map<String, LabelSpec> store = InMemoryForge.labelStore();
      store.put("build:fail", new LabelSpec("build:fail", "ffffff", "mine"));
      InMemoryForge forge = new InMemoryForge("builder", "bot", Permission.WRITE, store);
      List<LabelSeeding.Result> results = LabelSeeding.seed(forge, REPO, LabelScheme.canonical());
      assertThat(results)
          .filteredOn(r -> r.label().name().equals("build:fail"))
          .singleElement()
          .extracting(LabelSeeding.Result::change)
          .isEqualTo(LabelSeeding.Change.UPDATED);
      assertThat(store.get("build:fail").color()).isEqualTo("d93f0b");
    }
  }

  @Nested
  class Checkup {
    final Map<String, LabelSpec> store = InMemoryForge.labelStore();
    final Map<Persona, InMemoryForge> forges = new EnumMap<>(Persona.class);
    final Map<Persona, Optional<Secret>> tokens = new EnumMap<>(Persona.class);
    // HYDRA_PERSONA_LOGINS as configured: by default it names each persona's account.
    final Map<Persona, String> configured = new EnumMap<>(Persona.class);

    void persona(Persona p, String login, Permission permission) {
      configured.put(p, login);
      forges.put(p, new InMemoryForge(p.id(), login, permission, store));
      tokens.put(p, Optional.of(Secret.of(p.id(), "token-of-" + p.id() + "-0123456789")));
    }

    InMemoryForge forge(Persona p) {
      return java.util.Objects.requireNonNull(forges.get(p), p.id());
    }

    Doctor.Report run() {
      return Doctor.check(REPO, LabelScheme.canonical(), tokens, forges::get, configured);
    }

    void allFour() throws Exception {
      persona(Persona.BUILDER, "hydra-builder", Permission.WRITE);
      persona(Persona.REVIEWER, "hydra-reviewer", Permission.READ);
      persona(Persona.SECURITY, "hydra-security", Permission.READ);
      persona(Persona.APPLIER, "hydra-applier", Permission.READ);
      LabelSeeding.seed(forge(Persona.BUILDER), REPO, LabelScheme.canonical());
    }

    @Test
    void withoutPersonaLoginsItWarnsAndGivesTheValueToSet() throws Exception {
      allFour();
      configured.clear();
      Doctor.Report report = run();
      assertThat(report.healthy()).as("%s", report.rows()).isTrue();
      assertThat(report.rows())
          .filteredOn(r -> r.status() != Doctor.Status.OK)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.status()).isEqualTo(Doctor.Status.WARN);
                assertThat(r.detail()).contains("HYDRA_PERSONA_LOGINS is not set");
                assertThat(r.fix())
                    .endsWith(
                        "HYDRA_PERSONA_LOGINS to builder=hydra-builder,reviewer=hydra-reviewer,"
                            + "security=hydra-security,applier=hydra-applier");
              });
    }

    @Test
    void aPersonaLoginThatIsNotItsTokensAccountFails() throws Exception {
      allFour();
      configured.put(Persona.REVIEWER, "someone-else");
      configured.put(Persona.SECURITY, "HYDRA-Security"); // logins are case-insensitive
      configured.remove(Persona.APPLIER);
      Doctor.Report report = run();
      assertThat(report.healthy()).isFalse();
      assertThat(report.rows())
          .filteredOn(r -> r.check().equals("login named") && r.status() == Doctor.Status.FAIL)
          .extracting(Doctor.Row::subject, Doctor.Row::detail, Doctor.Row::fix)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "reviewer",
                  "HYDRA_PERSONA_LOGINS names @someone-else for the reviewer, but its token"
                      + " authenticates as @hydra-reviewer",
                  "set reviewer=hydra-reviewer in HYDRA_PERSONA_LOGINS"),
              org.assertj.core.groups.Tuple.tuple(
                  "applier",
                  "HYDRA_PERSONA_LOGINS names no applier, but its token authenticates as"
                      + " @hydra-applier",
                  "set applier=hydra-applier in HYDRA_PERSONA_LOGINS"));
      assertThat(report.rows())
          .filteredOn(r -> r.check().equals("login named") && r.status() == Doctor.Status.OK)
          .extracting(Doctor.Row::subject)
          .containsExactly("builder", "security");
    }

    @Test
    void aHealthyDeploymentPasses() throws Exception {
      persona(Persona.BUILDER, "hydra-builder", Permission.WRITE);
      persona(Persona.REVIEWER, "hydra-reviewer", Permission.READ);
      persona(Persona.SECURITY, "hydra-security", Permission.READ);
      persona(Persona.APPLIER, "hydra-applier", Permission.READ);
      LabelSeeding.seed(forge(Persona.BUILDER), REPO, LabelScheme.canonical());
      Doctor.Report report = run();
      assertThat(report.healthy()).as("%s", report.rows()).isTrue();
      assertThat(report.rows()).noneMatch(r -> r.status() != Doctor.Status.OK);
    }

    @Test
    void everyProblemIsARowWithAFixAndNoTokenValue() {
      persona(Persona.BUILDER, "hydra-builder", Permission.ADMIN);
      persona(Persona.REVIEWER, "hydra-reviewer", Permission.NONE);
      persona(Persona.SECURITY, "hydra-security", Permission.READ);
      tokens.put(Persona.APPLIER, tokens.getOrDefault(Persona.SECURITY, Optional.empty()));
      forges.put(Persona.APPLIER, forge(Persona.SECURITY));

      Doctor.Report report = run();
      assertThat(report.healthy()).isFalse();
      assertThat(report.rows())
          .anySatisfy(
              r ->
                  assertThat(r.subject() + " " + r.check() + " " + r.status())
                      .isEqualTo("builder not admin FAIL"))
          .anySatisfy(
              r ->
                  assertThat(r.subject() + " " + r.check() + " " + r.status())
                      .isEqualTo("reviewer enough access FAIL"))
          .anySatisfy(
              r -> assertThat(r.detail()).contains("the same token as the security persona"))
          .anySatisfy(
              r -> assertThat(r.fix()).contains("hydra labels seed --repo octo-org/hello-hydra"))
          .allSatisfy(
              r -> assertThat(r.status() == Doctor.Status.OK || !r.fix().isEmpty()).isTrue())
          .allSatisfy(r -> assertThat(r.detail() + r.fix()).doesNotContain("token-of-"));
    }

    @Test
    void aMissingTokenNamesItsVariable() {
      persona(Persona.BUILDER, "hydra-builder", Permission.WRITE);
      tokens.put(Persona.APPLIER, Optional.empty());
      assertThat(run().rows())
          .anySatisfy(r -> assertThat(r.detail()).isEqualTo("HYDRA_APPLIER_TOKEN is not set"))
          .anySatisfy(r -> assertThat(r.detail()).isEqualTo("HYDRA_REVIEWER_TOKEN is not set"));
    }

    @Test
    void aRefusedTokenIsReportedAsSuch() {
      persona(Persona.BUILDER, "hydra-builder", Permission.WRITE);
      forge(Persona.BUILDER).refuseToken = true;
      Doctor.Report report = run();
      assertThat(report.rows())
          .anySatisfy(
              r -> {
                assertThat(r.subject()).isEqualTo("builder");
                assertThat(r.check()).isEqualTo("token valid");
                assertThat(r.status()).isEqualTo(Doctor.Status.FAIL);
                assertThat(r.fix()).contains("expired, revoked");
              });
    }
  }
}
