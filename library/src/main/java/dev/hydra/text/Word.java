package dev.hydra.text;

import java.util.Locale;
import java.util.Optional;

/**
 * An enum constant spelt as labels and machine output spell it: its name in lower case, with
 * hyphens for underscores ({@code CODE_REVIEW} is {@code code-review}).
 */
public interface Word {

  /** The constant's name; every enum has it. */
  String name();

  /** The spelling in labels and machine output, for example {@code code-review}. */
  default String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Finds the constant spelt {@code id}.
   *
   * @return the constant, or empty for any other text (matching is exact)
   */
  static <W extends Word> Optional<W> find(W[] values, String id) {
    for (W value : values) {
      if (value.id().equals(id)) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }
}
