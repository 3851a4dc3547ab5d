package dev.hydra.credentials;

import java.util.Locale;
import java.util.Optional;

/**
 * The identities a stage acts as on the forge; each has its own git token and never borrows
 * another's (SPEC §6).
 */
public enum Persona {
  BUILDER("builder", "HYDRA_BUILDER_TOKEN"),
  REVIEWER("reviewer", "HYDRA_REVIEWER_TOKEN"),
  SECURITY("security", "HYDRA_SECURITY_TOKEN"),
  APPLIER("applier", "HYDRA_APPLIER_TOKEN");

  private final String id;
  private final String envVariable;

  Persona(String id, String envVariable) {
    this.id = id;
    this.envVariable = envVariable;
  }

  /** The lower-case name, as used in {@code git_tokens} and in messages. */
  public String id() {
    return id;
  }

  /** The environment variable (and {@code secrets/.env} key) that holds this persona's token. */
  public String envVariable() {
    return envVariable;
  }

  /** The field of {@code secrets/credentials.json} that holds this persona's token. */
  public String jsonField() {
    return "git_tokens." + id;
  }

  /**
   * Finds a persona by its {@link #id()} (any case, surrounding blanks ignored).
   *
   * @return the persona, or empty when the text names none
   */
  public static Optional<Persona> fromId(String text) {
    String wanted = text.strip().toLowerCase(Locale.ROOT);
    for (Persona persona : values()) {
      if (persona.id.equals(wanted)) {
        return Optional.of(persona);
      }
    }
    return Optional.empty();
  }

  /** The persona ids for messages: {@code builder, reviewer, security or applier}. */
  static String choices() {
    return "builder, reviewer, security or applier";
  }

  @Override
  public String toString() {
    return id;
  }
}
