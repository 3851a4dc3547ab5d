package dev.hydra.label;

import dev.hydra.text.Word;
import java.util.Optional;

/** The four states of a stage; each stage has exactly one at a time. */
public enum StageState implements Word {
  QUEUED,
  RUNNING,
  PASS,
  FAIL;

  /** Whether the stage has finished (passed or failed). */
  public boolean finished() {
    return this == PASS || this == FAIL;
  }

  /**
   * Finds a state by its label id.
   *
   * @return the state, or empty for any other text (matching is exact)
   */
  public static Optional<StageState> fromId(String id) {
    return Word.find(values(), id);
  }
}
