package dev.hydra.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.credentials.CredentialException;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TokenAccessTest {

  static final RepoRef REPO = RepoRef.of("acme", "shop");

  @ParameterizedTest
  @EnumSource(Permission.class)
  void onlyAdminBreaksTheAdminRule(Permission permission) {
    assertThat(TokenAccess.admin("@x", permission, REPO).isPresent())
        .isEqualTo(permission == Permission.ADMIN);
  }

  @Test
  void theBuilderNeedsWriteTheOthersRead() {
    assertThat(TokenAccess.notEnough(Persona.BUILDER, Permission.TRIAGE)).isPresent();
    assertThat(TokenAccess.notEnough(Persona.BUILDER, Permission.WRITE)).isEmpty();
    assertThat(TokenAccess.notEnough(Persona.REVIEWER, Permission.NONE)).isPresent();
    assertThat(TokenAccess.notEnough(Persona.REVIEWER, Permission.READ)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Persona.class)
  void anAdminTokenOfAnyLoadedPersonaIsRefusedBeforeAnyWrite(Persona admin) {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    Map<Persona, String> sources = new EnumMap<>(Persona.class);
    Map<Persona, InMemoryForge> all = new EnumMap<>(Persona.class);
    for (Persona p : Persona.values()) {
      InMemoryForge forge =
          new InMemoryForge(
              p.id(),
              "hydra-" + p.id(),
              p == admin ? Permission.ADMIN : Permission.WRITE,
              InMemoryForge.labelStore());
      all.put(p, forge);
      forges.put(p, forge);
      sources.put(p, "git_tokens." + p.id());
    }

    assertThatThrownBy(() -> TokenAccess.requireNoAdmin(REPO, forges, sources))
        .isInstanceOf(CredentialException.class)
        .hasMessageContaining("the " + admin.id() + " token (git_tokens." + admin.id() + ")")
        .hasMessageContaining("is admin on acme/shop")
        .hasMessageContaining("refused before anything was written")
        .hasMessageContaining("not admin");
    assertThat(all.values()).allSatisfy(f -> assertThat(f.writes).isEmpty());
  }

  @Test
  void writeMaintainAndReadPass() throws Exception {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    forges.put(
        Persona.BUILDER,
        new InMemoryForge("builder", "b", Permission.MAINTAIN, InMemoryForge.labelStore()));
    forges.put(
        Persona.REVIEWER,
        new InMemoryForge("reviewer", "r", Permission.READ, InMemoryForge.labelStore()));

    TokenAccess.requireNoAdmin(REPO, forges, Map.of());
  }
}
