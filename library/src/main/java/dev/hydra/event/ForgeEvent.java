package dev.hydra.event;

import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.text.Texts;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One workflow event, normalised across GitHub and Forgejo. Made by the factory of its kind ({@link
 * #ofIssue}, {@link #ofPullRequest}, {@link #push}, {@link #workflowDispatch}, {@link #schedule}).
 *
 * @param name which event
 * @param rawAction the payload's own word for its activity type, kept for messages; empty when
 *     absent ({@link #action()} is the normalised one)
 * @param origin where the event happened and who caused it
 * @param label the label just added or removed, when the payload says which (GitHub always; Forgejo
 *     Actions only from v9.0.2, webhooks never)
 * @param issue the issue as the payload saw it, exactly for {@link EventName#ISSUES} events
 * @param pullRequest the pull request as the payload saw it, exactly for {@code pull_request}
 *     events
 * @param ref the git ref, for {@code push} and {@code workflow_dispatch} events
 */
public record ForgeEvent(
    EventName name,
    String rawAction,
    Origin origin,
    @Nullable String label,
    @Nullable Issue issue,
    @Nullable PullRequest pullRequest,
    @Nullable String ref) {

  public ForgeEvent {
    if ((issue != null) != (name == EventName.ISSUES)) {
      throw new IllegalArgumentException(
          "an issue comes exactly with an issues event, not " + name);
    }
    if ((pullRequest != null) != (name == EventName.PULL_REQUEST)) {
      throw new IllegalArgumentException(
          "a pull request comes exactly with a pull_request event, not " + name);
    }
  }

  /**
   * Where an event happened and who caused it: what every event carries.
   *
   * @param repository the repository the event happened in
   * @param defaultBranch the repository's default branch, empty when the payload does not say
   * @param sender the login of whoever caused the event, empty when the payload does not say
   * @param senderBot whether the payload says the sender is a bot ({@code sender.type: Bot}); a
   *     {@code [bot]} login is one whatever this says
   */
  public record Origin(
      RepoRef repository, String defaultBranch, String sender, boolean senderBot) {}

  /**
   * An {@link EventName#ISSUES} event; {@code rawAction} is the payload's word for what happened.
   */
  public static ForgeEvent ofIssue(
      Origin origin, String rawAction, @Nullable String label, Issue issue) {
    return new ForgeEvent(EventName.ISSUES, rawAction, origin, label, issue, null, null);
  }

  /** A {@code pull_request} event; {@code rawAction} is the payload's word for what happened. */
  public static ForgeEvent ofPullRequest(
      Origin origin, String rawAction, @Nullable String label, PullRequest pullRequest) {
    return new ForgeEvent(
        EventName.PULL_REQUEST, rawAction, origin, label, null, pullRequest, null);
  }

  /** A {@code push} of {@code ref}. */
  public static ForgeEvent push(Origin origin, String ref) {
    return new ForgeEvent(EventName.PUSH, "", origin, null, null, null, ref);
  }

  /** A manual run of a workflow, on {@code ref} when the payload names one. */
  public static ForgeEvent workflowDispatch(Origin origin, @Nullable String ref) {
    return new ForgeEvent(EventName.WORKFLOW_DISPATCH, "", origin, null, null, null, ref);
  }

  /** A scheduled run of a workflow, on {@code ref} when the payload names one. */
  public static ForgeEvent schedule(Origin origin, @Nullable String ref) {
    return new ForgeEvent(EventName.SCHEDULE, "", origin, null, null, null, ref);
  }

  /** The normalised activity type ({@link EventAction#NONE} for events without one). */
  public EventAction action() {
    return EventAction.normalise(rawAction);
  }

  /** The repository the event happened in. */
  public RepoRef repository() {
    return origin.repository();
  }

  /** The repository's default branch, empty when the payload does not say. */
  public String defaultBranch() {
    return origin.defaultBranch();
  }

  /** The login of whoever caused the event, empty when the payload does not say. */
  public String sender() {
    return origin.sender();
  }

  /** Whether the payload says the sender is a bot. */
  public boolean senderBot() {
    return origin.senderBot();
  }

  /** The label just added or removed, when the payload names it. */
  public Optional<String> changedLabel() {
    return Optional.ofNullable(label);
  }

  /** The issue of an {@code issues} event, as the payload saw it. */
  public Optional<Issue> issueSnapshot() {
    return Optional.ofNullable(issue);
  }

  /** The pull request of a {@code pull_request} event, as the payload saw it. */
  public Optional<PullRequest> pullRequestSnapshot() {
    return Optional.ofNullable(pullRequest);
  }

  /** The git ref of a push or dispatch. */
  public Optional<String> gitRef() {
    return Optional.ofNullable(ref);
  }

  /** {@code issues.labeled}, with the payload's own action word when it differs. */
  public String describe() {
    return rawAction.isEmpty() ? name.id() : name.id() + "." + Texts.escape(rawAction, 40);
  }
}
