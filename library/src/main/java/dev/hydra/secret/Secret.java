package dev.hydra.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * A token that must never reach a log: {@link #toString()} prints {@code Secret[name=…, value=***]}
 * and {@link #reveal()} is the only way to the value.
 *
 * <p>A final class rather than a record, because a record would publish its value through a
 * generated accessor and {@code toString()}. The name says where the value came from ({@code
 * git_tokens.reviewer}, {@code HYDRA_REVIEWER_TOKEN}); it is not secret and is what messages show.
 *
 * <p>A value is refused when it is empty, when it contains whitespace, a control character or
 * anything outside printable ASCII (tokens travel in HTTP headers, and a stray line break or smart
 * quote is a paste error), when it is wrapped in quotes, and when it looks like a JSON object or
 * array: a structured secret is refused because the runner masks only the whole value, never the
 * fields taken out of it (security-anchors §5.2 item 16). No message ever contains the value.
 */
public final class Secret {

  /**
   * Shortest value that can be masked in logs without masking ordinary text; the credential sources
   * refuse shorter tokens and {@code SecretMasker} refuses to be built from them.
   */
  public static final int MIN_MASKABLE_LENGTH = 8;

  private static final int MAX_NAME_LENGTH = 100;

  private final String name;
  private final String value;

  private Secret(String name, String value) {
    this.name = checkName(name);
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(name + " " + problem);
    }
    this.value = value;
  }

  /**
   * Creates a secret.
   *
   * @param name where the value came from, for messages, for example {@code git_tokens.reviewer}
   * @param value the token
   * @throws IllegalArgumentException naming the problem and the fix (never the value) when the
   *     value is empty, contains whitespace, control or non-ASCII characters, is quoted, or is a
   *     JSON object or array; or when the name is blank or not printable ASCII
   */
  public static Secret of(String name, String value) {
    return new Secret(name, value);
  }

  /** Where the value came from, for messages; never the value. */
  public String name() {
    return name;
  }

  /**
   * Returns the value. Call it only where the token is handed to the process that uses it (an env
   * file, an HTTP header), never to build a message or a log line.
   */
  public String reveal() {
    return value;
  }

  /** The value's length in characters; telling it does not weaken a token. */
  public int length() {
    return value.length();
  }

  /** True when both hold the same value, compared in constant time for equal lengths. */
  public boolean sameValueAs(Secret other) {
    return MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  /** Secrets are equal when their values are; the name does not count. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Secret other && sameValueAs(other);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "Secret[name=" + name + ", value=***]";
  }

  /**
   * Describes what is wrong with a value, without quoting it.
   *
   * @return {@code null} when the value is acceptable, else the problem and the fix
   */
  public static @Nullable String problem(String value) {
    if (value.isEmpty()) {
      return "is empty; paste the token itself";
    }
    char first = value.charAt(0);
    char last = value.charAt(value.length() - 1);
    if ((first == '{' && last == '}') || (first == '[' && last == ']')) {
      return "looks like a JSON "
          + (first == '{' ? "object" : "array")
          + ": a structured secret is refused because logs would mask only the whole value, not"
          + " the fields taken out of it; store each token as its own secret";
    }
    if (value.length() >= 2 && (first == '"' || first == '\'') && last == first) {
      return "is wrapped in quotes; remove them";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String what = null;
      if (c == 0) {
        what = "a NUL character";
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.isWhitespace(c)) {
        what = "whitespace";
      } else if (c < 0x20 || c == 0x7F || Character.isISOControl(c)) {
        what = "a control character";
      } else if (c > 0x7E) {
        what = Character.isSpaceChar(c) ? "whitespace" : "a non-ASCII character";
      }
      if (what != null) {
        return "contains "
            + what
            + " at position "
            + (i + 1)
            + "; tokens are printable ASCII without spaces, so copy the token again without line"
            + " breaks, spaces or typographic quotes";
      }
    }
    return null;
  }

  private static String checkName(String name) {
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "a secret's name must be 1 to " + MAX_NAME_LENGTH + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        throw new IllegalArgumentException(
            "a secret's name must be printable ASCII, it names where the value came from");
      }
    }
    return name;
  }
}
