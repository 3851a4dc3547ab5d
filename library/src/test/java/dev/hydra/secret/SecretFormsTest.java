package dev.hydra.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretFormsTest {

  @ParameterizedTest
  @ValueSource(ints = {8, 9, 10, 11, 36, 40, 93})
  void aCoreIsInsideEveryEncodingOfTheSecretAtItsAlignment(int length) {
    Random random = new Random(length);
    byte[] secret = new byte[length];
    random.nextBytes(secret);
    for (int before = 0; before < 9; before++) {
      for (int after = 0; after < 4; after++) {
        byte[] data = new byte[before + length + after];
        random.nextBytes(data);
        System.arraycopy(secret, 0, data, before, length);
        String encoded = Encodings.base64(data);
        assertThat(encoded).contains(SecretForms.base64Core(secret, before % 3));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "8, 0, 10",
    "8, 1, 10",
    "8, 2, 10",
    "9, 0, 12",
    "36, 0, 48",
    "36, 1, 47",
    "36, 2, 47"
  })
  void aCoreHoldsOnlyCharactersDeterminedByTheSecret(int length, int shift, int expected) {
    byte[] secret = "x".repeat(length).getBytes(StandardCharsets.UTF_8);
    assertThat(SecretForms.base64Core(secret, shift)).hasSize(expected);
  }

  @Test
  void jsonEscapes() {
    assertThat(SecretForms.json("a\"b\\c/d", false, false)).isEqualTo("a\\\"b\\\\c/d");
    assertThat(SecretForms.json("a/b", true, false)).isEqualTo("a\\/b");
    assertThat(SecretForms.json("<a&b=c>'d", false, true))
        .isEqualTo("\\u003ca\\u0026b\\u003dc\\u003e\\u0027d");
    assertThat(SecretForms.json("tab\there\n", false, false)).isEqualTo("tab\\there\\n");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 0x1f})
  void controlCharactersBecomeUnicodeEscapesAsJacksonWritesThem(int c) {
    String value = "ab" + (char) c + "cd";
    String jackson = Encodings.json(value);
    assertThat(SecretForms.json(value, false, false))
        .isEqualTo(jackson.substring(1, jackson.length() - 1));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void jsonMatchesJackson(long seed) {
    String token = TestTokens.special(seed);
    String jackson = Encodings.json(token);
    assertThat(SecretForms.json(token, false, false))
        .isEqualTo(jackson.substring(1, jackson.length() - 1));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void percentEncodingMatchesTheJdk(long seed) {
    String token = TestTokens.special(seed);
    assertThat(SecretForms.percent(token, "-_.*", "0123456789ABCDEF".toCharArray()))
        .isEqualTo(Encodings.urlEncoder(token));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void formsAreDistinctAndRawComesFirst(long seed) {
    String token = TestTokens.special(seed);
    var forms = SecretForms.of(token);
    assertThat(forms.get(0).text()).isEqualTo(token);
    assertThat(forms).extracting(SecretForms.Form::text).doesNotHaveDuplicates();
    assertThat(forms).allSatisfy(f -> assertThat(f.text().length()).isGreaterThanOrEqualTo(8));
  }
}
