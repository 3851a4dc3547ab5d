package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The forge instance of each persona a job holds (each with that persona's token), and the accounts
 * behind them, each asked of the forge at most once.
 */
final class PersonaForges {

  private final Map<Persona, Forge> forges;
  private final Map<Persona, String> configured;
  private final Map<Persona, String> logins = new ConcurrentHashMap<>();

  /**
   * @param forges one forge per persona the job acts as
   * @param configured the persona logins of {@code HYDRA_PERSONA_LOGINS}, empty when unset
   */
  PersonaForges(Map<Persona, Forge> forges, Map<Persona, String> configured) {
    if (forges.isEmpty()) {
      throw new IllegalArgumentException("no forge for any persona: set a persona's token");
    }
    this.forges = new EnumMap<>(forges);
    this.configured = Map.copyOf(configured);
  }

  /**
   * The persona's forge.
   *
   * @throws IllegalStateException naming the token to set, when the job does not hold it
   */
  Forge get(Persona persona) {
    Forge forge = forges.get(persona);
    if (forge == null) {
      throw new IllegalStateException(
          "no forge for persona " + persona.id() + ": set " + persona.envVariable());
    }
    return forge;
  }

  /** The persona's forge, or null when the job does not hold its token. */
  @Nullable Forge find(Persona persona) {
    return forges.get(persona);
  }

  /** The account behind {@code forge}, asked once per persona. */
  String login(Forge forge) throws ForgeException {
    for (Map.Entry<Persona, Forge> e : forges.entrySet()) {
      if (e.getValue() == forge) {
        String cached = logins.get(e.getKey());
        if (cached == null) {
          cached = forge.currentUser();
          logins.put(e.getKey(), cached);
        }
        return cached;
      }
    }
    return forge.currentUser();
  }

  /**
   * Hydra's own accounts as this job knows them: {@code HYDRA_PERSONA_LOGINS} when set (with any
   * login already learnt), otherwise the account of each persona token the job holds (one request
   * each, once).
   */
  Authority.Personas personas() throws ForgeException {
    Map<Persona, String> known = new EnumMap<>(Persona.class);
    known.putAll(configured);
    for (Map.Entry<Persona, Forge> e : forges.entrySet()) {
      String cached = logins.get(e.getKey());
      if (cached != null) {
        known.putIfAbsent(e.getKey(), cached);
      } else if (configured.isEmpty()) {
        known.put(e.getKey(), login(e.getValue()));
      }
    }
    return new Authority.Personas(known);
  }

  /**
   * The builder persona's login, if this job can know it: from {@code HYDRA_PERSONA_LOGINS}, or
   * asked with the builder's token when the job holds it.
   */
  @Nullable String builderLogin() throws ForgeException {
    String login = configured.get(Persona.BUILDER);
    if (login != null) {
      return login;
    }
    Forge builder = forges.get(Persona.BUILDER);
    return builder == null ? null : login(builder);
  }
}
