package dev.hydra.credentials;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a run needs from its credentials: the personas whose git tokens it uses, and whether it runs
 * Claude. Sources load exactly this, so a job holds no other persona's token, and a missing need is
 * an error naming the persona rather than a fallback to another token.
 *
 * @param personas the personas whose tokens must be present
 * @param claude whether at least one Claude token must be present
 * @param optional the personas whose tokens are loaded when given and not required: the builder's
 *     in a review job, which pushes a reviewer's fixes with it and nothing else
 */
public record CredentialNeeds(Set<Persona> personas, boolean claude, Set<Persona> optional) {

  /** Copies the sets; a persona that is needed is not optional. */
  public CredentialNeeds {
    personas = copy(personas);
    EnumSet<Persona> rest = EnumSet.noneOf(Persona.class);
    rest.addAll(optional);
    rest.removeAll(personas);
    optional = copy(rest);
  }

  /** The personas, with nothing optional. */
  public CredentialNeeds(Set<Persona> personas, boolean claude) {
    this(personas, claude, Set.of());
  }

  private static Set<Persona> copy(Set<Persona> personas) {
    return personas.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(personas));
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
    return new CredentialNeeds(personas, false, optional);
  }

  /** The same, with {@code persona}'s token loaded when it is given. */
  public CredentialNeeds withOptional(Persona persona) {
    EnumSet<Persona> more = EnumSet.of(persona);
    more.addAll(optional);
    return new CredentialNeeds(personas, claude, more);
  }

  /** True when the persona's token is needed. */
  public boolean needs(Persona persona) {
    return personas.contains(persona);
  }

  /** True when the persona's token is kept when given: needed or optional. */
  public boolean keeps(Persona persona) {
    return personas.contains(persona) || optional.contains(persona);
  }
}
