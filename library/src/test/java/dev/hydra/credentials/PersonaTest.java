package dev.hydra.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PersonaTest {

  @ParameterizedTest
  @CsvSource({
    "BUILDER, builder, HYDRA_BUILDER_TOKEN, git_tokens.builder",
    "REVIEWER, reviewer, HYDRA_REVIEWER_TOKEN, git_tokens.reviewer",
    "SECURITY, security, HYDRA_SECURITY_TOKEN, git_tokens.security",
    "APPLIER, applier, HYDRA_APPLIER_TOKEN, git_tokens.applier",
  })
  void namesVariableAndField(Persona persona, String id, String variable, String field) {
    assertThat(persona.id()).isEqualTo(id);
    assertThat(persona).hasToString(id);
    assertThat(persona.envVariable()).isEqualTo(variable);
    assertThat(persona.jsonField()).isEqualTo(field);
    assertThat(Persona.fromId(" " + id.toUpperCase(java.util.Locale.ROOT) + " ")).contains(persona);
  }

  @ParameterizedTest
  @CsvSource({"reviwer", "''", "admin"})
  void unknownIds(String id) {
    assertThat(Persona.fromId(id)).isEmpty();
  }
}
