package dev.hydra.wiring;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.credentials.CredentialException;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeType;
import dev.hydra.ops.TokenAccess;
import dev.hydra.pipeline.MaskingForge;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Each persona's forge, opened with that persona's own token: a token shaped for the other forge
 * refused first, an admin token refused before anything is written (SPEC §6).
 */
public final class ForgeOpener {

  private ForgeOpener() {}

  /**
   * Opens a forge for every persona whose git token the credentials hold, but those that only push
   * (git, never the API: {@link RunPlan#pushOnly}), masks every text sent for every token of the
   * run, and refuses admin tokens before the first write ({@link CheckedForge}: every token opened
   * is checked then, at most one read each; a write refused throws {@link TokenRefusedException}).
   *
   * @param pushOnly the personas whose tokens get no forge
   * @throws InvalidConfigurationException when a token is shaped for the other forge
   */
  public static Map<Persona, Forge> open(
      ForgeTarget target, Credentials credentials, Set<Persona> pushOnly, SecretMasker masker)
      throws InvalidConfigurationException, CredentialException, ForgeException {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    Map<Persona, String> sources = new EnumMap<>(Persona.class);
    for (Map.Entry<Persona, Secret> token : credentials.gitTokens().entrySet()) {
      Persona persona = token.getKey();
      if (pushOnly.contains(persona)) {
        continue;
      }
      sources.put(persona, token.getValue().name());
      forges.put(
          persona, target.open(persona.id(), token.getValue().name(), token.getValue().reveal()));
    }
    if (target.settings().forge().type() != ForgeType.GITHUB) {
      // Forgejo's reads carry no permission: asking at once costs the same and refuses earliest.
      TokenAccess.requireNoAdmin(target.repo(), forges, sources);
      return MaskingForge.wrap(forges, masker);
    }
    return CheckedForge.wrap(target.repo(), MaskingForge.wrap(forges, masker), forges, sources);
  }

  /**
   * The builder's forge from {@code HYDRA_BUILDER_TOKEN}, for the commands that act as the builder
   * alone ({@code labels seed}, {@code reconcile}); its token refused when admin.
   *
   * @param env the process environment, for the token
   * @throws InvalidConfigurationException when the token is unset, malformed or shaped for the
   *     other forge
   * @throws CredentialException when the token is admin on the repository
   * @throws ForgeException when the forge will not say
   */
  public static Forge builder(ForgeTarget target, Map<String, String> env)
      throws InvalidConfigurationException, CredentialException, ForgeException {
    Persona builder = Persona.BUILDER;
    String variable = builder.envVariable();
    Forge forge = target.open(builder.id(), variable, token(env, variable, builder.id()));
    TokenAccess.requireNoAdmin(target.repo(), Map.of(builder, forge), Map.of(builder, variable));
    return forge;
  }

  /**
   * Each persona's token as the environment holds it, empty when unset ({@code hydra doctor}).
   *
   * @throws InvalidConfigurationException naming a variable whose value is no token
   */
  public static Map<Persona, Optional<Secret>> tokens(Map<String, String> env)
      throws InvalidConfigurationException {
    Map<Persona, Optional<Secret>> tokens = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      String value = env.getOrDefault(persona.envVariable(), "");
      if (value.isBlank()) {
        tokens.put(persona, Optional.empty());
        continue;
      }
      try {
        tokens.put(persona, Optional.of(Secret.of(persona.envVariable(), value)));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException(persona.envVariable() + ": " + e.getMessage());
      }
    }
    return tokens;
  }

  /** Reads one persona's token from the environment, refusing a blank or malformed value. */
  static String token(Map<String, String> env, String variable, String persona)
      throws InvalidConfigurationException {
    String token = env.getOrDefault(variable, "");
    if (token.isBlank()) {
      throw new InvalidConfigurationException(
          variable + " is not set; set it to the " + persona + " persona's own token");
    }
    if (!token.equals(token.strip()) || token.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidConfigurationException(
          variable + " contains white space or control characters; paste the token alone");
    }
    return token;
  }
}
