package dev.hydra.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.TestTokens;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SecretMasker#maskDecoded}: a token visible only once JSON escapes are decoded. */
class MaskDecodedTest {

  static final String TOKEN = TestTokens.github(5101);
  static final String SPECIAL = TestTokens.special(5102);
  static final SecretMasker MASKER =
      SecretMasker.of(List.of(Secret.of("a", TOKEN), Secret.of("b", SPECIAL)));

  static String everyChar(String s, String format) {
    StringBuilder out = new StringBuilder();
    s.chars().forEach(c -> out.append(String.format(format, c)));
    return out.toString();
  }

  static String everyOther(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/') {
        out.append("\\/");
      } else if (i % 3 == 0 || c == '"' || c == '\\') {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\u%04x", "\\u%04X"})
  void everyCharacterEscapedIsMaskedInsideLongerText(String format) {
    for (String token : List.of(TOKEN, SPECIAL)) {
      String line = "{\"message\":\"before " + everyChar(token, format) + " after\\n\"}";
      String shown = MASKER.maskDecoded(line);
      TestTokens.assertNoTokenIn(shown);
      TestTokens.assertNoTokenIn(SecretMasker.unescapeJson(shown));
      assertThat(shown).contains("before *** after\\n").doesNotContain("\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"x ", "", "HYDRA-VERDICT {\"summary\":\"", "\\\\"})
  void mixedEscapesAreMasked(String prefix) {
    for (String token : List.of(TOKEN, SPECIAL)) {
      String shown = MASKER.maskDecoded(prefix + everyOther(token) + "\"}");
      TestTokens.assertNoTokenIn(shown);
      TestTokens.assertNoTokenIn(SecretMasker.unescapeJson(shown));
      assertThat(shown).contains("***");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "plain text",
        "{\"a\":\"b\\n\\u0041\"}",
        "a backslash \\ and \\u12 and \\uZZZZ",
        "C:\\\\path\\\\file"
      })
  void linesWithoutASecretAreLeftAsTheyAre(String line) {
    assertThat(MASKER.maskDecoded(line)).isSameAs(line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\u000a", "\\u000D", "\\u2028", "\\n"})
  void escapedLineBreaksStayEscaped(String lineBreak) {
    String shown = MASKER.maskDecoded("a" + lineBreak + "::add-mask::" + everyOther(TOKEN));
    assertThat(shown).doesNotContain("\n", "\r", "\u2028").contains("***");
  }
}
