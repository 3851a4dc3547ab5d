package dev.hydra.ops;

import dev.hydra.credentials.CredentialException;
import dev.hydra.credentials.CredentialNeeds;
import dev.hydra.credentials.CredentialSources;
import dev.hydra.credentials.Credentials;
import dev.hydra.ops.Doctor.Row;
import dev.hydra.ops.Doctor.Status;
import dev.hydra.text.Texts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Doctor's Claude rows: the tokens read exactly as a stage reads them ({@code
 * HYDRA_CLAUDE_TOKEN_1}, {@code _2}, … or {@code CLAUDE_CODE_OAUTH_TOKEN}) and counted. None fails
 * (no stage can start an agent); one warns, because rotation moves to the next account when one is
 * rate-limited and one account has no next. Never a token value, only how many and their names.
 */
public final class ClaudeTokenCheck {

  /** The fix that names where Claude tokens come from. */
  static final String HOW =
      "run `claude setup-token` once per Claude account and store each token as a secret:"
          + " HYDRA_CLAUDE_TOKEN_1, HYDRA_CLAUDE_TOKEN_2, … in the order to try them";

  private ClaudeTokenCheck() {}

  /**
   * The Claude rows.
   *
   * @param env the environment the stages would read
   */
  public static List<Row> rows(Map<String, String> env) {
    Optional<Credentials> found;
    try {
      found = CredentialSources.env(env, new CredentialNeeds(Set.of(), true)).find();
    } catch (CredentialException | IllegalArgumentException e) {
      return List.of(
          Row.fail("claude", "tokens", Texts.oneLine(String.valueOf(e.getMessage())), HOW));
    }
    List<String> names =
        found.map(c -> c.claudeTokens().stream().map(t -> t.name()).toList()).orElse(List.of());
    if (names.isEmpty()) {
      return List.of(Row.fail("claude", "tokens", "no Claude token is set", HOW));
    }
    if (names.size() == 1) {
      return List.of(
          new Row(
              "claude",
              "tokens",
              Status.WARN,
              "one token ("
                  + names.get(0)
                  + "): when its account is rate-limited, rotation has"
                  + " no other account to move to and the stage fails",
              "add HYDRA_CLAUDE_TOKEN_2 from a second Claude account"
                  + " (`claude setup-token` while logged in as it)"));
    }
    return List.of(
        new Row(
            "claude",
            "tokens",
            Status.OK,
            names.size() + " tokens, tried in order: " + String.join(", ", names),
            ""));
  }
}
