package dev.hydra.credentials;

import dev.hydra.secret.Secret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The tokens one run may use: Claude tokens in the order to try them, and one git token per
 * persona.
 *
 * <p>Every token is distinct: two personas sharing a token would act as one identity (no least
 * privilege, no attribution), and two Claude entries with one token would rotate onto the same
 * account. A persona that is absent has no token here; {@link #gitToken(Persona)} never falls back
 * to another persona's.
 *
 * @param claudeTokens Claude tokens in preference order, names unique; empty only when built
 *     through {@link #withoutClaude(Map)} or a source told that the run needs no Claude
 * @param gitTokens the git token of each persona present
 */
public record Credentials(List<ClaudeToken> claudeTokens, Map<Persona, Secret> gitTokens) {

  /**
   * Copies and checks the tokens.
   *
   * @throws IllegalArgumentException when two Claude tokens share a name, or two entries share a
   *     token value; the message names both entries, never the value
   */
  public Credentials {
    claudeTokens = List.copyOf(claudeTokens);
    EnumMap<Persona, Secret> copy = new EnumMap<>(Persona.class);
    copy.putAll(gitTokens);
    gitTokens = Collections.unmodifiableMap(copy);

    Set<String> names = new HashSet<>();
    for (ClaudeToken token : claudeTokens) {
      if (!names.add(token.name())) {
        throw new IllegalArgumentException(
            "two Claude accounts are named " + token.name() + "; give each a different name");
      }
    }
    List<Owned> all = new ArrayList<>();
    claudeTokens.forEach(t -> all.add(new Owned("Claude account " + t.name(), t.token())));
    gitTokens.forEach((p, s) -> all.add(new Owned("persona " + p.id(), s)));
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        if (all.get(i).secret().sameValueAs(all.get(j).secret())) {
          throw new IllegalArgumentException(sharedMessage(all.get(i), all.get(j)));
        }
      }
    }
  }

  /**
   * Creates credentials with at least one Claude token.
   *
   * @throws IllegalArgumentException when the list is empty, or as the constructor
   */
  public static Credentials of(List<ClaudeToken> claudeTokens, Map<Persona, Secret> gitTokens) {
    if (claudeTokens.isEmpty()) {
      throw new IllegalArgumentException(
          "no Claude token; add at least one, or use Credentials.withoutClaude for a run that"
              + " starts no agent");
    }
    return new Credentials(claudeTokens, gitTokens);
  }

  /** Creates credentials that deliberately hold no Claude token. */
  public static Credentials withoutClaude(Map<Persona, Secret> gitTokens) {
    return new Credentials(List.of(), gitTokens);
  }

  /**
   * The persona's own git token.
   *
   * @throws NoSuchElementException when this run holds no token for the persona: a programming
   *     error, because sources fail earlier for every persona in the {@link CredentialNeeds}
   */
  public Secret gitToken(Persona persona) {
    Secret token = gitTokens.get(persona);
    if (token == null) {
      throw new NoSuchElementException(
          "no git token for persona "
              + persona.id()
              + " was loaded; add it to the CredentialNeeds of this run");
    }
    return token;
  }

  /** Every secret held, Claude tokens first, for the log masker. */
  public List<Secret> secrets() {
    List<Secret> secrets = new ArrayList<>();
    claudeTokens.forEach(t -> secrets.add(t.token()));
    secrets.addAll(gitTokens.values());
    return List.copyOf(secrets);
  }

  /**
   * Keeps only what a run needs: the needed and the optional personas' tokens, and the Claude
   * tokens only when Claude is needed.
   */
  public Credentials restrictTo(CredentialNeeds needs) {
    EnumMap<Persona, Secret> kept = new EnumMap<>(Persona.class);
    gitTokens.forEach(
        (persona, secret) -> {
          if (needs.keeps(persona)) {
            kept.put(persona, secret);
          }
        });
    return new Credentials(needs.claude() ? claudeTokens : List.of(), kept);
  }

  @Override
  public String toString() {
    return "Credentials[claudeTokens="
        + claudeTokens.stream().map(ClaudeToken::name).toList()
        + ", gitTokens="
        + gitTokens.keySet()
        + "]";
  }

  private static String sharedMessage(Owned a, Owned b) {
    return a.owner()
        + " ("
        + a.secret().name()
        + ") and "
        + b.owner()
        + " ("
        + b.secret().name()
        + ") have the same token; give each persona and each Claude account a token of its own";
  }

  private record Owned(String owner, Secret secret) {}
}
