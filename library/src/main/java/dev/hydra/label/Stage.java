package dev.hydra.label;

import dev.hydra.text.Word;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The stages whose progress is kept in labels on the issue (SPEC §4). */
public enum Stage implements Word {
  BUILD,
  CODE_REVIEW,
  SECURITY_REVIEW,
  APPLIER,
  /**
   * A human asks for one fixer pass after {@code needs-input}: queued by the person, running while
   * the builder fixes, then {@code pass} (its commits pushed, round 2's reviews queued) or {@code
   * fail}. Its finished state stays on the issue as the mark that this round's retry was used.
   */
  RETRY,
  /** A human asks for a full reset after {@code needs-input}. */
  REBUILD;

  /** The states this stage can be in; rebuild is only ever requested. */
  public Set<StageState> states() {
    Set<StageState> states = EnumSet.noneOf(StageState.class);
    for (StageState state : StageState.values()) {
      if (allows(state)) {
        states.add(state);
      }
    }
    return states;
  }

  /** Whether {@code state} is one this stage can be in. */
  public boolean allows(StageState state) {
    return switch (this) {
      case REBUILD -> state == StageState.QUEUED;
      default -> true;
    };
  }

  /**
   * Finds a stage by its label id.
   *
   * @return the stage, or empty for any other text (matching is exact)
   */
  public static Optional<Stage> fromId(String id) {
    return Word.find(values(), id);
  }
}
