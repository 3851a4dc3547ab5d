package dev.hydra.label;

/** The terminal labels of a pipeline run (SPEC §4: every outcome after review is terminal). */
public enum Outcome {
  /** Everything passed; the PR is ready for a person to review and merge. */
  DONE("done"),
  /** Hydra stopped and a person has to decide what happens next. */
  NEEDS_INPUT("needs-input");

  private final String id;

  Outcome(String id) {
    this.id = id;
  }

  /** The unprefixed label name. */
  public String id() {
    return id;
  }
}
