package dev.hydra.forge.local;

import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
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
import dev.hydra.forge.local.LocalFiles.InlineFile;
import dev.hydra.forge.local.LocalFiles.IssueFile;
import dev.hydra.forge.local.LocalFiles.LabelEventFile;
import dev.hydra.forge.local.LocalFiles.LabelFile;
import dev.hydra.forge.local.LocalFiles.PullFile;
import dev.hydra.forge.local.LocalFiles.RepoFile;
import dev.hydra.forge.local.LocalFiles.ReviewFile;
import dev.hydra.forge.local.LocalFiles.StatusFile;
import dev.hydra.forge.local.LocalFiles.ThreadFile;
import dev.hydra.text.Texts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(LocalForge.class);

  // GitHub logins are letters, digits and hyphens; apps end in "[bot]"; Forgejo adds '_' and '.'.
  private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(\\[bot])?");
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  // GitHub's closing keywords; Forgejo accepts the same words.
  private static final Pattern CLOSES =
      Pattern.compile(
          "(?i)\\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\\s*:?\\s+#([1-9][0-9]{0,8})\\b");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  private final LocalStore store;
  private final String persona;
  private final @Nullable String userLogin;
  private final Clock clock;

  LocalForge(Path dir, String persona, @Nullable String userLogin, Clock clock) {
    if (!LOGIN.matcher(persona).matches()) {
      throw new IllegalArgumentException(
          "invalid persona or login " + Texts.quote(persona) + ": use letters, digits and '-'");
    }
    this.store = new LocalStore(dir);
    this.persona = persona;
    this.userLogin = userLogin;
    this.clock = clock;
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
    return new LocalForge(store.root(), persona, userLogin, other);
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
    return persona;
  }

  @Override
  public String currentUser() throws ForgeException {
    return login();
  }

  @Override
  public Permission tokenPermission(RepoRef repo) throws ForgeException {
    String login = login();
    store.repo(repo);
    return store.users(repo).getOrDefault(login, Permission.NONE);
  }

  @Override
  public Permission userPermission(RepoRef repo, String login) throws ForgeException {
    login();
    store.repo(repo);
    return store.users(repo).getOrDefault(login, Permission.NONE);
  }

  @Override
  public Issue issue(RepoRef repo, int number) throws ForgeException {
    login();
    return toIssue(number, thread(repo, number));
  }

  @Override
  public Optional<LabelEvent> lastLabeled(RepoRef repo, int issue, String label)
      throws ForgeException {
    login();
    List<LabelEventFile> events = thread(repo, issue).labelEvents();
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
    String login = login();
    return store.locked(
        repo,
        () -> {
          String action = "remove a label from #" + issue;
          store.repo(repo);
          require(repo, login, Permission.TRIAGE, action);
          ThreadFile t = thread(repo, issue);
          if (!t.labels().contains(label)) {
            return Optional.<List<String>>empty();
          }
          Set<String> next = new LinkedHashSet<>(t.labels());
          next.remove(label);
          relabel(repo, issue, t, next, login);
          return Optional.<List<String>>of(List.copyOf(next));
        });
  }

  @Override
  public List<String> addLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    String login = login();
    return store.locked(
        repo,
        () -> {
          String action = "add labels to #" + issue;
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.TRIAGE, action);
          ThreadFile t = thread(repo, issue);
          requireLabelsExist(repo, r, labels, action);
          Set<String> next = new LinkedHashSet<>(t.labels());
          next.addAll(labels);
          relabel(repo, issue, t, next, login);
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
    String login = login();
    store.locked(
        repo,
        () -> {
          String action = "set labels on #" + issue;
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.TRIAGE, action);
          ThreadFile t = thread(repo, issue);
          requireLabelsExist(repo, r, labels, action);
          return relabel(repo, issue, t, labels, login);
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
    String login = login();
    return store.locked(
        repo,
        () -> {
          String action = "set labels on #" + issue;
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.TRIAGE, action);
          ThreadFile t = thread(repo, issue);
          requireLabelsExist(repo, r, next, action);
          if (!Set.copyOf(t.labels()).equals(Set.copyOf(expected))) {
            return false;
          }
          relabel(repo, issue, t, next, login);
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
    String login = login();
    return store.locked(
        repo,
        () -> {
          String action = "add a label to #" + issue;
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.TRIAGE, action);
          ThreadFile t = thread(repo, issue);
          requireLabelsExist(repo, r, Set.of(label), action);
          Set<String> next = new LinkedHashSet<>(t.labels());
          next.add(label);
          return relabel(repo, issue, t, next, login);
        });
  }

  @Override
  public List<LabelSpec> labels(RepoRef repo) throws ForgeException {
    login();
    return store.repo(repo).labels().stream().map(LabelFile::toSpec).toList();
  }

  @Override
  public boolean upsertLabel(RepoRef repo, LabelSpec label) throws ForgeException {
    String login = login();
    return store.locked(
        repo,
        () -> {
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.WRITE, "create or update labels");
          LabelFile wanted = LabelFile.of(label);
          List<LabelFile> labels = new ArrayList<>(r.labels());
          for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).name().equals(label.name())) {
              if (!labels.get(i).equals(wanted)) {
                labels.set(i, wanted);
                store.write(store.repoFile(repo), r.withLabels(labels));
                timeline(repo, "label updated " + esc(label.name()) + " #" + label.color());
              }
              return false;
            }
          }
          labels.add(wanted);
          store.write(store.repoFile(repo), r.withLabels(labels));
          timeline(repo, "label created " + esc(label.name()) + " #" + label.color());
          return true;
        });
  }

  @Override
  public Comment comment(RepoRef repo, int issue, String body) throws ForgeException {
    String login = login();
    return store.locked(
        repo,
        () -> {
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.READ, "comment on #" + issue);
          ThreadFile t = thread(repo, issue);
          long id = r.nextCommentId();
          store.write(store.repoFile(repo), r.withNextCommentId(id + 1));
          CommentFile comment = new CommentFile(id, login, body, now());
          writeThread(repo, issue, t.withComments(LocalFiles.appended(t.comments(), comment)));
          timeline(repo, "comment #" + issue + " (id " + id + "): " + excerpt(body));
          return new Comment(id, login, body);
        });
  }

  @Override
  public Optional<Comment> findComment(RepoRef repo, int issue, String marker, String author)
      throws ForgeException {
    login();
    Optional<Comment> newest = Optional.empty();
    for (CommentFile c : thread(repo, issue).comments()) {
      if (c.author().equals(author) && c.body().contains(marker)) {
        newest = Optional.of(new Comment(c.id(), c.author(), c.body()));
      }
    }
    return newest;
  }

  @Override
  public void editComment(RepoRef repo, long commentId, String body) throws ForgeException {
    String login = login();
    store.locked(
        repo,
        () -> {
          store.repo(repo);
          for (int number : allNumbers(repo)) {
            ThreadFile t = thread(repo, number);
            List<CommentFile> comments = new ArrayList<>(t.comments());
            for (int i = 0; i < comments.size(); i++) {
              CommentFile c = comments.get(i);
              if (c.id() != commentId) {
                continue;
              }
              if (c.author().equals(login)) {
                require(repo, login, Permission.READ, "edit its comment " + commentId);
              } else {
                require(repo, login, Permission.WRITE, "edit another user's comment " + commentId);
              }
              if (c.body().equals(body)) {
                return false;
              }
              comments.set(i, new CommentFile(c.id(), c.author(), body, now()));
              writeThread(repo, number, t.withComments(comments));
              timeline(
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
    login();
    store.repo(repo);
    return openPullFor(repo, branch);
  }

  @Override
  public PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request)
      throws ForgeException {
    String login = login();
    return store.locked(
        repo,
        () -> {
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.WRITE, "open a pull request");
          Optional<PullRequest> existing = openPullFor(repo, request.head());
          if (existing.isPresent()) {
            // A re-run: use the one that is there (the port's promise; GitHub says 422 here).
            LOG.info(
                "pull request #{} already exists for {}; using it",
                existing.get().number(),
                Texts.quote(request.head()));
            return existing.get();
          }
          String headSha = branch(repo, r, request.head(), "head");
          String baseSha = branch(repo, r, request.base(), "base");
          if (request.head().equals(request.base()) || headSha.equals(baseSha)) {
            throw new ForgeConflictException(
                "local forge: cannot open a pull request on "
                    + repo
                    + " as "
                    + who(login)
                    + ": there are no commits between "
                    + Texts.quote(request.base())
                    + " and "
                    + Texts.quote(request.head())
                    + "; push the work to the head branch first",
                422,
                null);
          }
          int number = allocateNumber(repo, r);
          PullFile pull =
              new PullFile(
                  request.title(),
                  request.body(),
                  login,
                  true,
                  List.of(),
                  List.of(),
                  List.of(),
                  request.head(),
                  headSha,
                  request.base(),
                  true,
                  false,
                  List.of(),
                  List.of());
          store.write(store.pullFile(repo, number), pull);
          timeline(
              repo,
              "draft PR #"
                  + number
                  + " "
                  + esc(request.head())
                  + " -> "
                  + esc(request.base())
                  + ": "
                  + excerpt(request.title()));
          return toPull(repo, number, pull);
        });
  }

  @Override
  public void markReadyForReview(RepoRef repo, PullRequest pullRequest) throws ForgeException {
    String login = login();
    int number = pullRequest.number();
    store.locked(
        repo,
        () -> {
          store.repo(repo);
          PullFile p = pull(repo, number);
          if (!p.author().equals(login)) {
            require(repo, login, Permission.WRITE, "mark pull request #" + number + " ready");
          }
          if (!p.open()) {
            throw new ForgeConflictException(
                "local forge: cannot mark pull request "
                    + repo
                    + "#"
                    + number
                    + " ready for review as "
                    + who(login)
                    + ": it is "
                    + (p.merged() ? "merged" : "closed"),
                422,
                null);
          }
          if (!p.draft()) {
            return false;
          }
          store.write(store.pullFile(repo, number), p.readyForReview());
          timeline(repo, "ready for review PR #" + number);
          return true;
        });
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
    String login = login();
    store.locked(
        repo,
        () -> {
          store.repo(repo);
          PullFile p = pull(repo, pullRequest);
          if (!p.author().equals(login)) {
            require(repo, login, Permission.WRITE, "reopen pull request #" + pullRequest);
          }
          if (!p.open()) {
            throw new ForgeConflictException(
                "local forge: cannot close and reopen pull request "
                    + repo
                    + "#"
                    + pullRequest
                    + " as "
                    + who(login)
                    + ": it is "
                    + (p.merged() ? "merged" : "closed"),
                422,
                null);
          }
          timeline(repo, "closed and reopened PR #" + pullRequest);
          return true;
        });
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
    String login = login();
    store.locked(
        repo,
        () -> {
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.WRITE, "merge pull request #" + pullRequest);
          PullFile p = pull(repo, pullRequest);
          String refused =
              "local forge: merge of pull request "
                  + repo
                  + "#"
                  + pullRequest
                  + " as "
                  + who(login)
                  + " refused: ";
          if (p.merged()) {
            throw new ForgeConflictException(refused + "it is already merged", 405, null);
          }
          if (!p.open()) {
            throw new ForgeConflictException(
                refused + "it is closed; reopen it before merging", 405, null);
          }
          if (p.draft()) {
            throw new ForgeConflictException(
                refused + "it is a draft; mark it ready for review first", 405, null);
          }
          if (!p.headSha().equals(headSha)) {
            throw new ForgeConflictException(
                refused
                    + "its head is "
                    + esc(p.headSha())
                    + ", not "
                    + esc(headSha)
                    + "; the branch moved since it was reviewed, so read it again and decide again",
                409,
                null);
          }
          if (p.base().equals(r.defaultBranch()) && r.requiredApprovals() > 0) {
            requireApprovals(repo, r, p, refused);
          }
          PullFile merged = p.asMerged();
          store.write(store.repoFile(repo), r.withBranch(p.base(), p.headSha()));
          store.write(store.pullFile(repo, pullRequest), merged);
          timeline(
              repo,
              "merge PR #" + pullRequest + " " + shortSha(p.headSha()) + " into " + esc(p.base()));
          if (p.base().equals(r.defaultBranch())) {
            closeReferencedIssues(repo, pullRequest, p.body());
          }
          return true;
        });
  }

  @Override
  public void review(RepoRef repo, int pullRequest, Review review) throws ForgeException {
    String login = login();
    store.locked(
        repo,
        () -> {
          store.repo(repo);
          require(repo, login, Permission.READ, "review pull request #" + pullRequest);
          PullFile p = pull(repo, pullRequest);
          if (p.author().equals(login) && review.event() != Review.Event.COMMENT) {
            throw new ForgeConflictException(
                "local forge: "
                    + who(login)
                    + " cannot "
                    + (review.event() == Review.Event.APPROVE ? "approve" : "request changes on")
                    + " its own pull request "
                    + repo
                    + "#"
                    + pullRequest
                    + " (GitHub and Forgejo refuse this too); review as another persona",
                422,
                null);
          }
          List<InlineFile> inline =
              review.comments().stream()
                  .map(c -> new InlineFile(c.path(), c.line(), c.body()))
                  .toList();
          ReviewFile file =
              new ReviewFile(
                  login, review.event().name(), review.body(), review.commitSha(), inline, now());
          store.write(store.pullFile(repo, pullRequest), p.withReview(file));
          timeline(
              repo,
              "review PR #"
                  + pullRequest
                  + " "
                  + review.event().name()
                  + " at "
                  + shortSha(review.commitSha())
                  + " ("
                  + inline.size()
                  + (inline.size() == 1 ? " inline comment" : " inline comments")
                  + "): "
                  + excerpt(review.body()));
          return true;
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws ForgeConflictException (422) when no pull request has {@code sha} as its head: the
   *     local forge knows no other commits
   */
  @Override
  public void commitStatus(RepoRef repo, String sha, CommitStatus status) throws ForgeException {
    String login = login();
    store.locked(
        repo,
        () -> {
          store.repo(repo);
          require(repo, login, Permission.WRITE, "set commit statuses");
          String state = status.state().name().toLowerCase(Locale.ROOT);
          StatusFile file =
              new StatusFile(
                  sha,
                  state,
                  status.context(),
                  status.description(),
                  status.targetUrl(),
                  login,
                  now());
          List<Integer> on = new ArrayList<>();
          for (int number : store.numbers(repo, LocalStore.PULLS)) {
            PullFile p = pull(repo, number);
            if (p.headSha().equals(sha)) {
              store.write(store.pullFile(repo, number), p.withStatus(file));
              on.add(number);
            }
          }
          if (on.isEmpty()) {
            throw new ForgeConflictException(
                "local forge: cannot set a status on commit "
                    + esc(sha)
                    + " in "
                    + repo
                    + ": no pull request has it as its head, and the local forge knows no other"
                    + " commits; set statuses on a pull request's head_sha",
                422,
                null);
          }
          timeline(
              repo,
              "status "
                  + shortSha(sha)
                  + " "
                  + esc(status.context())
                  + " "
                  + state
                  + " (PR #"
                  + joinNumbers(on)
                  + ")");
          return true;
        });
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
    if (!SHA.matcher(sha).matches()) {
      throw new IllegalArgumentException(
          "commit " + Texts.quote(sha) + " is not 40 or 64 lower-case hex digits");
    }
    if (branch.isBlank() || !Texts.isPrintableAscii(branch) || branch.contains(" ")) {
      throw new IllegalArgumentException("invalid branch name " + Texts.quote(branch));
    }
    String login = login();
    store.locked(
        repo,
        () -> {
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.WRITE, "push");
          store.write(store.repoFile(repo), r.withBranch(branch, sha));
          List<Integer> moved = new ArrayList<>();
          for (int number : store.numbers(repo, LocalStore.PULLS)) {
            PullFile p = pull(repo, number);
            if (p.open() && p.head().equals(branch) && !p.headSha().equals(sha)) {
              store.write(store.pullFile(repo, number), p.withHeadSha(sha));
              moved.add(number);
            }
          }
          timeline(
              repo,
              "push "
                  + esc(branch)
                  + " "
                  + shortSha(sha)
                  + (moved.isEmpty() ? "" : " (PR #" + joinNumbers(moved) + " head moved)"));
          return true;
        });
  }

  /**
   * Opens an issue as this instance's login, what a person does in the web interface (the port has
   * no such method: Hydra never opens issues).
   *
   * @return the new issue
   * @throws ForgeException when the login has no access or the write fails
   */
  public Issue createIssue(RepoRef repo, String title, String body) throws ForgeException {
    String login = login();
    return store.locked(
        repo,
        () -> {
          RepoFile r = store.repo(repo);
          require(repo, login, Permission.READ, "open an issue");
          int number = allocateNumber(repo, r);
          IssueFile issue =
              new IssueFile(title, body, login, true, List.of(), List.of(), List.of());
          store.write(store.issueFile(repo, number), issue);
          timeline(repo, "open issue #" + number + ": " + excerpt(title));
          return toIssue(number, issue);
        });
  }

  // --- identity and permissions

  private String login() throws ForgeException {
    if (userLogin != null) {
      return userLogin;
    }
    String login = store.personas().get(persona);
    if (login == null) {
      throw new ForgeUnauthorizedException(
          "local forge: persona "
              + persona
              + " has no login in "
              + store.personasFile()
              + "; add \""
              + persona
              + "\": \"hydra-"
              + persona
              + "\" to it (LocalForges.init writes one login per persona)",
          401,
          null);
    }
    if (!LOGIN.matcher(login).matches()) {
      throw LocalStore.invalid(
          store.personasFile(),
          "personas file",
          "the login of persona " + persona + " is " + Texts.quote(login) + ", not a login");
    }
    return login;
  }

  private String who(String login) {
    return login.equals(persona)
        ? "user " + login
        : "persona " + persona + " (login " + login + ")";
  }

  private void require(RepoRef repo, String login, Permission needed, String action)
      throws ForgeException {
    Permission has = store.users(repo).getOrDefault(login, Permission.NONE);
    if (has.compareTo(needed) < 0) {
      String level = needed.name().toLowerCase(Locale.ROOT);
      throw new ForgeForbiddenException(
          "local forge: "
              + who(login)
              + " may not "
              + action
              + " on "
              + repo
              + ": it has "
              + has.name().toLowerCase(Locale.ROOT)
              + " access and that needs "
              + level
              + " or more; grant it in "
              + store.usersFile(repo)
              + " (\""
              + login
              + "\": \""
              + level
              + "\")",
          403,
          null);
    }
  }

  // --- issues, labels, numbers

  private ThreadFile thread(RepoRef repo, int number) throws ForgeException {
    store.repo(repo);
    Optional<ThreadFile> t = store.thread(repo, number);
    if (t.isEmpty()) {
      throw new ForgeNotFoundException(
          "local forge: no issue or pull request #"
              + number
              + " in "
              + repo
              + " (neither "
              + store.issueFile(repo, number)
              + " nor "
              + store.pullFile(repo, number)
              + " exists); check the number",
          404,
          null);
    }
    return t.get();
  }

  private PullFile pull(RepoRef repo, int number) throws ForgeException {
    ThreadFile t = thread(repo, number);
    if (t instanceof PullFile p) {
      return p;
    }
    throw new ForgeNotFoundException(
        "local forge: #" + number + " in " + repo + " is an issue, not a pull request", 404, null);
  }

  private void writeThread(RepoRef repo, int number, ThreadFile t) throws ForgeException {
    store.write(
        t instanceof PullFile ? store.pullFile(repo, number) : store.issueFile(repo, number), t);
  }

  private boolean relabel(RepoRef repo, int number, ThreadFile t, Set<String> next, String login)
      throws ForgeException {
    Set<String> current = new LinkedHashSet<>(t.labels());
    if (current.equals(Set.copyOf(next))) {
      return false;
    }
    String at = now();
    List<String> labels = new ArrayList<>();
    List<LabelEventFile> events = new ArrayList<>(t.labelEvents());
    List<String> removed = new ArrayList<>();
    for (String label : current) {
      if (next.contains(label)) {
        labels.add(label);
      } else {
        removed.add(label);
        events.add(new LabelEventFile(label, LocalFiles.REMOVED, login, at));
      }
    }
    List<String> added = new ArrayList<>(new TreeSet<>(next));
    added.removeAll(current);
    for (String label : added) {
      labels.add(label);
      events.add(new LabelEventFile(label, LocalFiles.ADDED, login, at));
    }
    writeThread(repo, number, t.withLabels(labels, events));
    StringBuilder line = new StringBuilder("labels #").append(number).append(" -> ");
    line.append(
        labels.isEmpty()
            ? "(none)"
            : String.join(", ", labels.stream().map(LocalForge::esc).toList()));
    line.append(" (");
    List<String> changes = new ArrayList<>();
    added.forEach(l -> changes.add("+" + esc(l)));
    removed.forEach(l -> changes.add("-" + esc(l)));
    line.append(String.join(" ", changes)).append(')');
    timeline(repo, line.toString());
    return true;
  }

  private void requireLabelsExist(RepoRef repo, RepoFile r, Set<String> labels, String action)
      throws ForgeException {
    Map<String, String> byLowerCase = new HashMap<>();
    Set<String> names = new TreeSet<>();
    for (LabelFile l : r.labels()) {
      names.add(l.name());
      byLowerCase.putIfAbsent(l.name().toLowerCase(Locale.ROOT), l.name());
    }
    for (String label : new TreeSet<>(labels)) {
      if (names.contains(label)) {
        continue;
      }
      String near = byLowerCase.get(label.toLowerCase(Locale.ROOT));
      throw new ForgeConflictException(
          "local forge: cannot "
              + action
              + " in "
              + repo
              + " as "
              + persona
              + ": label "
              + Texts.quote(label)
              + " does not exist in the repository"
              + (near == null ? "" : " (it has " + Texts.quote(near) + ", which differs in case)")
              + "; seed the labels (Forge.upsertLabel, as `hydra labels` does) or add it to "
              + store.repoFile(repo),
          422,
          null);
    }
  }

  private int allocateNumber(RepoRef repo, RepoFile r) throws ForgeException {
    // The counter, or past the highest file if someone edited the counter down: never reuse.
    int number = r.nextNumber();
    for (String folder : List.of(LocalStore.ISSUES, LocalStore.PULLS)) {
      SortedSet<Integer> numbers = store.numbers(repo, folder);
      if (!numbers.isEmpty()) {
        number = Math.max(number, numbers.last() + 1);
      }
    }
    // The counter first: a crash before the issue is written skips a number, as GitHub can.
    store.write(store.repoFile(repo), r.withNextNumber(number + 1));
    return number;
  }

  private Set<Integer> allNumbers(RepoRef repo) throws ForgeException {
    Set<Integer> numbers = new TreeSet<>(store.numbers(repo, LocalStore.ISSUES));
    numbers.addAll(store.numbers(repo, LocalStore.PULLS));
    return numbers;
  }

  private String branch(RepoRef repo, RepoFile r, String branch, String role)
      throws ForgeException {
    String sha = r.branches().get(branch);
    if (sha == null) {
      throw new ForgeConflictException(
          "local forge: cannot open a pull request on "
              + repo
              + ": its "
              + role
              + " branch "
              + Texts.quote(branch)
              + " does not exist; push it first (LocalForge.pushBranch records a push in "
              + store.repoFile(repo)
              + ")",
          422,
          null);
    }
    return sha;
  }

  private Optional<PullRequest> openPullFor(RepoRef repo, String branch) throws ForgeException {
    for (int number : store.numbers(repo, LocalStore.PULLS)) {
      PullFile p = pull(repo, number);
      if (p.open() && p.head().equals(branch)) {
        return Optional.of(toPull(repo, number, p));
      }
    }
    return Optional.empty();
  }

  private void requireApprovals(RepoRef repo, RepoFile r, PullFile p, String refused)
      throws ForgeException {
    Map<String, Permission> users = store.users(repo);
    Map<String, String> latest = new HashMap<>();
    for (ReviewFile review : p.reviews()) {
      // As on GitHub: a reviewer's latest approving or change-requesting review counts, and only
      // from someone with write access who is not the author.
      if (!review.event().equals(Review.Event.COMMENT.name())
          && !review.author().equals(p.author())
          && users.getOrDefault(review.author(), Permission.NONE).canWrite()) {
        latest.put(review.author(), review.event());
      }
    }
    long approvals = latest.values().stream().filter(Review.Event.APPROVE.name()::equals).count();
    boolean changesRequested = latest.containsValue(Review.Event.REQUEST_CHANGES.name());
    if (changesRequested || approvals < r.requiredApprovals()) {
      throw new ForgeConflictException(
          refused
              + "branch protection of "
              + esc(r.defaultBranch())
              + " requires "
              + r.requiredApprovals()
              + " approving review(s) from users with write access"
              + (changesRequested ? " and no changes requested" : "")
              + "; it has "
              + approvals
              + (changesRequested ? " and changes requested" : "")
              + " (required_approvals in "
              + store.repoFile(repo)
              + ")",
          405,
          null);
    }
  }

  private void closeReferencedIssues(RepoRef repo, int pullRequest, String body)
      throws ForgeException {
    Set<Integer> numbers = new TreeSet<>();
    Matcher m = CLOSES.matcher(body);
    while (m.find()) {
      numbers.add(Integer.parseInt(m.group(1)));
    }
    for (int number : numbers) {
      Optional<ThreadFile> t = store.thread(repo, number);
      if (t.isPresent() && t.get() instanceof IssueFile issue && issue.open()) {
        store.write(store.issueFile(repo, number), issue.withOpen(false));
        timeline(repo, "close issue #" + number + " (PR #" + pullRequest + " merged)");
      }
    }
  }

  // --- records of the port

  private static Issue toIssue(int number, ThreadFile t) {
    return new Issue(
        number, t.title(), t.body(), t.open(), t.author(), t.labels(), t instanceof PullFile);
  }

  private PullRequest toPull(RepoRef repo, int number, PullFile p) {
    return new PullRequest(
        number,
        p.title(),
        p.body(),
        p.open(),
        p.draft(),
        p.merged(),
        p.head(),
        p.headSha(),
        p.base(),
        store.pullFile(repo, number).toUri().toString(),
        p.author(),
        "",
        repo.fullName(),
        List.of());
  }

  // --- the timeline

  /** The system clock in the local time zone: the timeline is for the person at this machine. */
  static Clock localTime() {
    return Clock.system(ZoneId.systemDefault());
  }

  private String now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /**
   * Appends to the timeline after the change itself is written. A failure here is logged, not
   * thrown: the change was made, and a caller told otherwise would retry and make it twice.
   */
  private void timeline(RepoRef repo, String text) {
    try {
      store.appendTimeline(repo, timelineLine(clock, persona, text));
    } catch (ForgeException e) {
      LOG.warn("the change was made, but its timeline line was not written: {}", e.getMessage());
    }
  }

  static String timelineLine(Clock clock, String actor, String text) {
    Instant at = clock.instant();
    String time = LocalTime.ofInstant(at, clock.getZone()).format(TIME);
    return String.format(Locale.ROOT, "%s %-9s %s", time, esc(actor), Texts.oneLine(text));
  }

  private static String esc(String value) {
    return Texts.escape(value, Texts.MAX_SHOWN);
  }

  private static String excerpt(String text) {
    // The first line a person sees: HTML comments (Hydra's markers) are not shown by the forge.
    String first =
        text.replaceAll("(?s)<!--.*?-->", "")
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .findFirst()
            .orElse("");
    return Texts.quote(first);
  }

  private static String shortSha(String sha) {
    return esc(sha.length() > 7 ? sha.substring(0, 7) : sha);
  }

  private static String joinNumbers(List<Integer> numbers) {
    return String.join(", #", numbers.stream().map(String::valueOf).toList());
  }
}
