package dev.hydra.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordTest {

  enum Colour implements Word {
    RED,
    DARK_BLUE
  }

  @Test
  void spellsTheConstantInLowerCaseWithHyphens() {
    assertThat(Colour.RED.id()).isEqualTo("red");
    assertThat(Colour.DARK_BLUE.id()).isEqualTo("dark-blue");
  }

  @Test
  void findsAConstantOnlyByItsExactSpelling() {
    assertThat(Word.find(Colour.values(), "dark-blue")).contains(Colour.DARK_BLUE);
    assertThat(Word.find(Colour.values(), "DARK_BLUE")).isEmpty();
    assertThat(Word.find(Colour.values(), "Red")).isEmpty();
    assertThat(Word.find(Colour.values(), "")).isEmpty();
  }
}
