package dev.hydra.label;

import dev.hydra.text.Word;

/** Labels Hydra reads but does not manage; they are never prefixed. */
public enum MetadataLabel implements Word {
  /** Merge automatically once everything passed (only when a user with write access set it). */
  YOLO,
  /** The issue follows an OpenSpec change folder. */
  OPENSPEC;
}
