package dev.hydra.label;

import dev.hydra.text.Word;

/** The terminal labels of a pipeline run (SPEC §4: every outcome after review is terminal). */
public enum Outcome implements Word {
  /** Everything passed; the PR is ready for a person to review and merge. */
  DONE,
  /** Hydra stopped and a person has to decide what happens next. */
  NEEDS_INPUT;
}
