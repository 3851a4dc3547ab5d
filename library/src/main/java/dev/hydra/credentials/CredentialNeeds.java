package dev.hydra.credentials;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a run needs from its credentials: the personas whose git tokens it uses, and whether it runs
 * Claude. Sources load exactly this, so a review job never holds the builder's token, and a missing
 * need is an error naming the persona rather than a fallback to another token.
 *
 * @param personas the personas whose tokens must be present
 * @param claude whether at least one Claude token must be present
 */
public record CredentialNeeds(Set<Persona> personas, boolean claude) {

  /** Copies the set. */
  public CredentialNeeds {
    personas =
        personas.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(personas));
  }

  /** Every persona and Claude: the local pipeline, which runs all stages. */
  public static CredentialNeeds all() {
    return new CredentialNeeds(EnumSet.allOf(Persona.class), true);
  }

  /** The given personas and Claude. */
  public static CredentialNeeds of(Persona first, Persona... rest) {
    return new CredentialNeeds(EnumSet.of(first, rest), true);
  }

  /** The same personas, without Claude (for steps that only talk to the forge). */
  public CredentialNeeds withoutClaude() {
    return new CredentialNeeds(personas, false);
  }

  /** True when the persona's token is needed. */
  public boolean needs(Persona persona) {
    return personas.contains(persona);
  }
}
