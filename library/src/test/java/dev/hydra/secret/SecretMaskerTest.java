package dev.hydra.secret;

import static dev.hydra.secret.Encodings.base64;
import static dev.hydra.secret.Encodings.base64NoPad;
import static dev.hydra.secret.Encodings.base64Url;
import static dev.hydra.secret.Encodings.base64UrlNoPad;
import static dev.hydra.secret.Encodings.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretMaskerTest {

  static final String GITHUB = TestTokens.github(1);
  static final String CLAUDE = TestTokens.claude(2);
  static final String SPECIAL = TestTokens.special(3);
  static final SecretMasker MASKER = masker(GITHUB, CLAUDE, SPECIAL);

  static SecretMasker masker(String... values) {
    List<Secret> secrets = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      secrets.add(Secret.of("secret-" + i, values[i]));
    }
    return SecretMasker.of(secrets);
  }

  /** A named way to write a secret into output. */
  record Form(String name, BiFunction<String, Random, String> write) {
    @Override
    public String toString() {
      return name;
    }
  }

  static byte[] randomBytes(Random random, int max) {
    byte[] bytes = new byte[random.nextInt(max + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  static String embedded(String secret, Random random, BiFunction<byte[], Boolean, String> enc) {
    String raw = Encodings.concat(randomBytes(random, 7), utf8(secret), randomBytes(random, 7));
    return enc.apply(raw.getBytes(StandardCharsets.ISO_8859_1), random.nextBoolean());
  }

  static final List<Form> FORMS =
      List.of(
          new Form("raw", (s, r) -> s),
          new Form("base64", (s, r) -> base64(utf8(s))),
          new Form("base64 without padding", (s, r) -> base64NoPad(utf8(s))),
          new Form("base64url", (s, r) -> base64Url(utf8(s))),
          new Form("base64url without padding", (s, r) -> base64UrlNoPad(utf8(s))),
          new Form(
              "base64 inside a longer blob",
              (s, r) -> embedded(s, r, (b, pad) -> pad ? base64(b) : base64NoPad(b))),
          new Form(
              "base64url inside a longer blob",
              (s, r) -> embedded(s, r, (b, pad) -> pad ? base64Url(b) : base64UrlNoPad(b))),
          new Form("basic auth x-access-token", (s, r) -> base64(utf8("x-access-token:" + s))),
          new Form(
              "basic auth header",
              (s, r) -> "Authorization: Basic " + base64(utf8("x-access-token:" + s))),
          new Form("basic auth, user of length 0 to 5", (s, r) -> base64(utf8(user(r) + ":" + s))),
          new Form("URLEncoder", (s, r) -> Encodings.urlEncoder(s)),
          new Form(
              "URLEncoder, lower-case hex", (s, r) -> Encodings.lowerHex(Encodings.urlEncoder(s))),
          new Form("encodeURIComponent", (s, r) -> Encodings.encodeUriComponent(s)),
          new Form(
              "encodeURIComponent, lower-case hex",
              (s, r) -> Encodings.lowerHex(Encodings.encodeUriComponent(s))),
          new Form("token in a URL", (s, r) -> "https://x-access-token:" + s + "@github.com/o/r"),
          new Form("JSON string (Jackson)", (s, r) -> Encodings.json(s)),
          new Form("JSON with escaped slash", (s, r) -> Encodings.json(s).replace("/", "\\/")),
          new Form("JSON string in a JSON string", (s, r) -> Encodings.json(Encodings.json(s))),
          new Form("JSON object", (s, r) -> "{\"token\":" + Encodings.json(s) + "}"),
          new Form("XML", (s, r) -> "<t>" + Encodings.xml(s) + "</t>"),
          new Form("shell, single-quoted", (s, r) -> Encodings.shellSingleQuoted(s)),
          new Form(
              "shell, double-quoted",
              (s, r) ->
                  "\""
                      + s.replace("\\", "\\\\")
                          .replace("\"", "\\\"")
                          .replace("$", "\\$")
                          .replace("`", "\\`")
                      + "\""));

  static String user(Random random) {
    return "bot-user".substring(0, random.nextInt(6));
  }

  static Stream<Arguments> everyFormOfEveryToken() {
    List<Arguments> cases = new ArrayList<>();
    Map<String, String> tokens = Map.of("github", GITHUB, "claude", CLAUDE, "special", SPECIAL);
    tokens.forEach(
        (kind, token) -> {
          for (Form form : FORMS) {
            for (int seed = 0; seed < 3; seed++) {
              cases.add(Arguments.of(kind, form, token, seed));
            }
          }
        });
    return cases.stream();
  }

  @Nested
  class Forms {
    @ParameterizedTest(name = "{0} token, {1}, seed {3}")
    @MethodSource("dev.hydra.secret.SecretMaskerTest#everyFormOfEveryToken")
    void everyFormIsMasked(String kind, Form form, String token, int seed) {
      String encoded = form.write().apply(token, new Random(seed));
      String line = "2026-11-22T10:00:00Z step: " + encoded + " (done)";
      String masked = MASKER.mask(line);
      assertThat(masked)
          .contains(SecretMasker.MASK)
          .startsWith("2026-11-22T10:00:00Z step: ")
          .endsWith(" (done)")
          .doesNotContain(encoded);
      Oracle.assertNothingRecoverable(masked, token);
    }

    @Test
    void theWholeBasicAuthValueGoes() {
      String header = "Authorization: Basic " + base64(utf8("x-access-token:" + GITHUB));
      assertThat(MASKER.mask(header)).isEqualTo("Authorization: Basic ***");
    }

    @Test
    void paddingAndPartialCharactersGoWithTheSecret() {
      assertThat(MASKER.mask("[" + base64(utf8(GITHUB)) + "]")).isEqualTo("[***]");
      assertThat(MASKER.mask("[" + base64Url(utf8(CLAUDE)) + "]")).isEqualTo("[***]");
      assertThat(MASKER.mask("[" + base64(utf8("a:" + GITHUB)) + "]"))
          .isEqualTo("[" + base64(utf8("a:")).substring(0, 2) + "***]");
    }

    @Test
    void printfPercentQOfBash() throws Exception {
      Process bash;
      try {
        bash = new ProcessBuilder("bash", "-c", "printf '%q' \"$1\"", "_", SPECIAL).start();
      } catch (java.io.IOException noBash) {
        org.junit.jupiter.api.Assumptions.abort("bash is not installed");
        return;
      }
      String quoted = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(bash.waitFor()).isZero();
      assertThat(quoted).isNotEqualTo(SPECIAL);
      assertThat(MASKER.mask("+ curl -H " + quoted)).isEqualTo("+ curl -H ***");
    }
  }

  @Nested
  class Unchanged {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "plain text",
          "::group::build",
          "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0",
          "日本語のテキスト 🔑 e\u0301 \u202e reversed",
          "***",
        })
    void linesWithoutSecretsAreReturnedAsTheyAre(String line) {
      assertThat(MASKER.mask(line)).isSameAs(line);
    }

    @Test
    void nearMissesAreNotMasked() {
      String almost = GITHUB.substring(0, GITHUB.length() - 1);
      String changed = almost + (GITHUB.endsWith("x") ? "y" : "x");
      String line = almost + " " + changed + " " + GITHUB.substring(1);
      assertThat(MASKER.mask(line)).isSameAs(line);
    }

    @Test
    void aMaskerWithoutSecretsMasksNothing() {
      assertThat(SecretMasker.of(List.of()).isEmpty()).isTrue();
      assertThat(SecretMasker.NONE.mask(GITHUB)).isSameAs(GITHUB);
      assertThat(MASKER.isEmpty()).isFalse();
    }
  }

  @Nested
  class Overlaps {
    @Test
    void theLongerSecretWinsWhenOneContainsTheOther() {
      String longer = TestTokens.issue(GITHUB + "EXTRA12");
      SecretMasker masker = masker(GITHUB, longer);
      assertThat(masker.mask("a " + longer + " b")).isEqualTo("a *** b");
      assertThat(masker(longer, GITHUB).mask("a " + longer + " b")).isEqualTo("a *** b");
      assertThat(masker.mask("a " + GITHUB + " b")).isEqualTo("a *** b");
    }

    @Test
    void overlappingSecretsLeaveNoFragment() {
      String left = "abcdefgh1234";
      String right = "gh1234ijklmn";
      SecretMasker masker = masker(left, right);
      assertThat(masker.mask("<abcdefgh1234ijklmn>")).isEqualTo("<***>");
    }

    @Test
    void adjacentOccurrencesBecomeOneMask() {
      assertThat(MASKER.mask(GITHUB + GITHUB + CLAUDE)).isEqualTo("***");
      assertThat(MASKER.mask(GITHUB + " " + GITHUB)).isEqualTo("*** ***");
    }

    @Test
    void unicodeAroundASecretIsKept() {
      String line = "🔑\u200d" + GITHUB + "日本\uD800" + base64(utf8(CLAUDE)) + "e\u0301";
      assertThat(MASKER.mask(line)).isEqualTo("🔑\u200d***日本\uD800***e\u0301");
    }
  }

  @Nested
  class Hostile {
    static final Duration LIMIT = Duration.ofSeconds(10);

    @Test
    void aMegabyteOfNearMissesIsLinear() {
      String almost = GITHUB.substring(0, GITHUB.length() - 1);
      String line = almost.repeat(1_000_000 / almost.length());
      String masked = assertTimeoutPreemptively(LIMIT, () -> MASKER.mask(line));
      assertThat(masked).isSameAs(line);
    }

    @Test
    void aMegabyteOfOneRepeatedCharacterMasksAsOne() {
      SecretMasker masker = masker("aaaaaaaa");
      String line = "a".repeat(1_000_000);
      assertThat(assertTimeoutPreemptively(LIMIT, () -> masker.mask("<" + line + ">")))
          .isEqualTo("<***>");
    }

    @Test
    void aMegabyteWithManySecretsMasksEveryOne() {
      StringBuilder line = new StringBuilder();
      int count = 0;
      while (line.length() < 1_000_000) {
        line.append("x".repeat(count % 97)).append(' ');
        line.append(count % 2 == 0 ? GITHUB : base64(utf8("x-access-token:" + GITHUB)));
        line.append(' ');
        count++;
      }
      String masked = assertTimeoutPreemptively(LIMIT, () -> MASKER.mask(line.toString()));
      assertThat(masked.split("\\*\\*\\*", -1)).hasSize(count + 1);
      Oracle.assertNothingRecoverable(masked, GITHUB);
    }

    @Test
    void aMegabyteOfRandomBase64IsLeftAlone() {
      byte[] bytes = new byte[750_000];
      new Random(7).nextBytes(bytes);
      String line = base64(bytes);
      assertThat(assertTimeoutPreemptively(LIMIT, () -> MASKER.mask(line))).isSameAs(line);
    }

    @Test
    void manySecretsStillScanInLinearTime() {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        values.add(TestTokens.github(1000 + i));
      }
      SecretMasker masker = masker(values.toArray(String[]::new));
      String line = String.join(" ", values).repeat(200);
      String masked = assertTimeoutPreemptively(LIMIT, () -> masker.mask(line));
      assertThat(masked).matches("(\\*\\*\\* )*\\*\\*\\*");
    }
  }

  @Nested
  class Construction {
    @Test
    void aSecretShorterThanEightCharactersIsRefused() {
      Secret shortOne = Secret.of("HYDRA_TEST_TOKEN", "abc1234");
      assertThatThrownBy(() -> SecretMasker.of(List.of(shortOne)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "secret HYDRA_TEST_TOKEN has 7 characters; at least 8 are needed to mask it without"
                  + " masking ordinary text, so use the real token");
    }

    @Test
    void fromCredentialsMasksEveryToken() {
      Credentials credentials =
          Credentials.of(
              List.of(ClaudeToken.of("account-1", Secret.of("c", CLAUDE))),
              Map.of(Persona.BUILDER, Secret.of("b", GITHUB)));
      SecretMasker masker = SecretMasker.of(credentials.secrets());
      assertThat(masker.mask(CLAUDE + " " + GITHUB + " " + SPECIAL))
          .isEqualTo("*** *** " + SPECIAL);
    }
  }

  @Nested
  class Property {
    static final String PRINTABLE =
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    static final String[] ALPHABETS = {
      PRINTABLE,
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_",
      "äöüßéèñ日本語한국어🔑😀\u200b\u202e\t",
      "%0123456789ABCDEFabcdef",
    };

    static String randomText(Random random, int max) {
      String alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)];
      int length = random.nextInt(max + 1);
      StringBuilder out = new StringBuilder(length);
      while (out.length() < length) {
        int at = random.nextInt(alphabet.length());
        out.append(
            Character.isHighSurrogate(alphabet.charAt(at))
                ? alphabet.substring(at, at + 2)
                : String.valueOf(alphabet.charAt(at)));
      }
      return out.toString();
    }

    static IntStream seeds() {
      return IntStream.range(0, 600);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aSecretInsertedAnywhereInAnyFormIsMasked(int seed) {
      Random random = new Random(seed);
      String secret =
          switch (random.nextInt(3)) {
            case 0 -> TestTokens.github(10_000 + seed);
            case 1 -> TestTokens.claude(10_000 + seed);
            default -> TestTokens.special(10_000 + seed);
          };
      SecretMasker masker = masker(TestTokens.github(20_000 + seed), secret);
      Form form = FORMS.get(random.nextInt(FORMS.size()));
      String encoded = form.write().apply(secret, random);
      String line = randomText(random, 120) + encoded + randomText(random, 120);

      String masked = masker.mask(line);

      assertThat(masked).as(form.name()).contains(SecretMasker.MASK).doesNotContain(encoded);
      Oracle.assertNothingRecoverable(masked, secret);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aLineWithoutSecretsIsUnchanged(int seed) {
      Random random = new Random(seed);
      String line = randomText(random, 400) + randomText(random, 400);
      assertThat(MASKER.mask(line)).isSameAs(line);
    }
  }
}
