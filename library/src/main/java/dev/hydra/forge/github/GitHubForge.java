package dev.hydra.forge.github;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeRateLimitedException;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import dev.hydra.forge.transport.BoundTransport;
import dev.hydra.forge.transport.ForgeErrors;
import dev.hydra.forge.transport.ForgeErrors.Attempt;
import dev.hydra.forge.transport.KnownLogin;
import dev.hydra.forge.transport.Operation;
import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.github.GHPullRequestReviewEvent;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forge port on GitHub (and GitHub Enterprise Server), built on {@code org.kohsuke:github-api}
 * 1.330 from explicit settings, never from the environment.
 *
 * <p><b>Transport.</b> github-api sends through {@link TransportConnector}, so every request — its
 * own, the redirects it follows, the paging links it reads — goes through the persona's {@link
 * BoundTransport}: host-bound token, rate limits waited out within the budget. github-api's own
 * rate-limit and abuse handlers are set to fail, so it never sleeps on its own.
 *
 * <p><b>github-api or plain REST.</b> github-api serves the calls of set-up and seeding, where one
 * of its calls is one request ({@link #currentUser}, {@link #tokenPermission}); labels are listed
 * and written as plain REST ({@link #labels}: one request for Hydra's labels). Every call of a
 * pipeline run sends the REST request itself, through the same transport, because github-api first
 * fetches the repository (and often the issue or pull request) and a whole build → reviews →
 * decision run must stay within 20 requests (the pipeline's own are 18):
 *
 * <ul>
 *   <li>{@link #issue}: one GraphQL query ({@link GitHubIssueRead}: the issue, its comments, the
 *       token's {@code viewerPermission} and, when asked, the event's sender's collaborator edge),
 *       {@code GET …/issues/{n}} when it cannot answer;
 *   <li>{@link #userPermission}: the sender's edge when it granted write or more, else {@code GET
 *       …/collaborators/{u}/permission}, the legacy {@code permission} field;
 *   <li>{@link #lastLabeled}: {@code GET …/issues/{n}/events} (github-api has no issue events);
 *   <li>{@link #setLabels}: one {@code PUT …/issues/{n}/labels}; {@link #addLabels}: one {@code
 *       POST}; {@link #takeLabel}: one {@code DELETE …/labels/{name}} (404 when not there);
 *   <li>comments: {@code POST}/{@code GET …/issues/{n}/comments}, {@code PATCH
 *       …/issues/comments/{id}};
 *   <li>{@link #findPullRequest}: {@code GET …/pulls?head=}; {@link #openDraftPullRequest}: {@code
 *       POST …/pulls}; {@link #merge}: {@code PUT …/pulls/{n}/merge}; {@link #review}: {@code POST
 *       …/pulls/{n}/reviews}; {@link #commitStatus}: {@code POST …/statuses/{sha}};
 *   <li>{@link #reopenPullRequest}: {@code PATCH …/pulls/{n}} with {@code state} closed, then open;
 *   <li>{@link #markReadyForReview}: the GraphQL mutation {@code markPullRequestReadyForReview}
 *       (REST has no such call), with the node id the pull request carries.
 * </ul>
 *
 * <p>Reviews map {@link Review.Event} to github-api's {@link GHPullRequestReviewEvent}: {@code
 * COMMENT}, {@code REQUEST_CHANGES}, {@code APPROVE}. Merges send the head SHA and never bypass
 * branch protection.
 */
public final class GitHubForge implements Forge {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubForge.class);

  /** Most pages read from one listing; far beyond any real issue, and it bounds a loop. */
  static final int MAX_PAGES = 50;

  /** GitHub's message when a label to remove is not on the issue (status 404). */
  static final String LABEL_NOT_ON_ISSUE = "Label does not exist";

  private static final String READY_MUTATION =
      "mutation($id: ID!) { markPullRequestReadyForReview(input: {pullRequestId: $id})"
          + " { pullRequest { isDraft } } }";

  private final BoundTransport transport;
  private final GitHubRest http;
  private final GitHub github;

  /**
   * The labels of the last {@link #labels} listing per repository, kept current by this instance's
   * writes, so that seeding after a listing writes only what differs and reads nothing per label.
   */
  private final Map<RepoRef, Map<String, LabelSpec>> listedLabels = new ConcurrentHashMap<>();

  private final KnownLogin login;

  /** The token's permission per repository, as the forge last said it (one token, one process). */
  private final Map<RepoRef, Permission> permissions = new ConcurrentHashMap<>();

  /**
   * Users' permissions per {@link #userKey} as an {@link #issue} read carried them where they stand
   * for the REST answer ({@link GitHubIssueRead#sender}).
   */
  private final Map<String, Permission> userPermissions = new ConcurrentHashMap<>();

  /**
   * An issue's comments as its last {@link #issue} read carried them (all of them), kept current by
   * this instance's own comment writes; per {@link #key}.
   */
  private final Map<String, List<Comment>> comments = new ConcurrentHashMap<>();

  /**
   * Creates the adapter for one persona. Sends nothing.
   *
   * @param apiUrl the REST API URL: {@code https://api.github.com}, or {@code https://host/api/v3}
   *     for GitHub Enterprise Server
   * @param persona the persona whose token this is ({@code builder}, {@code reviewer}, …)
   * @param token the persona's token, bound to {@code apiUrl}'s host
   * @param options timeouts and the rate-limit wait budget
   * @throws IllegalArgumentException when the URL or token is unusable
   */
  public GitHubForge(URI apiUrl, String persona, String token, ForgeOptions options) {
    this.transport = new BoundTransport(ForgeType.GITHUB, apiUrl, persona, token, options);
    this.login = new KnownLogin(transport);
    this.http = new GitHubRest(transport);
    try {
      // Not withOAuthToken(token): with a token but no login, build() sends GET /user to learn
      // the login and swallows any failure of it; one hidden request per persona per run. The
      // provider below sends the same header without that request; currentUser() asks when needed.
      this.github =
          new GitHubBuilder()
              .withEndpoint(transport.resolve("").toString())
              .withAuthorizationProvider(() -> "token " + token)
              .withConnector(new TransportConnector(transport))
              .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
              .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL)
              .build();
    } catch (IOException e) {
      throw new IllegalStateException("github-api could not be set up: " + e.getMessage(), e);
    }
  }

  @Override
  public ForgeType type() {
    return ForgeType.GITHUB;
  }

  @Override
  public String persona() {
    return transport.persona();
  }

  @Override
  public String currentUser() throws ForgeException {
    return login.get(attempt -> GitHubRest.hub(attempt, () -> github.getMyself().getLogin()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Asked once per repository: the permission the last {@link #issue} read carried, else {@code
   * GET /repos/{o}/{r}} (its {@code permissions}); this instance holds one token for one process.
   */
  @Override
  public Permission tokenPermission(RepoRef repo) throws ForgeException {
    Permission known = permissions.get(repo);
    if (known != null) {
      return known;
    }
    Attempt attempt = attempt(Operation.TOKEN_PERMISSION, repo.fullName());
    GHRepository fetched = GitHubRest.hub(attempt, () -> github.getRepository(repo.fullName()));
    Permission permission =
        fetched.hasAdminAccess()
            ? Permission.ADMIN
            : fetched.hasPushAccess()
                ? Permission.WRITE
                : fetched.hasPullAccess() ? Permission.READ : Permission.NONE;
    permissions.put(repo, permission);
    return permission;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The answer an {@link #issue(RepoRef, int, String)} read carried for {@code user}, else
   * {@code GET …/collaborators/{u}/permission}.
   */
  @Override
  public Permission userPermission(RepoRef repo, String user) throws ForgeException {
    Permission known = userPermissions.get(userKey(repo, user));
    if (known != null) {
      return known;
    }
    Attempt attempt =
        attempt(Operation.USER_PERMISSION, repo.fullName() + " (user " + Texts.quote(user) + ")");
    HttpResponse<byte[]> response =
        http.rest(
            attempt,
            "GET",
            http.repoPath(repo, "/collaborators/" + GitHubRest.segment(user) + "/permission"),
            null);
    return GitHubWire.permission(
        GitHubRest.read(
                attempt, response, new TypeReference<GitHubWire.CollaboratorPermission>() {})
            .permission());
  }

  /**
   * {@inheritDoc}
   *
   * <p>One GraphQL query ({@link GitHubIssueRead}) that also carries the token's permission on the
   * repository, kept for {@link #tokenPermission}, and the issue's comments, kept for {@link
   * #findComment} until the next read of the issue. The REST read {@code GET …/issues/{n}} answers
   * instead when the query cannot stand for it (an error, more labels than one page).
   */
  @Override
  public Issue issue(RepoRef repo, int number) throws ForgeException {
    return read(repo, number, "");
  }

  /**
   * {@inheritDoc}
   *
   * <p>The same query asks {@code sender}'s collaborator edge; where it stands for the REST answer
   * ({@link GitHubIssueRead#sender}: write or more), {@link #userPermission} answers from it.
   */
  @Override
  public Issue issue(RepoRef repo, int number, String sender) throws ForgeException {
    return read(repo, number, sender.strip());
  }

  private Issue read(RepoRef repo, int number, String sender) throws ForgeException {
    Attempt attempt = attempt(Operation.READ_ISSUE, repo.fullName() + "#" + number);
    GitHubIssueRead.Read read;
    try {
      HttpResponse<byte[]> answer =
          http.rest(
              attempt,
              "POST",
              graphQlUrl(),
              sender.isEmpty()
                  ? GitHubIssueRead.body(repo.owner(), repo.name(), number)
                  : GitHubIssueRead.body(repo.owner(), repo.name(), number, sender));
      read =
          GitHubIssueRead.read(
              GitHubRest.read(attempt, answer, new TypeReference<GitHubIssueRead.Answer>() {}),
              sender);
    } catch (ForgeRateLimitedException e) {
      throw e;
    } catch (ForgeException e) {
      // GraphQL refused or unavailable (an older GHES): the REST read says what is wrong, if
      // anything is.
      LOG.debug("the GraphQL read of an issue failed, reading REST: {}", e.getMessage());
      read = GitHubIssueRead.read(new GitHubIssueRead.Answer(null, null));
    }
    read.permission().ifPresent(permission -> permissions.put(repo, permission));
    read.sender().ifPresent(permission -> userPermissions.put(userKey(repo, sender), permission));
    String key = key(repo, number);
    read.comments()
        .ifPresentOrElse(c -> comments.put(key, List.copyOf(c)), () -> comments.remove(key));
    if (read.issue().isPresent()) {
      return read.issue().get();
    }
    HttpResponse<byte[]> response =
        http.rest(attempt, "GET", http.repoPath(repo, "/issues/" + number), null);
    return GitHubRest.read(attempt, response, new TypeReference<GitHubWire.IssueItem>() {})
        .toIssue();
  }

  private static String key(RepoRef repo, int issue) {
    return repo.fullName() + "#" + issue;
  }

  /** Logins are case-insensitive on GitHub. */
  private static String userKey(RepoRef repo, String login) {
    return repo.fullName() + " " + login.toLowerCase(Locale.ROOT);
  }

  @Override
  public Optional<LabelEvent> lastLabeled(RepoRef repo, int issue, String label)
      throws ForgeException {
    return GitHubWire.lastLabeled(events(repo, issue), label);
  }

  /** {@inheritDoc} One read of the issue's events for all of them. */
  @Override
  public Map<String, LabelEvent> lastLabeled(RepoRef repo, int issue, Set<String> labels)
      throws ForgeException {
    List<GitHubWire.IssueEvent> events = events(repo, issue);
    Map<String, LabelEvent> found = new LinkedHashMap<>();
    for (String label : labels) {
      GitHubWire.lastLabeled(events, label).ifPresent(event -> found.put(label, event));
    }
    return found;
  }

  private List<GitHubWire.IssueEvent> events(RepoRef repo, int issue) throws ForgeException {
    Attempt attempt = attempt(Operation.LABEL_HISTORY, repo.fullName() + "#" + issue);
    return http.issueListing(
        attempt, repo, issue, "events", new TypeReference<List<GitHubWire.IssueEvent>>() {});
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code DELETE …/issues/{n}/labels/{name}}: GitHub answers the labels left, or 404 {@code
   * "Label does not exist"} when the issue does not carry the label; of two concurrent removals one
   * gets the 404.
   */
  @Override
  public Optional<List<String>> takeLabel(RepoRef repo, int issue, String label)
      throws ForgeException {
    Attempt attempt = attempt(Operation.SET_LABELS, repo.fullName() + "#" + issue);
    HttpResponse<byte[]> response;
    try {
      response =
          http.rest(
              attempt,
              "DELETE",
              http.repoPath(repo, "/issues/" + issue + "/labels/" + GitHubRest.segment(label)),
              null);
    } catch (ForgeNotFoundException e) {
      if (String.valueOf(e.getMessage()).contains(LABEL_NOT_ON_ISSUE)) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(
        GitHubWire.names(
            GitHubRest.read(
                attempt, response, new TypeReference<List<GitHubWire.LabelName>>() {})));
  }

  @Override
  public List<String> addLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    Attempt attempt = attempt(Operation.SET_LABELS, repo.fullName() + "#" + issue);
    HttpResponse<byte[]> response =
        http.toIssue(
            attempt,
            "POST",
            repo,
            issue,
            "labels",
            Map.of("labels", new ArrayList<>(new TreeSet<>(labels))));
    return GitHubWire.names(
        GitHubRest.read(attempt, response, new TypeReference<List<GitHubWire.LabelName>>() {}));
  }

  @Override
  public void setLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    Attempt attempt = attempt(Operation.SET_LABELS, repo.fullName() + "#" + issue);
    // One PUT replaces the whole set (GitHub "Set labels for an issue"); sorted for stable bodies.
    http.toIssue(
        attempt,
        "PUT",
        repo,
        issue,
        "labels",
        Map.of("labels", new ArrayList<>(new TreeSet<>(labels))));
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code GET …/labels?per_page=100}, every page: one request for Hydra's 26 labels.
   */
  @Override
  public List<LabelSpec> labels(RepoRef repo) throws ForgeException {
    Attempt attempt = attempt(Operation.LIST_LABELS, repo.fullName());
    Map<String, LabelSpec> byName = new ConcurrentHashMap<>();
    List<LabelSpec> specs = new ArrayList<>();
    for (GitHubWire.Label label :
        http.readPages(
            attempt,
            http.repoPath(repo, "/labels?per_page=100"),
            new TypeReference<List<GitHubWire.Label>>() {})) {
      LabelSpec spec = label.toSpec();
      byName.putIfAbsent(spec.name(), spec);
      specs.add(spec);
    }
    listedLabels.put(repo, byName);
    return specs;
  }

  /**
   * {@inheritDoc}
   *
   * <p>After a {@link #labels} listing, one {@code POST …/labels} for a missing label, one {@code
   * PATCH …/labels/{name}} for one that differs, nothing for one that is current; without a
   * listing, a {@code GET …/labels/{name}} first. A listing that went stale meanwhile (the label
   * was created or deleted by someone else) is answered 422 or 404, and then the label is read.
   */
  @Override
  public boolean upsertLabel(RepoRef repo, LabelSpec label) throws ForgeException {
    Attempt attempt =
        attempt(
            Operation.UPSERT_LABEL, repo.fullName() + " (label " + Texts.quote(label.name()) + ")");
    Map<String, LabelSpec> listed = listedLabels.get(repo);
    if (listed != null) {
      try {
        return write(attempt, repo, listed, Optional.ofNullable(listed.get(label.name())), label);
      } catch (ForgeConflictException | ForgeNotFoundException stale) {
        listedLabels.remove(repo);
      }
    }
    Optional<LabelSpec> existing;
    try {
      existing =
          Optional.of(
              GitHubRest.read(
                      attempt,
                      http.rest(attempt, "GET", labelPath(repo, label.name()), null),
                      new TypeReference<GitHubWire.Label>() {})
                  .toSpec());
    } catch (ForgeNotFoundException absent) {
      existing = Optional.empty();
    }
    return write(attempt, repo, new ConcurrentHashMap<>(), existing, label);
  }

  private boolean write(
      Attempt attempt,
      RepoRef repo,
      Map<String, LabelSpec> known,
      Optional<LabelSpec> existing,
      LabelSpec label)
      throws ForgeException {
    if (existing.isEmpty()) {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("name", label.name());
      body.put("color", label.color());
      body.put("description", label.description());
      http.rest(attempt, "POST", http.repoPath(repo, "/labels"), body);
      known.put(label.name(), label);
      return true;
    }
    if (!existing.get().equals(label)) {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("color", label.color());
      body.put("description", label.description());
      http.rest(attempt, "PATCH", labelPath(repo, label.name()), body);
      known.put(label.name(), label);
    }
    return false;
  }

  private URI labelPath(RepoRef repo, String name) {
    return http.repoPath(repo, "/labels/" + GitHubRest.segment(name));
  }

  @Override
  public Comment comment(RepoRef repo, int issue, String body) throws ForgeException {
    Attempt attempt = attempt(Operation.COMMENT, repo.fullName() + "#" + issue);
    HttpResponse<byte[]> response =
        http.toIssue(attempt, "POST", repo, issue, "comments", Map.of("body", body));
    Comment posted =
        GitHubRest.read(attempt, response, new TypeReference<GitHubWire.IssueComment>() {})
            .toComment();
    comments.computeIfPresent(
        key(repo, issue),
        (k, known) -> {
          List<Comment> more = new ArrayList<>(known);
          more.add(posted);
          return List.copyOf(more);
        });
    return posted;
  }

  @Override
  public List<Comment> comments(RepoRef repo, int issue) throws ForgeException {
    // The guard's issue read carried every comment when they all fit; this instance's own comment
    // writes keep that list current, so the builder's input and the progress comment cost nothing.
    List<Comment> known = comments.get(key(repo, issue));
    if (known != null) {
      return known;
    }
    Attempt attempt = attempt(Operation.LIST_COMMENTS, repo.fullName() + "#" + issue);
    return http
        .issueListing(
            attempt, repo, issue, "comments", new TypeReference<List<GitHubWire.IssueComment>>() {})
        .stream()
        .map(GitHubWire.IssueComment::toComment)
        .toList();
  }

  @Override
  public void editComment(RepoRef repo, long commentId, String body) throws ForgeException {
    Attempt attempt = attempt(Operation.EDIT_COMMENT, repo.fullName() + " comment " + commentId);
    http.rest(
        attempt,
        "PATCH",
        http.repoPath(repo, "/issues/comments/" + commentId),
        Map.of("body", body));
    String prefix = repo.fullName() + "#";
    comments.replaceAll(
        (k, known) ->
            !k.startsWith(prefix)
                ? known
                : known.stream()
                    .map(c -> c.id() == commentId ? new Comment(c.id(), c.author(), body) : c)
                    .toList());
  }

  @Override
  public Optional<PullRequest> findPullRequest(RepoRef repo, String branch) throws ForgeException {
    Attempt attempt =
        attempt(
            Operation.FIND_PULL_REQUEST, repo.fullName() + " (head " + Texts.quote(branch) + ")");
    return findOpen(attempt, repo, branch).map(GitHubWire.PullRequestItem::toPullRequest);
  }

  private Optional<GitHubWire.PullRequestItem> findOpen(
      Attempt attempt, RepoRef repo, String branch) throws ForgeException {
    List<GitHubWire.PullRequestItem> items =
        http.readPages(
            attempt,
            http.repoPath(
                repo,
                "/pulls?state=open&per_page=100&head="
                    + GitHubRest.query(repo.owner() + ":" + branch)),
            new TypeReference<List<GitHubWire.PullRequestItem>>() {});
    return items.stream().filter(pr -> pr.isHeadIn(repo, branch)).findFirst();
  }

  @Override
  public PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request)
      throws ForgeException {
    Attempt attempt =
        attempt(
            Operation.OPEN_PULL_REQUEST,
            repo.fullName() + " (head " + Texts.quote(request.head()) + ")");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", request.title());
    body.put("head", request.head());
    body.put("base", request.base());
    body.put("body", request.body());
    body.put("draft", true);
    body.put("maintainer_can_modify", false);
    try {
      HttpResponse<byte[]> response =
          http.rest(
              attempt,
              "POST",
              http.repoPath(repo, "/pulls"),
              body,
              "a pull request for this head may already exist, or the head branch was not pushed");
      return GitHubRest.read(attempt, response, new TypeReference<GitHubWire.PullRequestItem>() {})
          .toPullRequest();
    } catch (ForgeConflictException e) {
      // 422 "A pull request already exists for owner:branch": a re-run; use that one (SPEC §4.1).
      Optional<GitHubWire.PullRequestItem> existing = findOpen(attempt, repo, request.head());
      if (existing.isPresent()) {
        LOG.info(
            "pull request #{} already exists for {}; using it",
            existing.get().number(),
            Texts.quote(request.head()));
        return existing.get().toPullRequest();
      }
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>One GraphQL mutation when the pull request carries its node id and is a draft; a pull
   * request that is not a draft is left alone. Without the node id it is read first.
   */
  @Override
  public void markReadyForReview(RepoRef repo, PullRequest pullRequest) throws ForgeException {
    Attempt attempt =
        attempt(Operation.MARK_READY, repo.fullName() + " pull request #" + pullRequest.number());
    PullRequest current = pullRequest;
    if (current.nodeId().isEmpty()) {
      HttpResponse<byte[]> response =
          http.rest(attempt, "GET", http.repoPath(repo, "/pulls/" + pullRequest.number()), null);
      current =
          GitHubRest.read(attempt, response, new TypeReference<GitHubWire.PullRequestItem>() {})
              .toPullRequest();
    }
    if (!current.draft()) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", READY_MUTATION);
    body.put("variables", Map.of("id", current.nodeId()));
    HttpResponse<byte[]> response = http.rest(attempt, "POST", graphQlUrl(), body);
    GitHubWire.GraphQlResponse answer =
        GitHubRest.read(attempt, response, new TypeReference<GitHubWire.GraphQlResponse>() {});
    List<GitHubWire.GraphQlError> errors = answer.errors();
    if (errors != null && !errors.isEmpty()) {
      GitHubWire.GraphQlError first = errors.get(0);
      int status =
          "FORBIDDEN".equals(first.type()) ? 403 : "NOT_FOUND".equals(first.type()) ? 404 : 422;
      throw ForgeErrors.fromStatus(
          attempt,
          status,
          String.valueOf(
              Json.mapper().createObjectNode().put("message", String.valueOf(first.message()))),
          null);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Two {@code PATCH …/pulls/{n}} requests: {@code state} closed, then open.
   */
  @Override
  public void reopenPullRequest(RepoRef repo, int pullRequest) throws ForgeException {
    Attempt attempt =
        attempt(Operation.REOPEN_PULL_REQUEST, repo.fullName() + " pull request #" + pullRequest);
    URI path = http.repoPath(repo, "/pulls/" + pullRequest);
    http.rest(attempt, "PATCH", path, Map.of("state", "closed"));
    http.rest(attempt, "PATCH", path, Map.of("state", "open"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code PUT …/pulls/{n}/merge} with {@code sha}: GitHub refuses (409) when the head moved. No
   * administrator bypass exists in this API; branch protection applies.
   */
  @Override
  public void merge(RepoRef repo, int pullRequest, String headSha) throws ForgeException {
    Attempt attempt = attempt(Operation.MERGE, repo.fullName() + " pull request #" + pullRequest);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sha", headSha);
    body.put("merge_method", "merge");
    http.rest(
        attempt,
        "PUT",
        http.repoPath(repo, "/pulls/" + pullRequest + "/merge"),
        body,
        "the head moved since it was reviewed, or branch protection or checks forbid the merge;"
            + " review the new head");
  }

  @Override
  public void review(RepoRef repo, int pullRequest, Review review) throws ForgeException {
    Attempt attempt = attempt(Operation.REVIEW, repo.fullName() + " pull request #" + pullRequest);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("commit_id", review.commitSha());
    body.put("body", review.body());
    body.put("event", event(review.event()).name());
    List<Map<String, Object>> comments = new ArrayList<>();
    for (Review.InlineComment comment : review.comments()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("path", comment.path());
      c.put("line", comment.line());
      c.put("side", "RIGHT");
      c.put("body", comment.body());
      comments.add(c);
    }
    if (!comments.isEmpty()) {
      body.put("comments", comments);
    }
    http.rest(
        attempt,
        "POST",
        http.repoPath(repo, "/pulls/" + pullRequest + "/reviews"),
        body,
        "a line may be outside the diff, the commit may not be the head, or the persona may be"
            + " reviewing its own pull request");
  }

  /** The wire word for a review event. {@code APPROVE} here; Forgejo spells it differently. */
  static GHPullRequestReviewEvent event(Review.Event event) {
    return switch (event) {
      case COMMENT -> GHPullRequestReviewEvent.COMMENT;
      case REQUEST_CHANGES -> GHPullRequestReviewEvent.REQUEST_CHANGES;
      case APPROVE -> GHPullRequestReviewEvent.APPROVE;
    };
  }

  @Override
  public void commitStatus(RepoRef repo, String sha, CommitStatus status) throws ForgeException {
    Attempt attempt =
        attempt(
            Operation.COMMIT_STATUS,
            repo.fullName() + " commit " + sha.substring(0, Math.min(12, sha.length())));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("state", status.state().name().toLowerCase(Locale.ROOT));
    if (!status.targetUrl().isEmpty()) {
      body.put("target_url", status.targetUrl());
    }
    body.put("description", status.description());
    body.put("context", status.context());
    http.rest(attempt, "POST", http.repoPath(repo, "/statuses/" + GitHubRest.segment(sha)), body);
  }

  // ---------------------------------------------------------------------------------------------

  private Attempt attempt(Operation operation, String target) {
    return new Attempt(transport, operation, target);
  }

  /** GraphQL beside the REST API: {@code /graphql}, or {@code /api/graphql} on GHES. */
  URI graphQlUrl() {
    return http.graphQlUrl();
  }
}
