package dev.hydra.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The workflow events Hydra handles, by the name Actions gives them in {@code GITHUB_EVENT_NAME}.
 */
public enum EventName {
  /** An issue changed; {@code labeled} starts a build. */
  ISSUES,
  /**
   * A pull request changed; opened/synchronize/reopened on a {@code hydra/*} head starts reviews.
   */
  PULL_REQUEST,
  /** A push; the image workflow builds on pushes to the default branch and on tags. */
  PUSH,
  /** A manual run of a workflow. */
  WORKFLOW_DISPATCH,
  /** A scheduled run of a workflow. */
  SCHEDULE;

  /** The name as Actions spells it: the constant's name in lower case. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Finds an event by its Actions name. Both forges use the same names (Forgejo reports the
   * GitHub-style name, not its internal hook type such as {@code issue_label}).
   *
   * @return the event, or empty for names Hydra does not handle
   */
  public static Optional<EventName> fromId(String id) {
    return Arrays.stream(values()).filter(name -> name.id().equals(id)).findFirst();
  }

  /** Lists the supported names for error messages. */
  public static String supported() {
    return Arrays.stream(values()).map(EventName::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id();
  }
}
