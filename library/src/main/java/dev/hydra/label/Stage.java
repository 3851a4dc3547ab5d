package dev.hydra.label;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The stages whose progress is kept in labels on the issue (SPEC §4). */
public enum Stage {
  BUILD("build"),
  CODE_REVIEW("code-review"),
  SECURITY_REVIEW("security-review"),
  APPLIER("applier"),
  /** A human asks for one fixer pass after {@code needs-input}. */
  RETRY("retry"),
  /** A human asks for a full reset after {@code needs-input}. */
  REBUILD("rebuild");

  private final String id;

  Stage(String id) {
    this.id = id;
  }

  /** The name used in labels, for example {@code code-review}. */
  public String id() {
    return id;
  }

  /** The states this stage can be in; retry and rebuild are only ever requested or running. */
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
      case RETRY -> state == StageState.QUEUED || state == StageState.RUNNING;
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
    for (Stage stage : values()) {
      if (stage.id.equals(id)) {
        return Optional.of(stage);
      }
    }
    return Optional.empty();
  }
}
