package dev.hydra.credentials;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials from environment variables, as a CI job receives them from its secrets; the variable
 * names are those of {@link TokenVariables}.
 */
record EnvCredentialSource(Map<String, String> env, CredentialNeeds needs)
    implements CredentialSource {

  private static final Logger LOG = LoggerFactory.getLogger(EnvCredentialSource.class);

  /** Keeps only the token variables, not the whole environment. */
  EnvCredentialSource {
    env =
        env.entrySet().stream()
            .filter(e -> TokenVariables.isTokenVariable(e.getKey()))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Override
  public String description() {
    return "environment variables HYDRA_<PERSONA>_TOKEN and "
        + TokenVariables.CLAUDE_SINGLE
        + " or "
        + TokenVariables.CLAUDE_NUMBERED
        + "<n>";
  }

  @Override
  public Optional<Credentials> find() throws CredentialException {
    if (!TokenVariables.anySet(env)) {
      LOG.debug("no token variable is set in the environment");
      return Optional.empty();
    }
    TokenVariables.Found found = TokenVariables.read(env, key -> "environment variable " + key);
    Credentials all;
    try {
      all = new Credentials(found.claude(), found.git());
    } catch (IllegalArgumentException e) {
      throw new CredentialException("environment: " + e.getMessage());
    }
    for (Persona persona : needs.personas()) {
      if (!all.gitTokens().containsKey(persona)) {
        throw new CredentialException(
            "environment variable "
                + persona.envVariable()
                + " is not set or empty; give the "
                + persona.id()
                + " persona its own token: store it as a secret named "
                + persona.envVariable()
                + " and pass it in the job's env (a persona never borrows another's token)");
      }
    }
    if (needs.claude() && all.claudeTokens().isEmpty()) {
      throw new CredentialException(
          "no Claude token in the environment; set "
              + TokenVariables.CLAUDE_SINGLE
              + " (one account) or "
              + TokenVariables.CLAUDE_NUMBERED
              + "1, "
              + TokenVariables.CLAUDE_NUMBERED
              + "2, … (several, in the order to try them), each from its own secret");
    }
    Credentials result = all.restrictTo(needs);
    LOG.debug("credentials from the environment: {}", result);
    return Optional.of(result);
  }

  @Override
  public String toString() {
    // The record's default would print every variable of the environment.
    return "EnvCredentialSource[needs=" + needs + "]";
  }
}
