package dev.hydra.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Checks masked text independently of how the masker works: the secret must not be readable in it,
 * raw, percent-decoded or base64-decoded at any alignment.
 */
final class Oracle {

  private static final int WINDOW = 8;

  private Oracle() {}

  static void assertNothingRecoverable(String masked, String secret) {
    assertNoWindow(masked, secret, "raw");
    try {
      assertNoWindow(URLDecoder.decode(masked, StandardCharsets.UTF_8), secret, "percent-decoded");
    } catch (IllegalArgumentException notPercentEncoded) {
      // Text that is not valid percent-encoding cannot hide a percent-encoded secret either.
    }
    byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
    int i = 0;
    while (i < masked.length()) {
      if (!isBase64(masked.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < masked.length() && isBase64(masked.charAt(i))) {
        i++;
      }
      String run = masked.substring(start, i).replace('-', '+').replace('_', '/').replace("=", "");
      for (int offset = 0; offset < 4 && offset < run.length(); offset++) {
        String aligned = run.substring(offset);
        aligned = aligned.substring(0, aligned.length() - aligned.length() % 4);
        byte[] decoded = Base64.getDecoder().decode(aligned);
        String asText = new String(decoded, StandardCharsets.ISO_8859_1);
        assertNoWindow(
            asText, new String(secretBytes, StandardCharsets.ISO_8859_1), "base64-decoded " + run);
      }
    }
  }

  private static void assertNoWindow(String text, String secret, String how) {
    for (int k = 0; k + WINDOW <= secret.length(); k++) {
      String window = secret.substring(k, k + WINDOW);
      assertThat(text).as("%s text holds part of the secret", how).doesNotContain(window);
    }
  }

  private static boolean isBase64(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/'
        || c == '-'
        || c == '_'
        || c == '=';
  }
}
