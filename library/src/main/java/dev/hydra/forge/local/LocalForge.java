package dev.hydra.forge.local;

import static dev.hydra.forge.local.LocalTimeline.esc;
import static dev.hydra.forge.local.LocalTimeline.excerpt;

import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.ForgeUnauthorizedException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import dev.hydra.forge.local.LocalFiles.CommentFile;
import dev.hydra.forge.local.LocalFiles.IssueFile;
import dev.hydra.forge.local.LocalFiles.LabelEventFile;
import dev.hydra.forge.local.LocalFiles.LabelFile;
import dev.hydra.forge.local.LocalFiles.PullFile;
import dev.hydra.forge.local.LocalFiles.ThreadFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The embedded local forge: the {@link Forge} port backed by plain JSON files in a directory, so
 * that the real pipeline code runs with no forge account and a person can read what happened.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * &lt;dir&gt;/personas.json                     persona → login: {"builder": "hydra-builder", …}
 * &lt;dir&gt;/repos/&lt;owner&gt;/&lt;name&gt;/
 *     repo.json       default_branch, next_number, next_comment_id, required_approvals,
 *                     branches {name: sha}, labels [{name, color, description}]
 *     users.json      login → permission on this repository: {"mona": "admin", "tri": "triage"}
 *     issues/&lt;n&gt;.json  title, body, author, open, labels,
 *                     label_events [{label, action added|removed, actor, at}],
 *                     comments [{id, author, body, at}]
 *     pulls/&lt;n&gt;.json   the same, plus head, head_sha, base, draft, merged,
 *                     reviews [{author, event, body, commit, comments [{path, line, body}], at}],
 *                     statuses [{sha, state, context, description, target_url, author, at}]
 *     timeline.log    one line per side effect, append-only:
 *                     "08:01:02 builder   labels #7 -&gt; build:running (+build:running -build:queued)"
 *     .lock           held while a repository is read, changed and written
 * </pre>
 *
 * <h2>Identity</h2>
 *
 * There are no tokens. An instance acts as one persona; the login that a real forge would learn
 * from the persona's token comes from {@code personas.json} ({@link #forPersona}), or a person acts
 * under their own login ({@link #asUser}, for a demo's {@code mona} applying {@code
 * ready-to-build}). Every call resolves the login first, so an unknown persona fails every call
 * with {@link ForgeUnauthorizedException}, as a bad token does. Repositories are public: reading
 * needs no grant. Writing needs the permission {@code users.json} grants the login ({@code none}
 * when absent), as on GitHub: labels on issues need triage; comments and reviews need read;
 * creating labels, pushing, opening, marking ready and merging pull requests and commit statuses
 * need write (marking ready also the author); editing another user's comment needs write.
 *
 * <h2>Semantics, as the port promises them</h2>
 *
 * <ul>
 *   <li>{@link #setLabels} replaces the set and records one label event per label added or removed,
 *       with this instance's login as actor; {@link #lastLabeled} reads those events. Every label
 *       must exist in {@code repo.json}: GitHub's label endpoint would create a missing label,
 *       Forgejo's refuses it, and the port promises an error, so a pipeline that forgot to seed its
 *       labels fails here as it would on Forgejo, with the label named.
 *   <li>Issues and pull requests share one number counter per repository, as on GitHub; a number is
 *       never reused. Comment ids are unique in the repository.
 *   <li>{@link #openDraftPullRequest} returns the open pull request of the same head instead of
 *       opening a second. The head branch must exist ({@link #pushBranch} stands in for {@code git
 *       push}) and differ from the base.
 *   <li>{@link #merge} is refused for a closed, merged or draft pull request, when {@code headSha}
 *       is not the head, and when {@code required_approvals} (branch protection of the default
 *       branch) is not met. Merging into the default branch closes the issues its body names with a
 *       closing keyword ({@code Closes #7}), as GitHub and Forgejo do.
 *   <li>{@link #review} records what is posted, {@code APPROVE} included: the stage layer decides
 *       who may approve. Approving or requesting changes on one's own pull request is refused, as
 *       both forges refuse it.
 *   <li>{@link #commitStatus} attaches the status to the pull requests whose head is that commit;
 *       the local forge knows no other commits, so any other sha is refused as unknown.
 *   <li>{@link #type()} is {@link ForgeType#GITHUB}: where the two forges differ (a real draft
 *       flag, one counter, {@code APPROVE}), the local forge behaves like GitHub.
 * </ul>
 *
 * <h2>Concurrency and durability</h2>
 *
 * Several threads and several {@code hydra} processes may use one directory at once. Every
 * read-modify-write of a repository holds an exclusive lock on {@code <repo>/.lock}; every file is
 * written to a temporary file, flushed and atomically renamed over the old one, so a crash never
 * leaves half a JSON file (an operation that changes several files writes the counter first and the
 * timeline last; a crash in between can skip a number or lose a timeline line, nothing else; a
 * timeline line that cannot be written is logged, not thrown, as the change was made). Reads take
 * no lock: they see a whole old file or a whole new one. {@link #replaceLabelsIf} is the
 * compare-and-set a pipeline uses to claim a stage exactly once.
 */
public final class LocalForge implements Forge {

  private final LocalStore store;
  private final LocalAccess access;
  private final LocalTimeline timeline;
  private final LocalPulls pulls;
  private final LocalLabels issueLabels;

  LocalForge(Path dir, String persona, @Nullable String userLogin, Clock clock) {
    this.store = new LocalStore(dir);
    this.access = new LocalAccess(store, persona, userLogin);
    this.timeline = new LocalTimeline(store, persona, clock);
    this.pulls = new LocalPulls(store, access, timeline);
    this.issueLabels = new LocalLabels(store, access, timeline);
  }

  /**
   * A local forge acting as a persona, whose login is read from {@code <dir>/personas.json} on
   * every call.
   *
   * @param dir the local forge's directory
   * @param persona the persona, {@code builder} for example
   */
  public static LocalForge forPersona(Path dir, String persona) {
    return new LocalForge(dir, persona, null, localTime());
  }

  /**
   * A local forge acting as a person under their own login, as a person clicking in the forge's web
   * interface would.
   *
   * @param dir the local forge's directory
   * @param login the login, {@code mona} for example; its permission comes from {@code users.json}
   */
  public static LocalForge asUser(Path dir, String login) {
    return new LocalForge(dir, login, login, localTime());
  }

  /** The same forge and identity, with another clock (for reproducible timelines). */
  public LocalForge withClock(Clock other) {
    return new LocalForge(store.root(), access.persona(), access.userLogin(), other);
  }

  /** The directory this forge lives in. */
  public Path directory() {
    return store.root();
  }

  @Override
  public ForgeType type() {
    return ForgeType.GITHUB;
  }

  @Override
  public String persona() {
    return access.persona();
  }

  @Override
  public String currentUser() throws ForgeException {
    return access.login();
  }

  @Override
  public Permission tokenPermission(RepoRef repo) throws ForgeException {
    String login = access.login();
    store.repo(repo);
    return store.users(repo).getOrDefault(login, Permission.NONE);
  }

  @Override
  public Permission userPermission(RepoRef repo, String login) throws ForgeException {
    access.login();
    store.repo(repo);
    return store.users(repo).getOrDefault(login, Permission.NONE);
  }

  @Override
  public Issue issue(RepoRef repo, int number) throws ForgeException {
    access.login();
    return toIssue(number, store.existingThread(repo, number));
  }

  @Override
  public Optional<LabelEvent> lastLabeled(RepoRef repo, int issue, String label)
      throws ForgeException {
    access.login();
    List<LabelEventFile> events = store.existingThread(repo, issue).labelEvents();
    for (int i = events.size() - 1; i >= 0; i--) {
      LabelEventFile event = events.get(i);
      if (event.label().equals(label) && event.action().equals(LocalFiles.ADDED)) {
        return Optional.of(LabelEvent.byUser(event.actor(), Instant.parse(event.at())));
      }
    }
    return Optional.empty();
  }

  /**
   * {@inheritDoc}
   *
   * <p>One locked read-modify-write: of any number of callers, exactly one takes the label.
   */
  @Override
  public Optional<List<String>> takeLabel(RepoRef repo, int issue, String label)
      throws ForgeException {
    return issueLabels.write(
        repo,
        issue,
        "remove a label from #" + issue,
        Set.of(),
        (login, t) -> {
          if (!t.labels().contains(label)) {
            return Optional.<List<String>>empty();
          }
          Set<String> next = new LinkedHashSet<>(t.labels());
          next.remove(label);
          issueLabels.relabel(repo, issue, t, next, login);
          return Optional.<List<String>>of(List.copyOf(next));
        });
  }

  @Override
  public List<String> addLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    return issueLabels.write(
        repo,
        issue,
        "add labels to #" + issue,
        labels,
        (login, t) -> {
          Set<String> next = new LinkedHashSet<>(t.labels());
          next.addAll(labels);
          issueLabels.relabel(repo, issue, t, next, login);
          return List.copyOf(next);
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Records a label event per label added or removed; does nothing when the set is unchanged.
   *
   * @throws ForgeConflictException when a label does not exist in {@code repo.json}
   */
  @Override
  public void setLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    issueLabels.write(
        repo,
        issue,
        "set labels on #" + issue,
        labels,
        (login, t) -> {
          return issueLabels.relabel(repo, issue, t, labels, login);
        });
  }

  /**
   * Replaces the issue's labels with {@code next} only when they are exactly {@code expected} now,
   * in one locked read-modify-write: of several callers that read the same labels and try to move
   * them on (two {@code hydra run}s claiming {@code build:queued → build:running}), exactly one
   * wins. The others see {@code false} and must re-read. Processes on one machine sharing a local
   * forge have no workflow {@code concurrency} group, hence a true compare-and-set here.
   *
   * @throws ForgeNotFoundException when there is no such issue
   * @throws ForgeException when a label of {@code next} does not exist, or the write fails
   */
  @Override
  public boolean replaceLabelsIf(RepoRef repo, int issue, Set<String> expected, Set<String> next)
      throws ForgeException {
    return issueLabels.write(
        repo,
        issue,
        "set labels on #" + issue,
        next,
        (login, t) -> {
          if (!Set.copyOf(t.labels()).equals(Set.copyOf(expected))) {
            return false;
          }
          issueLabels.relabel(repo, issue, t, next, login);
          return true;
        });
  }

  /**
   * Adds one label, keeping the others: what a person does in the web interface, and what GitHub's
   * "add labels" request does. Atomic, like every write here.
   *
   * @return whether the label was added (false when it was already there)
   * @throws ForgeException when the label does not exist, there is no such issue, or the write
   *     fails
   */
  public boolean addLabel(RepoRef repo, int issue, String label) throws ForgeException {
    return issueLabels.write(
        repo,
        issue,
        "add a label to #" + issue,
        Set.of(label),
        (login, t) -> {
          Set<String> next = new LinkedHashSet<>(t.labels());
          next.add(label);
          return issueLabels.relabel(repo, issue, t, next, login);
        });
  }

  @Override
  public List<LabelSpec> labels(RepoRef repo) throws ForgeException {
    access.login();
    return store.repo(repo).labels().stream().map(LabelFile::toSpec).toList();
  }

  @Override
  public boolean upsertLabel(RepoRef repo, LabelSpec label) throws ForgeException {
    return access.write(
        repo,
        Permission.WRITE,
        "create or update labels",
        (login, r) -> {
          LabelFile wanted = LabelFile.of(label);
          List<LabelFile> labels = new ArrayList<>(r.labels());
          for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).name().equals(label.name())) {
              if (!labels.get(i).equals(wanted)) {
                labels.set(i, wanted);
                store.write(store.repoFile(repo), r.withLabels(labels));
                timeline.append(repo, "label updated " + esc(label.name()) + " #" + label.color());
              }
              return false;
            }
          }
          labels.add(wanted);
          store.write(store.repoFile(repo), r.withLabels(labels));
          timeline.append(repo, "label created " + esc(label.name()) + " #" + label.color());
          return true;
        });
  }

  @Override
  public Comment comment(RepoRef repo, int issue, String body) throws ForgeException {
    return access.write(
        repo,
        Permission.READ,
        "comment on #" + issue,
        (login, r) -> {
          ThreadFile t = store.existingThread(repo, issue);
          long id = r.nextCommentId();
          store.write(store.repoFile(repo), r.withNextCommentId(id + 1));
          CommentFile comment = new CommentFile(id, login, body, timeline.now());
          store.writeThread(
              repo, issue, t.withComments(LocalFiles.appended(t.comments(), comment)));
          timeline.append(repo, "comment #" + issue + " (id " + id + "): " + excerpt(body));
          return new Comment(id, login, body);
        });
  }

  @Override
  public List<Comment> comments(RepoRef repo, int issue) throws ForgeException {
    access.login();
    return store.existingThread(repo, issue).comments().stream()
        .map(c -> new Comment(c.id(), c.author(), c.body()))
        .toList();
  }

  @Override
  public void editComment(RepoRef repo, long commentId, String body) throws ForgeException {
    String login = access.login();
    store.locked(
        repo,
        () -> {
          store.repo(repo);
          for (int number : store.allNumbers(repo)) {
            ThreadFile t = store.existingThread(repo, number);
            List<CommentFile> comments = new ArrayList<>(t.comments());
            for (int i = 0; i < comments.size(); i++) {
              CommentFile c = comments.get(i);
              if (c.id() != commentId) {
                continue;
              }
              if (c.author().equals(login)) {
                access.require(repo, login, Permission.READ, "edit its comment " + commentId);
              } else {
                access.require(
                    repo, login, Permission.WRITE, "edit another user's comment " + commentId);
              }
              if (c.body().equals(body)) {
                return false;
              }
              comments.set(i, new CommentFile(c.id(), c.author(), body, timeline.now()));
              store.writeThread(repo, number, t.withComments(comments));
              timeline.append(
                  repo, "edit comment #" + number + " (id " + commentId + "): " + excerpt(body));
              return true;
            }
          }
          throw new ForgeNotFoundException(
              "local forge: no comment with id "
                  + commentId
                  + " in "
                  + repo
                  + "; find it again with findComment (it may have been deleted by hand)",
              404,
              null);
        });
  }

  @Override
  public Optional<PullRequest> findPullRequest(RepoRef repo, String branch) throws ForgeException {
    access.login();
    store.repo(repo);
    return pulls.openPullFor(repo, branch);
  }

  @Override
  public PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request)
      throws ForgeException {
    return pulls.openDraftPullRequest(repo, request);
  }

  @Override
  public void markReadyForReview(RepoRef repo, PullRequest pullRequest) throws ForgeException {
    pulls.markReadyForReview(repo, pullRequest);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The pull request stays open (the close and the reopen are one locked step); the timeline
   * records the reopen, the event that starts the reviews on a real forge.
   *
   * @throws ForgeConflictException (422) when the pull request is closed or merged
   */
  @Override
  public void reopenPullRequest(RepoRef repo, int pullRequest) throws ForgeException {
    pulls.reopenPullRequest(repo, pullRequest);
  }

  /**
   * {@inheritDoc}
   *
   * @throws ForgeConflictException (405) when the pull request is closed, merged or a draft, when
   *     {@code headSha} is not its head, or when the default branch's {@code required_approvals} is
   *     not met
   */
  @Override
  public void merge(RepoRef repo, int pullRequest, String headSha) throws ForgeException {
    pulls.merge(repo, pullRequest, headSha);
  }

  @Override
  public void review(RepoRef repo, int pullRequest, Review review) throws ForgeException {
    pulls.review(repo, pullRequest, review);
  }

  /**
   * {@inheritDoc}
   *
   * @throws ForgeConflictException (422) when no pull request has {@code sha} as its head: the
   *     local forge knows no other commits
   */
  @Override
  public void commitStatus(RepoRef repo, String sha, CommitStatus status) throws ForgeException {
    pulls.commitStatus(repo, sha, status);
  }

  /**
   * Records a push: branch {@code branch} now points at {@code sha}. The local forge holds no git
   * objects; this is the ref that {@link #openDraftPullRequest} and {@link #merge} check, and open
   * pull requests of that head move with it, as on a real forge.
   *
   * @param sha 40 (SHA-1) or 64 (SHA-256) lower-case hex digits
   * @throws ForgeException when the persona may not write or the write fails
   */
  public void pushBranch(RepoRef repo, String branch, String sha) throws ForgeException {
    pulls.pushBranch(repo, branch, sha);
  }

  /**
   * Opens an issue as this instance's login, what a person does in the web interface (the port has
   * no such method: Hydra never opens issues).
   *
   * @return the new issue
   * @throws ForgeException when the login has no access or the write fails
   */
  public Issue createIssue(RepoRef repo, String title, String body) throws ForgeException {
    return access.write(
        repo,
        Permission.READ,
        "open an issue",
        (login, r) -> {
          int number = store.allocateNumber(repo, r);
          IssueFile issue =
              new IssueFile(title, body, login, true, List.of(), List.of(), List.of());
          store.write(store.issueFile(repo, number), issue);
          timeline.append(repo, "open issue #" + number + ": " + excerpt(title));
          return toIssue(number, issue);
        });
  }

  // --- identity and permissions

  // --- issues, labels, numbers

  // --- records of the port

  private static Issue toIssue(int number, ThreadFile t) {
    return new Issue(
        number, t.title(), t.body(), t.open(), t.author(), t.labels(), t instanceof PullFile);
  }

  // --- the timeline

  /** The system clock in the local time zone: the timeline is for the person at this machine. */
  static Clock localTime() {
    return Clock.system(ZoneId.systemDefault());
  }

  static String timelineLine(Clock clock, String actor, String text) {
    return LocalTimeline.line(clock, actor, text);
  }
}
