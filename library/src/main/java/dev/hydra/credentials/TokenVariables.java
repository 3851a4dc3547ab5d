package dev.hydra.credentials;

import dev.hydra.secret.Secret;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads tokens from variables, the same way for the process environment and for {@code
 * secrets/.env}.
 *
 * <ul>
 *   <li>{@code HYDRA_BUILDER_TOKEN}, {@code HYDRA_REVIEWER_TOKEN}, {@code HYDRA_SECURITY_TOKEN},
 *       {@code HYDRA_APPLIER_TOKEN}: one per persona.
 *   <li>{@code HYDRA_CLAUDE_TOKEN_1}, {@code HYDRA_CLAUDE_TOKEN_2}, …: several Claude accounts in
 *       the order to try them, named {@code account-1}, {@code account-2}, …; or {@code
 *       CLAUDE_CODE_OAUTH_TOKEN}: one account, named {@code default}.
 *   <li>{@code HYDRA_CLAUDE_TOKENS} (a JSON list in one variable) is refused: in Actions it would
 *       be one structured secret, and the runner masks only the whole value, never the tokens taken
 *       out of it (security-anchors §5.2 item 16).
 * </ul>
 *
 * An empty value counts as unset: Actions passes a secret that does not exist as an empty string.
 */
final class TokenVariables {

  static final String CLAUDE_SINGLE = "CLAUDE_CODE_OAUTH_TOKEN";
  static final String CLAUDE_NUMBERED = "HYDRA_CLAUDE_TOKEN_";
  static final String CLAUDE_STRUCTURED = "HYDRA_CLAUDE_TOKENS";
  static final String SINGLE_NAME = "default";
  private static final int MAX_NUMBERED = 99;
  private static final Pattern NUMBERED = Pattern.compile("HYDRA_CLAUDE_TOKEN_(.*)");
  private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]?");

  /** What was found: Claude tokens in order, and the personas' tokens. */
  record Found(List<ClaudeToken> claude, Map<Persona, Secret> git) {}

  private TokenVariables() {}

  /** True when the variable is one this class reads. */
  static boolean isTokenVariable(String key) {
    if (key.equals(CLAUDE_SINGLE)
        || key.equals(CLAUDE_STRUCTURED)
        || key.startsWith(CLAUDE_NUMBERED)) {
      return true;
    }
    for (Persona persona : Persona.values()) {
      if (persona.envVariable().equals(key)) {
        return true;
      }
    }
    return false;
  }

  /** True when at least one token variable has a non-empty value. */
  static boolean anySet(Map<String, String> values) {
    return values.entrySet().stream()
        .anyMatch(e -> isTokenVariable(e.getKey()) && !e.getValue().isEmpty());
  }

  /**
   * Reads the token variables.
   *
   * @param values variable name to value
   * @param label how a variable is named in messages, for example {@code k -> "secrets/.env line 3:
   *     " + k}
   * @throws CredentialException when a value is unusable, the numbering has a gap, the structured
   *     variable is set, or the single and numbered Claude forms disagree
   */
  static Found read(Map<String, String> values, Function<String, String> label)
      throws CredentialException {
    EnumMap<Persona, Secret> git = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      String key = persona.envVariable();
      String value = values.getOrDefault(key, "");
      if (!value.isEmpty()) {
        git.put(persona, Tokens.secret(key, value, p -> label.apply(key) + " " + p));
      }
    }
    if (!values.getOrDefault(CLAUDE_STRUCTURED, "").isEmpty()) {
      throw new CredentialException(
          label.apply(CLAUDE_STRUCTURED)
              + " holds several tokens in one value, a structured secret whose parts logs would"
              + " not mask; put each token in its own variable: "
              + CLAUDE_NUMBERED
              + "1, "
              + CLAUDE_NUMBERED
              + "2, … in the order to try them");
    }
    TreeMap<Integer, Secret> numbered = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
      Matcher m = NUMBERED.matcher(e.getKey());
      if (!m.matches() || e.getValue().isEmpty()) {
        continue;
      }
      String key = e.getKey();
      if (!NUMBER.matcher(m.group(1)).matches()) {
        throw new CredentialException(
            label.apply(safeKey(key))
                + " is not numbered; name the Claude token variables "
                + CLAUDE_NUMBERED
                + "1 to "
                + CLAUDE_NUMBERED
                + MAX_NUMBERED
                + " in the order to try them");
      }
      numbered.put(
          Integer.parseInt(m.group(1)),
          Tokens.secret(key, e.getValue(), p -> label.apply(key) + " " + p));
    }
    int expected = 1;
    for (int n : numbered.keySet()) {
      if (n != expected) {
        throw new CredentialException(
            label.apply(CLAUDE_NUMBERED + n)
                + " is set but "
                + CLAUDE_NUMBERED
                + expected
                + " is not; number the Claude tokens from 1 without gaps");
      }
      expected++;
    }
    List<ClaudeToken> claude = new ArrayList<>();
    numbered.forEach((n, secret) -> claude.add(new ClaudeToken("account-" + n, secret)));

    String single = values.getOrDefault(CLAUDE_SINGLE, "");
    if (!single.isEmpty()) {
      Secret secret =
          Tokens.secret(CLAUDE_SINGLE, single, p -> label.apply(CLAUDE_SINGLE) + " " + p);
      if (claude.isEmpty()) {
        claude.add(new ClaudeToken(SINGLE_NAME, secret));
      } else if (claude.stream().noneMatch(t -> t.token().sameValueAs(secret))) {
        throw new CredentialException(
            label.apply(CLAUDE_SINGLE)
                + " is set besides "
                + CLAUDE_NUMBERED
                + "1… and is none of them; set one or the other, so that the order of the"
                + " accounts is clear");
      }
    }
    return new Found(claude, git);
  }

  /** A variable name for messages: names that could be a pasted token are not repeated. */
  private static String safeKey(String key) {
    return key.length() <= CLAUDE_NUMBERED.length() + 10 ? key : CLAUDE_NUMBERED + "…";
  }
}
