package dev.hydra.credentials;

import dev.hydra.text.Word;
import java.util.Locale;
import java.util.Optional;

/**
 * The identities a stage acts as on the forge; each has its own git token and never borrows
 * another's (SPEC §6).
 */
public enum Persona implements Word {
  BUILDER,
  REVIEWER,
  SECURITY,
  APPLIER;

  /**
   * The environment variable (and {@code secrets/.env} key) that holds this persona's token: {@code
   * HYDRA_<PERSONA>_TOKEN}.
   */
  public String envVariable() {
    return "HYDRA_" + name() + "_TOKEN";
  }

  /** The field of {@code secrets/credentials.json} that holds this persona's token. */
  public String jsonField() {
    return "git_tokens." + id();
  }

  /**
   * Finds a persona by its {@link #id()} (any case, surrounding blanks ignored).
   *
   * @return the persona, or empty when the text names none
   */
  public static Optional<Persona> fromId(String text) {
    return Word.find(values(), text.strip().toLowerCase(Locale.ROOT));
  }

  /** The persona ids for messages: {@code builder, reviewer, security or applier}. */
  static String choices() {
    return "builder, reviewer, security or applier";
  }

  @Override
  public String toString() {
    return id();
  }
}
