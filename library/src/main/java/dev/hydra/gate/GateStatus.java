package dev.hydra.gate;

import dev.hydra.text.Word;

/** How one gate ended. */
public enum GateStatus implements Word {
  /** The check passed. */
  PASS,
  /** The check failed, timed out, could not run, or its result cannot be trusted. */
  FAIL,
  /** The check did not apply (a runner's {@code SKIPPED …} or {@code NOT APPLICABLE}). */
  SKIPPED
}
