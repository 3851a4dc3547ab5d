package dev.hydra.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JacksonException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  @ParameterizedTest(name = "[{index}] U+{0}")
  @ValueSource(
      ints = {
        0x00,
        0x0A,
        0x0D,
        0x1F,
        0x7F,
        0x80,
        0x85,
        0x9F,
        0x2028,
        0x2029, // break a line
        0x202A,
        0x202B,
        0x202C,
        0x202D,
        0x202E,
        0x2066,
        0x2067,
        0x2068,
        0x2069, // bidi
        0x200E,
        0x200F,
        0x061C, // bidi marks
        0x200B,
        0x200C,
        0x200D,
        0x2060,
        0xFEFF, // zero width
        0xA0,
        0x3000,
        0xE000,
        0x0378, // odd spaces, private use, unassigned
        0xE0041,
        0x1F680 // a tag character and any other beyond the BMP, as a pair
      })
  void bothWritersEscapeEveryCharacterThatCanBreakALineOrHideText(int cp) throws Exception {
    String value = "a" + Character.toString(cp) + "b";

    String lite = Json.lite().asString(Map.of("v", value));
    String databind = Json.mapper().writeValueAsString(Map.of("v", value));

    for (String json : new String[] {lite, databind}) {
      assertThat(json).doesNotContain(Character.toString(cp));
      assertThat(json).matches("\\{\"v\":\"a\\\\[^\"]+b\"}");
      assertThat(Json.mapper().readTree(json).get("v").asText()).isEqualTo(value);
      assertThat(Json.lite().mapFrom(json)).containsEntry("v", value);
    }
  }

  @ParameterizedTest(name = "[{index}] U+{0}")
  @ValueSource(ints = {0x20, 0x7E, 0xE9, 0x0456, 0x4E16, 0x2026})
  void otherCharactersAreWrittenAsThemselves(int cp) throws Exception {
    String value = Character.toString(cp);

    assertThat(Json.lite().asString(Map.of("v", value))).isEqualTo("{\"v\":\"" + value + "\"}");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}"})
  void bothReadersRefuseDuplicateKeys(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Json.lite().anyFrom(bytes))
        .isInstanceOf(JacksonException.class)
        .hasMessageContaining("Duplicate field");
    assertThatThrownBy(() -> Json.mapper().readTree(bytes))
        .isInstanceOf(JacksonException.class)
        .hasMessageContaining("Duplicate field");
  }

  @ParameterizedTest(name = "[{index}] depth {0}")
  @ValueSource(ints = {Json.MAX_DEPTH + 1, 10_000})
  void bothReadersBoundTheNestingDepth(int depth) {
    byte[] bytes = "[".repeat(depth).getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Json.lite().anyFrom(bytes)).hasMessageContaining("nesting depth");
    assertThatThrownBy(() -> Json.mapper().readTree(bytes)).hasMessageContaining("nesting depth");
  }

  @ParameterizedTest(name = "[{index}] depth {0}")
  @ValueSource(ints = {1, Json.MAX_DEPTH})
  void nestingUpToTheLimitIsRead(int depth) throws Exception {
    byte[] bytes = ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);

    assertThat(Json.lite().anyFrom(bytes)).isNotNull();
    assertThat(Json.mapper().readTree(bytes).isArray()).isTrue();
  }
}
