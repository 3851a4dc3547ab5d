package dev.hydra.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TextsTest {

  @Nested
  class Quote {

    static Stream<Arguments> table() {
      return Stream.of(
          Arguments.of("ready-to-build", "`ready-to-build`"),
          Arguments.of("", "``"),
          Arguments.of("a b", "`a b`"),
          Arguments.of("a\nb", "`a\\u000Ab`"),
          Arguments.of("a\rb", "`a\\u000Db`"),
          Arguments.of("a\r\n::add-mask::x", "`a\\u000D\\u000A::add-mask::x`"),
          Arguments.of("a\tb", "`a\\u0009b`"),
          Arguments.of("a\u0000b", "`a\\u0000b`"),
          Arguments.of("\u007F", "`\\u007F`"),
          Arguments.of("\u0085", "`\\u0085`"),
          Arguments.of("\u009B[31m", "`\\u009B[31m`"),
          Arguments.of("\u001B[31mred", "`\\u001B[31mred`"),
          Arguments.of("abc\u202Efed", "`abc\\u202Efed`"),
          Arguments.of("a\u200Bb", "`a\\u200Bb`"),
          Arguments.of("a\u200Db", "`a\\u200Db`"),
          Arguments.of("\uFEFFa", "`\\uFEFFa`"),
          Arguments.of("a\u2028b\u2029c", "`a\\u2028b\\u2029c`"),
          Arguments.of("a\u00A0b", "`a\\u00A0b`"),
          Arguments.of("a\u3000b", "`a\\u3000b`"),
          Arguments.of("\uDB40\uDC41", "`\\U000E0041`"),
          Arguments.of("x\uD800y", "`x\\uD800y`"),
          Arguments.of("\uDC00", "`\\uDC00`"),
          Arguments.of("\uE000", "`\\uE000`"),
          Arguments.of("\u0378", "`\\u0378`"),
          Arguments.of("::add-mask::x", "`\\u003A:add-mask::x`"),
          Arguments.of("  ::error::x", "`  \\u003A:error::x`"),
          Arguments.of("a::b", "`a::b`"),
          Arguments.of("##[error]x", "`##\\u005Berror]x`"),
          Arguments.of("a ##[group]b ##[x", "`a ##\\u005Bgroup]b ##\\u005Bx`"),
          Arguments.of("#[", "`#[`"),
          Arguments.of("a`b", "`a\\u0060b`"),
          Arguments.of("``", "`\\u0060\\u0060`"),
          Arguments.of("a\\b", "`a\\\\b`"),
          Arguments.of("\\u000A", "`\\\\u000A`"),
          Arguments.of("${{ secrets.X }}", "`${{ secrets.X }}`"),
          Arguments.of("ready-to-bu\u0456ld", "`ready-to-bu\u0456ld`"),
          Arguments.of("Grüße 世界", "`Grüße 世界`"),
          Arguments.of("🚀", "`🚀`"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("table")
    void quote(String value, String quoted) {
      assertThat(Texts.quote(value)).isEqualTo(quoted);
    }

    @Test
    void escapedBackslashCannotBeConfusedWithAnEscape() {
      // A literal backslash-u in the input must look different from an escaped character.
      assertThat(Texts.quote("\\u000A")).isNotEqualTo(Texts.quote("\n"));
    }

    @Test
    void eightyCodePointsAreShownInFull() {
      String value = "a".repeat(80);

      assertThat(Texts.quote(value)).isEqualTo("`" + value + "`");
    }

    @Test
    void eightyOneAreCut() {
      assertThat(Texts.quote("a".repeat(81))).isEqualTo("`" + "a".repeat(80) + "…(1 more)`");
    }

    @Test
    void cutCountsCodePointsNotChars() {
      String rockets = "🚀".repeat(100);

      assertThat(Texts.quote(rockets)).isEqualTo("`" + "🚀".repeat(80) + "…(20 more)`");
    }

    @Test
    void cutCountsEscapedCharactersOnce() {
      String value = "\n".repeat(100);

      assertThat(Texts.quote(value)).isEqualTo("`" + "\\u000A".repeat(80) + "…(20 more)`");
    }

    @Test
    void hugeValueStaysSmall() {
      assertThat(Texts.quote("x".repeat(1_000_000))).hasSize(80 + "`…(999920 more)`".length());
    }
  }

  @Nested
  class Escape {

    @Test
    void customLimit() {
      assertThat(Texts.escape("abcdef", 3)).isEqualTo("abc…(3 more)");
      assertThat(Texts.escape("abc", 3)).isEqualTo("abc");
      assertThat(Texts.escape("abc", 0)).isEqualTo("…(3 more)");
      assertThat(Texts.escape("", 0)).isEmpty();
    }

    @Test
    void noBackticksAround() {
      assertThat(Texts.escape("a\nb", 80)).isEqualTo("a\\u000Ab");
    }
  }

  @Nested
  class OneLine {

    static Stream<Arguments> table() {
      return Stream.of(
          Arguments.of("plain", "plain"),
          Arguments.of("a\nb", "a\\u000Ab"),
          Arguments.of("a\r\nb", "a\\u000D\\u000Ab"),
          Arguments.of("a\u0000b", "a\\u0000b"),
          Arguments.of("a\tb", "a\\u0009b"),
          Arguments.of("a\u007Fb", "a\\u007Fb"),
          Arguments.of("a\u0085b", "a\\u0085b"),
          Arguments.of("a\u2028b", "a\\u2028b"),
          Arguments.of("a\u2029b", "a\\u2029b"),
          // Line structure, hidden characters and workflow commands are oneLine's business;
          // backslashes and backticks are quote()'s.
          Arguments.of("a`b\\c", "a`b\\c"),
          Arguments.of("a\u202Eb", "a\\u202Eb"),
          Arguments.of("a\u2066b\u2069", "a\\u2066b\\u2069"),
          Arguments.of("a\u200Bb\u200D\u2060\uFEFF", "a\\u200Bb\\u200D\\u2060\\uFEFF"),
          Arguments.of("\u200E\u200F\u061C", "\\u200E\\u200F\\u061C"),
          Arguments.of("a\uDB40\uDC41", "a\\U000E0041"),
          Arguments.of("::add-mask::x", "\\u003A:add-mask::x"),
          Arguments.of(" \t::error::x", " \\u0009\\u003A:error::x"),
          Arguments.of("a ::b::", "a ::b::"),
          Arguments.of("x ##[error]y", "x ##\\u005Berror]y"),
          Arguments.of("###[", "###\\u005B"),
          Arguments.of("#[#[", "#[#["),
          Arguments.of("Grüße 世界", "Grüße 世界"),
          Arguments.of("🚀 " + "x".repeat(200), "🚀 " + "x".repeat(200)));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("table")
    void oneLine(String value, String expected) {
      assertThat(Texts.oneLine(value)).isEqualTo(expected);
    }

    @Test
    void alreadyQuotedTextIsUnchanged() {
      String quoted = Texts.quote("x\n::add-mask::y\u202E");

      assertThat(Texts.oneLine(quoted)).isEqualTo(quoted);
    }
  }

  @Nested
  class NonAscii {

    static Stream<Arguments> table() {
      return Stream.of(
          Arguments.of("ready-to-build", ""),
          Arguments.of("", ""),
          Arguments.of(" ~", ""),
          Arguments.of(
              "ready-to-bu\u0456ld",
              "U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I at position 12"),
          Arguments.of("r\u0435ady", "U+0435 CYRILLIC SMALL LETTER IE at position 2"),
          Arguments.of("ａ", "U+FF41 FULLWIDTH LATIN SMALL LETTER A at position 1"),
          Arguments.of("ab\u200Bc", "U+200B ZERO WIDTH SPACE at position 3"),
          Arguments.of("\u202E", "U+202E RIGHT-TO-LEFT OVERRIDE at position 1"),
          Arguments.of("a\n", "U+000A LINE FEED (LF) at position 2"),
          Arguments.of("a\u007F", "U+007F DELETE at position 2"),
          Arguments.of("🚀x\u0456", "U+1F680 ROCKET at position 1"),
          Arguments.of("ab🚀", "U+1F680 ROCKET at position 3"),
          Arguments.of("a\uDB40\uDC41", "U+E0041 TAG LATIN CAPITAL LETTER A at position 2"),
          Arguments.of("\u0378", "U+0378 (unassigned) at position 1"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("table")
    void firstNonAscii(String value, String described) {
      assertThat(Texts.firstNonAscii(value)).isEqualTo(described);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is printable ASCII")
    @ValueSource(strings = {"", " ", "~", "ready-to-build", "${{ secrets.X }}", "a`b\\c"})
    void printable(String value) {
      assertThat(Texts.isPrintableAscii(value)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is not printable ASCII")
    @ValueSource(
        strings = {"\n", "a\tb", "\u007F", "\u0000", "é", "\u0456", "🚀", "\u200B", "\u00A0"})
    void notPrintable(String value) {
      assertThat(Texts.isPrintableAscii(value)).isFalse();
    }
  }
}
