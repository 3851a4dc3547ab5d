package dev.hydra.label;

/** Labels Hydra reads but does not manage; they are never prefixed. */
public enum MetadataLabel {
  /** Merge automatically once everything passed (only when a user with write access set it). */
  YOLO("yolo"),
  /** The issue follows an OpenSpec change folder. */
  OPENSPEC("openspec");

  private final String id;

  MetadataLabel(String id) {
    this.id = id;
  }

  /** The label name, never prefixed. */
  public String id() {
    return id;
  }
}
