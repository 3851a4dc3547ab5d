package dev.hydra.label;

import dev.hydra.text.Texts;
import java.util.Optional;

/**
 * A stage label without prefix, such as {@code build:queued}.
 *
 * @param stage the stage
 * @param state its state, one the stage allows
 */
public record StageLabel(Stage stage, StageState state) {

  public StageLabel {
    if (!stage.allows(state)) {
      throw new IllegalArgumentException(
          "stage " + stage.id() + " has no state " + state.id() + "; it has " + stage.states());
    }
  }

  /** Creates the label for a stage in a state. */
  public static StageLabel of(Stage stage, StageState state) {
    return new StageLabel(stage, state);
  }

  /**
   * Parses an unprefixed stage label.
   *
   * @throws IllegalArgumentException when the text is not exactly {@code <stage>:<state>}
   */
  public static StageLabel parse(String text) {
    return tryParse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "not a stage label: " + Texts.quote(text) + " (expected <stage>:<state>)"));
  }

  /**
   * Parses an unprefixed stage label.
   *
   * @return the label, or empty when the text is not exactly a valid {@code <stage>:<state>}
   */
  public static Optional<StageLabel> tryParse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0 || colon != text.lastIndexOf(':')) {
      return Optional.empty();
    }
    Optional<Stage> stage = Stage.fromId(text.substring(0, colon));
    Optional<StageState> state = StageState.fromId(text.substring(colon + 1));
    if (stage.isEmpty() || state.isEmpty() || !stage.get().allows(state.get())) {
      return Optional.empty();
    }
    return Optional.of(new StageLabel(stage.get(), state.get()));
  }

  /** The unprefixed name, for example {@code security-review:pass}. */
  public String baseName() {
    return stage.id() + ":" + state.id();
  }

  @Override
  public String toString() {
    return baseName();
  }
}
