package dev.hydra.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.TestTokens;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretTest {

  static final String TOKEN = TestTokens.github(1);

  @Nested
  class Redaction {
    @Test
    void toStringShowsTheNameNeverTheValue() {
      Secret secret = Secret.of("git_tokens.reviewer", TOKEN);
      assertThat(secret).hasToString("Secret[name=git_tokens.reviewer, value=***]");
      assertThat(String.valueOf(secret)).doesNotContain(TOKEN);
    }

    @Test
    void revealReturnsTheValue() {
      assertThat(Secret.of("x", TOKEN).reveal()).isEqualTo(TOKEN);
      assertThat(Secret.of("x", TOKEN).length()).isEqualTo(TOKEN.length());
    }

    @Test
    void recordsHoldingASecretStayRedacted() {
      ClaudeToken token = ClaudeToken.of("account-1", Secret.of("claude_tokens[0].token", TOKEN));
      assertThat(token.toString()).doesNotContain(TOKEN).contains("account-1", "***");
    }
  }

  @Nested
  class Equality {
    @Test
    void equalByValueWhateverTheName() {
      Secret a = Secret.of("HYDRA_BUILDER_TOKEN", TOKEN);
      Secret b = Secret.of("git_tokens.builder", TOKEN);
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(a.sameValueAs(b)).isTrue();
    }

    @Test
    void differentValuesDiffer() {
      Secret a = Secret.of("a", TOKEN);
      Secret b = Secret.of("a", TestTokens.github(2));
      Secret prefix = Secret.of("a", TOKEN.substring(0, TOKEN.length() - 1));
      assertThat(a).isNotEqualTo(b).isNotEqualTo(prefix);
      assertThat((Object) a).as("never equal to the bare string").isNotEqualTo(TOKEN);
    }

    @Test
    void worksAsASetElement() {
      Set<Secret> set = new HashSet<>();
      set.add(Secret.of("a", TOKEN));
      set.add(Secret.of("b", TOKEN));
      assertThat(set).hasSize(1);
    }
  }

  @Nested
  class Refused {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiterString = "|",
        value = {
          "empty                 | ''                  | is empty",
          "space                 | 'abc def12345'      | contains whitespace at position 4",
          "leading space         | ' abcdef12345'      | contains whitespace at position 1",
          "tab                   | 'abc\tdef12345'     | contains whitespace at position 4",
          "JSON object           | '{\"a\":\"b\"}'     | looks like a JSON object",
          "JSON array            | '[\"abcdefgh\"]'    | looks like a JSON array",
          "double-quoted         | '\"abcdefgh\"'      | is wrapped in quotes",
          "single-quoted         | '''abcdefgh'''      | is wrapped in quotes",
          "non-ASCII             | 'abc\u00e9defgh'    | contains a non-ASCII character at position 4",
          "typographic quote     | '\u201cabcdefgh'    | contains a non-ASCII character at position 1",
          "no-break space        | 'abc\u00a0defgh'    | contains whitespace at position 4",
          "zero-width space      | 'abc\u200bdefgh'    | contains a non-ASCII character at position 4",
        })
    void withAMessageNamingTheSecretNotTheValue(String what, String value, String problem) {
      String unescaped = value.replace("\\t", "\t");
      assertThatThrownBy(() -> Secret.of("HYDRA_BUILDER_TOKEN", unescaped))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("HYDRA_BUILDER_TOKEN " + problem)
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .doesNotContain(unescaped.isEmpty() ? "\0" : unescaped));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 0x1b, 0x7f, 0x85})
    void controlCharactersAndNul(int c) {
      String value = "abcd" + (char) c + "efgh";
      assertThatThrownBy(() -> Secret.of("t", value))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c == 0 ? "a NUL character" : "at position 5");
    }

    @Test
    void lineBreaks() {
      assertThatThrownBy(() -> Secret.of("t", TOKEN + "\n"))
          .hasMessageContaining("whitespace at position " + (TOKEN.length() + 1))
          .satisfies(e -> TestTokens.assertNoTokenIn(e));
      assertThatThrownBy(() -> Secret.of("t", TOKEN + "\r\n")).hasMessageContaining("whitespace");
    }

    @Test
    void structuredSecretHoldingARealToken() {
      String blob = "{\"token\":\"" + TOKEN + "\"}";
      assertThatThrownBy(() -> Secret.of("HYDRA_BUILDER_TOKEN", blob))
          .hasMessageContaining("structured secret is refused")
          .satisfies(e -> TestTokens.assertNoTokenIn(e));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a\nb", "caf\u00e9"})
    void badNames(String name) {
      assertThatThrownBy(() -> Secret.of(name, TOKEN))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name");
    }
  }
}
