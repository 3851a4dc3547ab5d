package dev.hydra.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.secret.Secret;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class CredentialsTest {

  static Secret git(Persona persona, long seed) {
    return Secret.of(persona.envVariable(), TestTokens.github(seed));
  }

  static ClaudeToken claude(String name, long seed) {
    return ClaudeToken.of(name, Secret.of("claude " + name, TestTokens.claude(seed)));
  }

  static Map<Persona, Secret> allPersonas() {
    Map<Persona, Secret> map = new EnumMap<>(Persona.class);
    long seed = 100;
    for (Persona p : Persona.values()) {
      map.put(p, git(p, seed++));
    }
    return map;
  }

  @Test
  void keepsClaudeOrderAndCopiesInputs() {
    List<ClaudeToken> claude = new ArrayList<>(List.of(claude("b", 1), claude("a", 2)));
    Map<Persona, Secret> git = new EnumMap<>(allPersonas());
    Credentials credentials = Credentials.of(claude, git);
    claude.clear();
    git.clear();
    assertThat(credentials.claudeTokens()).extracting(ClaudeToken::name).containsExactly("b", "a");
    assertThat(credentials.gitTokens()).containsOnlyKeys(Persona.values());
    assertThat(credentials.secrets()).hasSize(6);
  }

  @Test
  void claudeNamesAreUnique() {
    assertThatThrownBy(() -> Credentials.of(List.of(claude("a", 1), claude("a", 2)), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two Claude accounts are named a");
  }

  @Test
  void twoPersonasWithOneTokenAreRefusedNamingBoth() {
    Map<Persona, Secret> git = new EnumMap<>(allPersonas());
    Secret reviewer = Objects.requireNonNull(git.get(Persona.REVIEWER));
    git.put(Persona.SECURITY, Secret.of("HYDRA_SECURITY_TOKEN", reviewer.reveal()));
    assertThatThrownBy(() -> Credentials.of(List.of(claude("a", 1)), git))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("persona reviewer (HYDRA_REVIEWER_TOKEN)")
        .hasMessageContaining("persona security (HYDRA_SECURITY_TOKEN)")
        .satisfies(e -> TestTokens.assertNoTokenIn(e));
  }

  @Test
  void aClaudeTokenUsedAsAGitTokenIsRefused() {
    ClaudeToken claude = claude("a", 1);
    Map<Persona, Secret> git = Map.of(Persona.BUILDER, claude.token());
    assertThatThrownBy(() -> Credentials.of(List.of(claude), git))
        .hasMessageContaining("Claude account a")
        .hasMessageContaining("persona builder");
  }

  @Test
  void ofRequiresAClaudeTokenWithoutClaudeSaysSoExplicitly() {
    assertThatThrownBy(() -> Credentials.of(List.of(), allPersonas()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withoutClaude");
    assertThat(Credentials.withoutClaude(allPersonas()).claudeTokens()).isEmpty();
  }

  @Test
  void anAbsentPersonaHasNoTokenAndNeverAnotherOne() {
    Credentials credentials =
        Credentials.of(List.of(claude("a", 1)), Map.of(Persona.BUILDER, git(Persona.BUILDER, 1)));
    assertThat(credentials.gitToken(Persona.BUILDER).name()).isEqualTo("HYDRA_BUILDER_TOKEN");
    assertThatThrownBy(() -> credentials.gitToken(Persona.REVIEWER))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("persona reviewer");
  }

  @Test
  void restrictToKeepsOnlyWhatTheRunNeeds() {
    Credentials all = Credentials.of(List.of(claude("a", 1)), allPersonas());
    Credentials review = all.restrictTo(CredentialNeeds.of(Persona.REVIEWER));
    assertThat(review.gitTokens()).containsOnlyKeys(Persona.REVIEWER);
    assertThat(review.claudeTokens()).hasSize(1);
    Credentials forgeOnly = all.restrictTo(CredentialNeeds.of(Persona.APPLIER).withoutClaude());
    assertThat(forgeOnly.claudeTokens()).isEmpty();
    assertThat(forgeOnly.gitTokens()).containsOnlyKeys(Persona.APPLIER);
  }

  @Test
  void restrictToKeepsAnOptionalTokenWhenGiven() {
    Credentials all = Credentials.of(List.of(claude("a", 1)), allPersonas());
    CredentialNeeds review = CredentialNeeds.of(Persona.REVIEWER).withOptional(Persona.BUILDER);
    assertThat(all.restrictTo(review).gitTokens())
        .containsOnlyKeys(Persona.REVIEWER, Persona.BUILDER);
    assertThat(review.needs(Persona.BUILDER)).isFalse();
    assertThat(review.withoutClaude().optional()).containsExactly(Persona.BUILDER);
    assertThat(CredentialNeeds.of(Persona.BUILDER).withOptional(Persona.BUILDER).optional())
        .as("a needed persona is not optional")
        .isEmpty();
  }

  @Test
  void toStringNamesAccountsAndPersonasOnly() {
    Credentials credentials = Credentials.of(List.of(claude("account-1", 1)), allPersonas());
    assertThat(credentials.toString())
        .contains("account-1", "builder", "applier")
        .satisfies(TestTokens::assertNoTokenIn);
  }

  @Test
  void claudeAccountNames() {
    Secret token = Secret.of("t", TestTokens.claude(9));
    assertThat(ClaudeToken.of("work@example.org", token).name()).isEqualTo("work@example.org");
    assertThatThrownBy(() -> ClaudeToken.of("my account", token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("account-1");
    assertThatThrownBy(() -> ClaudeToken.of("-x", token))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
