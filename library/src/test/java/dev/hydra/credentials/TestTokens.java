package dev.hydra.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Realistic-looking tokens made at run time, and a check that text contains none of them.
 *
 * <p>Nothing shaped like a real token is written in the sources (a hook scans history for {@code
 * gh[pousr]_…} and {@code sk-ant-…}), so prefixes are assembled here.
 */
public final class TestTokens {

  private static final String ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String URL_SAFE = ALNUM + "-_";
  private static final String SPECIAL = ALNUM + "+/=%&<>\"'$`\\!*()~#@:;,.?|^";

  /** Every token handed out, so that any message can be scanned for all of them. */
  private static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

  private TestTokens() {}

  /** A GitHub classic token: {@code gh} + {@code p_} + 36 letters and digits. */
  public static String github(long seed) {
    return issue("gh" + "p_" + random(ALNUM, 36, seed));
  }

  /** A Claude Code OAuth token shape: {@code sk-ant-oat01-} + 80 URL-safe characters. */
  public static String claude(long seed) {
    return issue("sk-" + "ant-" + "oat01-" + random(URL_SAFE, 80, seed));
  }

  /** A 40-character token full of characters that every encoding escapes. */
  public static String special(long seed) {
    return issue(random(ALNUM, 1, seed) + random(SPECIAL, 38, seed + 1) + random(ALNUM, 1, seed));
  }

  /** Registers a value as a test token (for values a test builds itself). */
  public static String issue(String token) {
    ISSUED.add(token);
    return token;
  }

  /** Asserts that no 8-character stretch of any issued token appears in the text. */
  public static void assertNoTokenIn(String text) {
    for (String token : List.copyOf(ISSUED)) {
      for (int i = 0; i + 8 <= token.length(); i++) {
        String window = token.substring(i, i + 8);
        assertThat(text).as("text must not contain a piece of a test token").doesNotContain(window);
      }
    }
  }

  /** Asserts that neither the exception's message nor any cause's message holds a test token. */
  public static void assertNoTokenIn(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      assertNoTokenIn(String.valueOf(t.getMessage()));
      assertNoTokenIn(t.toString());
    }
  }

  private static String random(String alphabet, int length, long seed) {
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
