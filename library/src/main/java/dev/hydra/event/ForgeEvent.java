package dev.hydra.event;

import dev.hydra.forge.RepoRef;
import dev.hydra.text.Texts;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One workflow event, normalised across GitHub and Forgejo.
 *
 * @param name which event
 * @param action the normalised activity type ({@link EventAction#NONE} for events without one)
 * @param rawAction the payload's own word for it, kept for messages; empty when absent
 * @param repository the repository the event happened in
 * @param defaultBranch the repository's default branch, empty when the payload does not say
 * @param sender the login of whoever caused the event, empty when the payload does not say
 * @param label the label just added or removed, when the payload says which (GitHub always; Forgejo
 *     Actions only from v9.0.2, webhooks never)
 * @param issue the issue, for events of the issues kind
 * @param pullRequest the pull request, for events of the pull_request kind
 * @param ref the git ref, for {@code push} and {@code workflow_dispatch} events
 * @param senderBot whether the payload says the sender is a bot ({@code sender.type: Bot}); a
 *     {@code [bot]} login is one whatever this says
 */
public record ForgeEvent(
    EventName name,
    EventAction action,
    String rawAction,
    RepoRef repository,
    String defaultBranch,
    String sender,
    @Nullable String label,
    @Nullable IssueSnapshot issue,
    @Nullable PullRequestSnapshot pullRequest,
    @Nullable String ref,
    boolean senderBot) {

  /** An event whose payload does not call its sender a bot. */
  public ForgeEvent(
      EventName name,
      EventAction action,
      String rawAction,
      RepoRef repository,
      String defaultBranch,
      String sender,
      @Nullable String label,
      @Nullable IssueSnapshot issue,
      @Nullable PullRequestSnapshot pullRequest,
      @Nullable String ref) {
    this(
        name,
        action,
        rawAction,
        repository,
        defaultBranch,
        sender,
        label,
        issue,
        pullRequest,
        ref,
        false);
  }

  /** The label just added or removed, when the payload names it. */
  public Optional<String> changedLabel() {
    return Optional.ofNullable(label);
  }

  /** The issue of an {@code issues} event. */
  public Optional<IssueSnapshot> issueSnapshot() {
    return Optional.ofNullable(issue);
  }

  /** The pull request of a {@code pull_request} event. */
  public Optional<PullRequestSnapshot> pullRequestSnapshot() {
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
