package dev.hydra.demo;

import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.secret.Secret;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The credentials of {@code hydra demo}: one fake git token per persona and one fake Claude token,
 * each clearly labelled as not real. No account stands behind any of them and the demo images'
 * scripted agent opens no connection, but they travel exactly like real tokens — through the
 * env-file, never on a command line — and are masked in every line the demo prints, so the demo
 * shows the real handling of secrets.
 */
public final class DemoCredentials {

  /** The name of the demo's one Claude account. */
  public static final String CLAUDE_ACCOUNT = "demo-account";

  /** The fake Claude token: not a credential of any account. */
  public static final String CLAUDE_TOKEN = "hydra-demo-claude-token-NOT-A-REAL-SECRET-7f3a91";

  private DemoCredentials() {}

  /** The fake git token of a persona, for example {@code hydra-demo-builder-token-NOT-A-REAL…}. */
  public static String gitToken(Persona persona) {
    return "hydra-demo-" + persona.id().toLowerCase(Locale.ROOT) + "-token-NOT-A-REAL-SECRET-5e1";
  }

  /** Every persona's fake git token and the fake Claude token. */
  public static Credentials create() {
    Map<Persona, Secret> git = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      git.put(persona, Secret.of("demo " + persona.id() + " token (not real)", gitToken(persona)));
    }
    return Credentials.of(
        List.of(
            ClaudeToken.of(
                CLAUDE_ACCOUNT, Secret.of("demo Claude token (not real)", CLAUDE_TOKEN))),
        git);
  }
}
