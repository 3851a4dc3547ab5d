package dev.hydra.label;

import java.util.Optional;

/** The four states of a stage; each stage has exactly one at a time. */
public enum StageState {
  QUEUED("queued"),
  RUNNING("running"),
  PASS("pass"),
  FAIL("fail");

  private final String id;

  StageState(String id) {
    this.id = id;
  }

  /** The name used in labels, for example {@code running}. */
  public String id() {
    return id;
  }

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
    for (StageState state : values()) {
      if (state.id.equals(id)) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }
}
