package dev.hydra.forge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelColorsTest {

  @ParameterizedTest
  @CsvSource({
    "f29513, f29513",
    "#F29513, f29513",
    "' #abc ', aabbcc",
    "red, 000000",
    "'', 000000",
    "#12345g, 000000"
  })
  void normalises(String input, String expected) {
    assertThat(LabelColors.normalize(input)).isEqualTo(expected);
  }
}
