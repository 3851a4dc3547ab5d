package dev.hydra.event;

/**
 * The activity type of an event, the same on both forges.
 *
 * <p>Forgejo keeps its own words in the payload even though its trigger matching translates them
 * ({@code label_updated} matches {@code types: [labeled]}): code that compares the raw action with
 * {@code "labeled"} silently never fires there. Every comparison in Hydra goes through this enum.
 */
public enum EventAction {
  LABELED,
  UNLABELED,
  OPENED,
  EDITED,
  CLOSED,
  REOPENED,
  SYNCHRONIZE,
  /** An action Hydra does not act on, such as {@code assigned}; the raw word is kept. */
  OTHER,
  /** The event has no action ({@code push}, {@code schedule}, {@code workflow_dispatch}). */
  NONE;

  /**
   * Normalises a payload's {@code action}: GitHub's words and Forgejo's {@code label_updated},
   * {@code label_cleared} and {@code synchronized}.
   */
  public static EventAction normalise(String raw) {
    return switch (raw) {
      case "" -> NONE;
      case "labeled", "label_updated" -> LABELED;
      case "unlabeled", "label_cleared" -> UNLABELED;
      case "opened" -> OPENED;
      case "edited" -> EDITED;
      case "closed" -> CLOSED;
      case "reopened" -> REOPENED;
      case "synchronize", "synchronized" -> SYNCHRONIZE;
      default -> OTHER;
    };
  }
}
