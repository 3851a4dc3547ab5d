package dev.hydra.forge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Hydra does on a forge, as one persona with that persona's token.
 *
 * <p>An instance is bound to one API endpoint and one token; every call carries that token and no
 * other, and a request to any host but the configured one is refused before it is sent. All types
 * are Hydra's own records: GitHub's and Forgejo's client types stay inside their adapters. Failures
 * are {@link ForgeException}s whose messages name the persona, the repository and the fix.
 */
public interface Forge {

  /** Which forge this is. */
  ForgeType type();

  /** The persona whose token this instance uses, for messages ({@code builder}, …). */
  String persona();

  /**
   * The login the token belongs to.
   *
   * @throws ForgeException when the token is refused or the forge cannot be reached
   */
  String currentUser() throws ForgeException;

  /**
   * The token's own access to the repository. A persona token with admin rights is refused by
   * {@code hydra doctor}: least privilege.
   *
   * @throws ForgeException when the repository cannot be read
   */
  Permission tokenPermission(RepoRef repo) throws ForgeException;

  /**
   * The access of a user to the repository, as the forge computes it (repository, team and
   * organisation grants). On GitHub this is the legacy {@code permission} field ({@code role_name}
   * proves nothing: custom roles can carry any name).
   *
   * @param login the user who, for example, applied an authority label
   * @throws ForgeException when the forge will not say (on Forgejo only admins may ask; see the
   *     adapter's documentation for how Hydra asks instead)
   */
  Permission userPermission(RepoRef repo, String login) throws ForgeException;

  /**
   * Reads an issue as it is now.
   *
   * @throws ForgeNotFoundException when there is no such issue
   * @throws ForgeException on any other failure
   */
  Issue issue(RepoRef repo, int number) throws ForgeException;

  /**
   * Reads an issue as {@link #issue(RepoRef, int)} does, for a job that will then ask {@code
   * sender}'s permission ({@link #userPermission}): a forge that can answer it in the same read
   * keeps the answer, where it is the one {@link #userPermission} would give, so the authority
   * check of the event's sender costs no request of its own. By default, the plain read.
   *
   * @param sender the event's sender
   */
  default Issue issue(RepoRef repo, int number, String sender) throws ForgeException {
    return issue(repo, number);
  }

  /**
   * Who added a label to an issue most recently, and when, from the issue's event history.
   *
   * @return the event, or empty when the history shows no such label being added
   * @throws ForgeException when the history cannot be read
   */
  Optional<LabelEvent> lastLabeled(RepoRef repo, int issue, String label) throws ForgeException;

  /**
   * {@link #lastLabeled(RepoRef, int, String)} for several labels at once: GitHub and Forgejo read
   * the issue's history once for all of them (a recovery check of both queued reviews reads it
   * once, not twice). By default, one read per label.
   *
   * @return each label's last addition, for the labels the history shows being added
   * @throws ForgeException when the history cannot be read
   */
  default Map<String, LabelEvent> lastLabeled(RepoRef repo, int issue, Set<String> labels)
      throws ForgeException {
    Map<String, LabelEvent> found = new LinkedHashMap<>();
    for (String label : labels) {
      lastLabeled(repo, issue, label).ifPresent(event -> found.put(label, event));
    }
    return found;
  }

  /**
   * Removes one label as a claim: of several runs that read the label and try to take it, at most
   * one should see it taken. On GitHub the removal itself decides (a label no longer on the issue
   * answers 404); Forgejo answers success either way, so there the claim reads the labels back and
   * the workflows' per-issue {@code concurrency} group is what keeps runs apart.
   *
   * @return the labels left on the issue, or empty when the issue did not carry {@code label}
   * @throws ForgeException when the removal fails for any other reason
   */
  Optional<List<String>> takeLabel(RepoRef repo, int issue, String label) throws ForgeException;

  /**
   * Adds labels and keeps the others: the write two jobs can make at the same time on one issue
   * without undoing each other's (a whole-set {@link #setLabels} cannot).
   *
   * @return the issue's labels afterwards
   * @throws ForgeException when a label does not exist in the repository or the write fails
   */
  List<String> addLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException;

  /**
   * Replaces the issue's labels with exactly {@code labels}, in as few requests as the forge
   * allows. Callers compute the set from a fresh read of the issue ({@code LabelPlan}).
   *
   * @throws ForgeException when a label does not exist in the repository or the write fails
   */
  void setLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException;

  /**
   * Replaces the issue's labels with {@code next} only when they are exactly {@code expected} now:
   * the claim of a recovery, of which at most one of several runs that read the same labels should
   * win.
   *
   * <p>GitHub and Forgejo have no conditional label write (no {@code If-Match} on labels), so this
   * default writes and reads back: it answers whether the labels are {@code next} afterwards, and
   * the workflows' per-issue {@code concurrency} group is what keeps runs of one issue apart. A
   * forge that can do better (the local forge, with its lock) overrides it with a true
   * compare-and-set.
   *
   * @param expected the labels the caller read
   * @param next the labels to set
   * @return whether the labels are now {@code next} (and, where the forge can tell, were {@code
   *     expected} before)
   * @throws ForgeException when a label of {@code next} does not exist, or a request fails
   */
  default boolean replaceLabelsIf(RepoRef repo, int issue, Set<String> expected, Set<String> next)
      throws ForgeException {
    setLabels(repo, issue, next);
    return Set.copyOf(issue(repo, issue).labels()).equals(Set.copyOf(next));
  }

  /**
   * The repository's labels, for seeding.
   *
   * @throws ForgeException when they cannot be listed
   */
  List<LabelSpec> labels(RepoRef repo) throws ForgeException;

  /**
   * Creates a label, or updates its colour and description when it exists.
   *
   * @return true when it was created, false when it existed (and was updated if different)
   * @throws ForgeException when the label cannot be written
   */
  boolean upsertLabel(RepoRef repo, LabelSpec label) throws ForgeException;

  /**
   * Adds a comment to an issue or pull request.
   *
   * @throws ForgeException when it cannot be posted
   */
  Comment comment(RepoRef repo, int issue, String body) throws ForgeException;

  /**
   * Every comment on an issue or pull request, oldest first, each with its author's login: all
   * pages, as many requests as the forge needs (GitHub: 100 a page; Forgejo lists them all in one
   * answer).
   *
   * @throws ForgeException when comments cannot be listed
   */
  List<Comment> comments(RepoRef repo, int issue) throws ForgeException;

  /**
   * Finds the newest comment on an issue whose body contains {@code marker} (Hydra's hidden marker
   * of its progress comment) and whose author is {@code author}: after the pipeline was started
   * again on the issue, the current run's. Reads {@link #comments} ({@link Comment#newestMarked}).
   *
   * @return the comment, or empty when there is none
   * @throws ForgeException when comments cannot be listed
   */
  default Optional<Comment> findComment(RepoRef repo, int issue, String marker, String author)
      throws ForgeException {
    return Comment.newestMarked(comments(repo, issue).stream(), marker, author);
  }

  /**
   * Replaces a comment's body (the progress comment is edited in place, never posted twice).
   *
   * @throws ForgeException when it cannot be edited
   */
  void editComment(RepoRef repo, long commentId, String body) throws ForgeException;

  /**
   * Finds the open pull request whose head is {@code branch} in the repository itself.
   *
   * @return the pull request, or empty when there is none
   * @throws ForgeException when pull requests cannot be listed
   */
  Optional<PullRequest> findPullRequest(RepoRef repo, String branch) throws ForgeException;

  /**
   * Opens a draft pull request; when one already exists for the head branch, returns it instead (a
   * re-run must not fail or open a second one).
   *
   * @throws ForgeException when it can neither be created nor found
   */
  PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request) throws ForgeException;

  /**
   * Marks a draft pull request ready for review.
   *
   * @throws ForgeException when it cannot be changed
   */
  void markReadyForReview(RepoRef repo, PullRequest pullRequest) throws ForgeException;

  /**
   * Closes an open pull request and opens it again, so that the forge sends a {@code pull_request}
   * {@code reopened} event: the rebuild's way to start the review workflow on a pull request that
   * already existed (its push arrived while the reviews were not yet queued).
   *
   * @throws ForgeException when it cannot be closed or reopened
   */
  void reopenPullRequest(RepoRef repo, int pullRequest) throws ForgeException;

  /**
   * Merges a pull request at exactly {@code headSha}, honouring branch protection (never with an
   * administrator bypass).
   *
   * @throws ForgeException when the forge refuses, for example because protection requires more
   */
  void merge(RepoRef repo, int pullRequest, String headSha) throws ForgeException;

  /**
   * Posts a review with inline comments.
   *
   * @throws ForgeException when it cannot be posted
   */
  void review(RepoRef repo, int pullRequest, Review review) throws ForgeException;

  /**
   * Sets a status on a commit.
   *
   * @throws ForgeException when it cannot be set
   */
  void commitStatus(RepoRef repo, String sha, CommitStatus status) throws ForgeException;
}
