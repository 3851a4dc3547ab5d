package dev.hydra.forge.local;

import static dev.hydra.forge.local.LocalTimeline.esc;
import static dev.hydra.forge.local.LocalTimeline.excerpt;
import static dev.hydra.forge.local.LocalTimeline.joinNumbers;
import static dev.hydra.forge.local.LocalTimeline.shortSha;

import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import dev.hydra.forge.local.LocalFiles.InlineFile;
import dev.hydra.forge.local.LocalFiles.IssueFile;
import dev.hydra.forge.local.LocalFiles.PullFile;
import dev.hydra.forge.local.LocalFiles.RepoFile;
import dev.hydra.forge.local.LocalFiles.ReviewFile;
import dev.hydra.forge.local.LocalFiles.StatusFile;
import dev.hydra.forge.local.LocalFiles.ThreadFile;
import dev.hydra.text.Texts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local forge's pull requests, branches and commit statuses: what {@link LocalForge} does for
 * the port's pull-request operations and its own {@code pushBranch}, with the rules a real forge
 * enforces (a draft is not merged, a stale head is refused, branch protection's approvals, closing
 * keywords close issues on a merge into the default branch).
 */
record LocalPulls(LocalStore store, LocalAccess access, LocalTimeline timeline) {

  private static final Logger LOG = LoggerFactory.getLogger(LocalForge.class);

  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  // GitHub's closing keywords; Forgejo accepts the same words.
  private static final Pattern CLOSES =
      Pattern.compile(
          "(?i)\\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\\s*:?\\s+#([1-9][0-9]{0,8})\\b");

  PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request) throws ForgeException {
    return access.write(
        repo,
        Permission.WRITE,
        "open a pull request",
        (login, r) -> {
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
                    + access.who(login)
                    + ": there are no commits between "
                    + Texts.quote(request.base())
                    + " and "
                    + Texts.quote(request.head())
                    + "; push the work to the head branch first",
                422,
                null);
          }
          int number = store.allocateNumber(repo, r);
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
          timeline.append(
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

  void markReadyForReview(RepoRef repo, PullRequest pullRequest) throws ForgeException {
    int number = pullRequest.number();
    authorWrite(
        repo,
        number,
        "mark pull request #" + number + " ready",
        "mark",
        " ready for review",
        (login, r, p) -> {
          if (!p.draft()) {
            return false;
          }
          store.write(store.pullFile(repo, number), p.readyForReview());
          timeline.append(repo, "ready for review PR #" + number);
          return true;
        });
  }

  void reopenPullRequest(RepoRef repo, int pullRequest) throws ForgeException {
    authorWrite(
        repo,
        pullRequest,
        "reopen pull request #" + pullRequest,
        "close and reopen",
        "",
        (login, r, p) -> {
          timeline.append(repo, "closed and reopened PR #" + pullRequest);
          return true;
        });
  }

  /**
   * One locked change of an open pull request by its author, or by a login with write access to
   * {@code action}; a closed or merged one is refused: "cannot {@code verb} pull request #n{@code
   * after}".
   */
  private <T> T authorWrite(
      RepoRef repo, int number, String action, String verb, String after, PullWrite<T> work)
      throws ForgeException {
    String login = access.login();
    return store.locked(
        repo,
        () -> {
          RepoFile r = store.repo(repo);
          PullFile p = store.existingPull(repo, number);
          if (!p.author().equals(login)) {
            access.require(repo, login, Permission.WRITE, action);
          }
          if (!p.open()) {
            throw new ForgeConflictException(
                "local forge: cannot "
                    + verb
                    + " pull request "
                    + repo
                    + "#"
                    + number
                    + after
                    + " as "
                    + access.who(login)
                    + ": it is "
                    + (p.merged() ? "merged" : "closed"),
                422,
                null);
          }
          return work.apply(login, r, p);
        });
  }

  void merge(RepoRef repo, int pullRequest, String headSha) throws ForgeException {
    pullWrite(
        repo,
        pullRequest,
        Permission.WRITE,
        "merge pull request #" + pullRequest,
        (login, r, p) -> {
          String refused =
              "local forge: merge of pull request "
                  + repo
                  + "#"
                  + pullRequest
                  + " as "
                  + access.who(login)
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
          timeline.append(
              repo,
              "merge PR #" + pullRequest + " " + shortSha(p.headSha()) + " into " + esc(p.base()));
          if (p.base().equals(r.defaultBranch())) {
            closeReferencedIssues(repo, pullRequest, p.body());
          }
          return true;
        });
  }

  void review(RepoRef repo, int pullRequest, Review review) throws ForgeException {
    pullWrite(
        repo,
        pullRequest,
        Permission.READ,
        "review pull request #" + pullRequest,
        (login, r, p) -> {
          if (p.author().equals(login) && review.event() != Review.Event.COMMENT) {
            throw new ForgeConflictException(
                "local forge: "
                    + access.who(login)
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
                  login,
                  review.event().name(),
                  review.body(),
                  review.commitSha(),
                  inline,
                  timeline.now());
          store.write(store.pullFile(repo, pullRequest), p.withReview(file));
          timeline.append(
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

  void commitStatus(RepoRef repo, String sha, CommitStatus status) throws ForgeException {
    access.write(
        repo,
        Permission.WRITE,
        "set commit statuses",
        (login, r) -> {
          String state = status.state().name().toLowerCase(Locale.ROOT);
          StatusFile file =
              new StatusFile(
                  sha,
                  state,
                  status.context(),
                  status.description(),
                  status.targetUrl(),
                  login,
                  timeline.now());
          List<Integer> on = new ArrayList<>();
          for (int number : store.numbers(repo, LocalStore.PULLS)) {
            PullFile p = store.existingPull(repo, number);
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
          timeline.append(
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

  void pushBranch(RepoRef repo, String branch, String sha) throws ForgeException {
    if (!SHA.matcher(sha).matches()) {
      throw new IllegalArgumentException(
          "commit " + Texts.quote(sha) + " is not 40 or 64 lower-case hex digits");
    }
    if (branch.isBlank() || !Texts.isPrintableAscii(branch) || branch.contains(" ")) {
      throw new IllegalArgumentException("invalid branch name " + Texts.quote(branch));
    }
    access.write(
        repo,
        Permission.WRITE,
        "push",
        (login, r) -> {
          store.write(store.repoFile(repo), r.withBranch(branch, sha));
          List<Integer> moved = new ArrayList<>();
          for (int number : store.numbers(repo, LocalStore.PULLS)) {
            PullFile p = store.existingPull(repo, number);
            if (p.open() && p.head().equals(branch) && !p.headSha().equals(sha)) {
              store.write(store.pullFile(repo, number), p.withHeadSha(sha));
              moved.add(number);
            }
          }
          timeline.append(
              repo,
              "push "
                  + esc(branch)
                  + " "
                  + shortSha(sha)
                  + (moved.isEmpty() ? "" : " (PR #" + joinNumbers(moved) + " head moved)"));
          return true;
        });
  }

  /** The work of a write on one pull request, as {@code login}, given it as it is. */
  @FunctionalInterface
  private interface PullWrite<T> {
    T apply(String login, RepoFile repo, PullFile pull) throws ForgeException;
  }

  private <T> T pullWrite(
      RepoRef repo, int number, Permission needed, String action, PullWrite<T> work)
      throws ForgeException {
    return access.write(
        repo, needed, action, (login, r) -> work.apply(login, r, store.existingPull(repo, number)));
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

  Optional<PullRequest> openPullFor(RepoRef repo, String branch) throws ForgeException {
    for (int number : store.numbers(repo, LocalStore.PULLS)) {
      PullFile p = store.existingPull(repo, number);
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
        timeline.append(repo, "close issue #" + number + " (PR #" + pullRequest + " merged)");
      }
    }
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
}
