package dev.hydra.credentials;

import dev.hydra.secret.Secret;
import java.util.regex.Pattern;

/**
 * One Claude account's token, named so that logs and messages can say which account is in use
 * without showing the token.
 *
 * @param name the account's name, for example {@code account-1}: a letter or digit, then up to 63
 *     letters, digits, {@code . _ @ + -}
 * @param token the OAuth token ({@code claude setup-token}) or API key
 */
public record ClaudeToken(String name, Secret token) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");

  /**
   * Checks the name.
   *
   * @throws IllegalArgumentException when the name is not of the documented form
   */
  public ClaudeToken {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "a Claude account name must be a letter or digit followed by up to 63 letters, digits,"
              + " '.', '_', '@', '+' or '-', for example account-1");
    }
  }

  /** Creates a named token. */
  public static ClaudeToken of(String name, Secret token) {
    return new ClaudeToken(name, token);
  }

  /** True when the text can name a Claude account. */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }
}
