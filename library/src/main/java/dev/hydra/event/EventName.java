package dev.hydra.event;

import java.util.Optional;

/**
 * The workflow events Hydra handles, by the name Actions gives them in {@code GITHUB_EVENT_NAME}.
 */
public enum EventName {
  /** An issue changed; {@code labeled} starts a build. */
  ISSUES("issues"),
  /**
   * A pull request changed; opened/synchronize/reopened on a {@code hydra/*} head starts reviews.
   */
  PULL_REQUEST("pull_request"),
  /** A push; the image workflow builds on pushes to the default branch and on tags. */
  PUSH("push"),
  /** A manual run of a workflow. */
  WORKFLOW_DISPATCH("workflow_dispatch"),
  /** A scheduled run of a workflow. */
  SCHEDULE("schedule");

  private final String id;

  EventName(String id) {
    this.id = id;
  }

  /** The name as Actions spells it. */
  public String id() {
    return id;
  }

  /**
   * Finds an event by its Actions name. Both forges use the same names (Forgejo reports the
   * GitHub-style name, not its internal hook type such as {@code issue_label}).
   *
   * @return the event, or empty for names Hydra does not handle
   */
  public static Optional<EventName> fromId(String id) {
    for (EventName name : values()) {
      if (name.id.equals(id)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /** Lists the supported names for error messages. */
  public static String supported() {
    StringBuilder out = new StringBuilder();
    for (EventName name : values()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(name.id);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return id;
  }
}
