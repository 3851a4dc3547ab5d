package dev.hydra.forge.forgejo;

import static dev.hydra.forge.forgejo.ForgejoCalls.call;
import static dev.hydra.forge.forgejo.ForgejoCalls.pages;

import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import dev.hydra.forge.forgejo.ForgejoCalls.Paging;
import dev.hydra.forge.forgejo.client.api.IssueApi;
import dev.hydra.forge.forgejo.client.api.RepositoryApi;
import dev.hydra.forge.forgejo.client.api.UserApi;
import dev.hydra.forge.forgejo.client.invoker.ApiClient;
import dev.hydra.forge.forgejo.client.invoker.ApiException;
import dev.hydra.forge.forgejo.client.model.CreateIssueCommentOption;
import dev.hydra.forge.forgejo.client.model.CreateLabelOption;
import dev.hydra.forge.forgejo.client.model.CreatePullRequestOption;
import dev.hydra.forge.forgejo.client.model.CreatePullReviewComment;
import dev.hydra.forge.forgejo.client.model.CreatePullReviewOptions;
import dev.hydra.forge.forgejo.client.model.CreateStatusOption;
import dev.hydra.forge.forgejo.client.model.EditIssueCommentOption;
import dev.hydra.forge.forgejo.client.model.EditLabelOption;
import dev.hydra.forge.forgejo.client.model.EditPullRequestOption;
import dev.hydra.forge.forgejo.client.model.IssueLabelsOption;
import dev.hydra.forge.forgejo.client.model.Label;
import dev.hydra.forge.forgejo.client.model.MergePullRequestOption;
import dev.hydra.forge.forgejo.client.model.TimelineComment;
import dev.hydra.forge.transport.BoundTransport;
import dev.hydra.forge.transport.ForgeErrors.Attempt;
import dev.hydra.forge.transport.KnownLogin;
import dev.hydra.forge.transport.LabelColors;
import dev.hydra.forge.transport.Operation;
import dev.hydra.text.Texts;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forge port on Forgejo (and Codeberg, Gitea-compatible APIs), built on the client generated
 * from our subset of Forgejo's swagger (forgejo-client/README.md).
 *
 * <p><b>Transport.</b> One {@link ApiClient} per instance whose {@link HttpClient} is the persona's
 * {@link BoundTransport}: the API base URI is the configured API URL, and the {@code Authorization:
 * token …} header is added there, after the host check, rather than by a request interceptor, so
 * that no layer above the check ever holds a request carrying the token.
 *
 * <p><b>Where Forgejo differs</b> (forge-actions.md §B–C):
 *
 * <ul>
 *   <li>Labels are written by ID: names are resolved once per instance and repository from {@code
 *       issueListLabels} (all pages), and {@link #setLabels} is one {@code issueReplaceLabels} with
 *       IDs. A name missing from the cache causes one re-read before it is reported as missing.
 *   <li>Reviews send {@code COMMENT}, {@code REQUEST_CHANGES} or {@code APPROVED} — never {@code
 *       APPROVE}, which Forgejo silently turns into a pending review — with inline comments at
 *       {@code new_position} = the line in the new file.
 *   <li>A draft is a title starting {@value ForgejoMapping#WIP_PREFIX}; ready for review is the
 *       title without it ({@code repoEditPullRequest} sends only the title: the client leaves unset
 *       lists out, and an empty list would clear the pull request's labels).
 *   <li>Merges send {@code Do=merge} with {@code head_commit_id} and never {@code force_merge}.
 *   <li>Who added a label is read from the issue's timeline, to its end: its {@code X-Total-Count}
 *       counts only the page answered, so the timeline is read until an empty page (one request
 *       more than its pages).
 * </ul>
 *
 * <p><b>The permission of a user who applied a label.</b> {@code repoGetRepoPermissions} answers
 * only site admins, repository admins and the user themself; Hydra's persona tokens are none of
 * these by design (an admin persona token is refused). {@link #userPermission} therefore:
 *
 * <ol>
 *   <li>asks {@code repoGetRepoPermissions} (it works when the token may ask, or asks about its own
 *       user);
 *   <li>on 403, answers {@link Permission#ADMIN} when the user is the repository's owner (the owner
 *       of a user-owned repository has every right; a user login cannot equal an organisation's
 *       name, both live in one namespace);
 *   <li>otherwise throws a {@link ForgeForbiddenException} saying that Forgejo will not tell, and
 *       naming the fix: the operator lists the logins trusted to apply authority labels in {@code
 *       HYDRA_TRUSTED_LABELERS}, which the caller consults instead. Nothing else the persona tokens
 *       can call establishes write access: {@code repoCheckCollaborator} says "collaborator" for
 *       read-only collaborators too, and team grants are not visible to them.
 * </ol>
 *
 * See docs/forges.md.
 */
public final class ForgejoForge implements Forge {

  private static final Logger LOG = LoggerFactory.getLogger(ForgejoForge.class);

  /** Items asked per page: Forgejo's default maximum ({@code MAX_RESPONSE_ITEMS}). */
  static final int PAGE_SIZE = 50;

  /** Most pages read from one listing; it bounds a loop. */
  static final int MAX_PAGES = 50;

  private final BoundTransport transport;
  private final IssueApi issues;
  private final RepositoryApi repositories;
  private final UserApi users;
  private final ForgejoLabels labelIds;
  private final KnownLogin login;

  /**
   * Creates the adapter for one persona. Sends nothing.
   *
   * @param apiUrl the API URL, ending in {@code /api/v1}: {@code https://codeberg.org/api/v1}
   * @param persona the persona whose token this is ({@code builder}, {@code reviewer}, …)
   * @param token the persona's token, bound to {@code apiUrl}'s host
   * @param options timeouts and the rate-limit wait budget
   * @throws IllegalArgumentException when the URL or token is unusable
   */
  public ForgejoForge(URI apiUrl, String persona, String token, ForgeOptions options) {
    this.transport = new BoundTransport(ForgeType.FORGEJO, apiUrl, persona, token, options);
    this.login = new KnownLogin(transport);
    HttpClient http = new TransportHttpClient(transport);
    ApiClient client =
        new ApiClient() {
          @Override
          public HttpClient getHttpClient() {
            return http;
          }
        };
    // Before the API objects are made: they copy the base URI and client when constructed.
    client.updateBaseUri(transport.resolve("").toString());
    this.issues = new IssueApi(client);
    this.labelIds = new ForgejoLabels(issues);
    this.repositories = new RepositoryApi(client);
    this.users = new UserApi(client);
  }

  @Override
  public ForgeType type() {
    return ForgeType.FORGEJO;
  }

  @Override
  public String persona() {
    return transport.persona();
  }

  @Override
  public String currentUser() throws ForgeException {
    return login.get(attempt -> ForgejoMapping.login(call(attempt, users::userGetCurrent)));
  }

  @Override
  public Permission tokenPermission(RepoRef repo) throws ForgeException {
    Attempt attempt = attempt(Operation.TOKEN_PERMISSION, repo.fullName());
    return ForgejoMapping.tokenPermission(
        call(attempt, () -> repositories.repoGet(repo.owner(), repo.name())));
  }

  @Override
  public Permission userPermission(RepoRef repo, String user) throws ForgeException {
    Attempt attempt =
        attempt(Operation.USER_PERMISSION, repo.fullName() + " (user " + Texts.quote(user) + ")");
    try {
      return ForgejoMapping.permission(
          repositories.repoGetRepoPermissions(repo.owner(), repo.name(), user).getPermission());
    } catch (ApiException e) {
      if (e.getCode() != 403) {
        throw ForgejoCalls.translate(attempt, e, "");
      }
      if (user.equalsIgnoreCase(repo.owner())) {
        LOG.info(
            "Forgejo refused the {} token the permission of {} on {}; {} owns it: admin",
            persona(),
            Texts.quote(user),
            repo,
            Texts.quote(user));
        return Permission.ADMIN;
      }
      throw new ForgeForbiddenException(
          Texts.oneLine(
              "Forgejo lets only repository admins read another user's permission (403 for the "
                  + persona()
                  + " token on "
                  + repo
                  + "), and persona tokens must not be admins, so Hydra cannot tell whether "
                  + Texts.quote(user)
                  + " has write access to "
                  + repo
                  + "; list the logins trusted to apply authority labels in"
                  + " HYDRA_TRUSTED_LABELERS (comma-separated), which Hydra consults instead"),
          403,
          e);
    }
  }

  @Override
  public Issue issue(RepoRef repo, int number) throws ForgeException {
    Attempt attempt = attempt(Operation.READ_ISSUE, repo.fullName() + "#" + number);
    return ForgejoMapping.issue(
        call(attempt, () -> issues.issueGetIssue(repo.owner(), repo.name(), (long) number)));
  }

  @Override
  public Optional<LabelEvent> lastLabeled(RepoRef repo, int issue, String label)
      throws ForgeException {
    return ForgejoMapping.lastLabeled(timeline(repo, issue), label);
  }

  /** {@inheritDoc} One read of the issue's timeline (all its pages) for all of them. */
  @Override
  public Map<String, LabelEvent> lastLabeled(RepoRef repo, int issue, Set<String> labels)
      throws ForgeException {
    List<TimelineComment> timeline = timeline(repo, issue);
    Map<String, LabelEvent> found = new LinkedHashMap<>();
    for (String label : labels) {
      ForgejoMapping.lastLabeled(timeline, label).ifPresent(event -> found.put(label, event));
    }
    return found;
  }

  private List<TimelineComment> timeline(RepoRef repo, int issue) throws ForgeException {
    Attempt attempt = attempt(Operation.LABEL_HISTORY, repo.fullName() + "#" + issue);
    // The last addition may be on the last page: read them all, and the timeline's
    // X-Total-Count counts only its page.
    return pages(
        attempt,
        Paging.UNTIL_EMPTY,
        (page, limit) ->
            issues.issueGetCommentsAndTimelineWithHttpInfo(
                repo.owner(), repo.name(), (long) issue, null, page, limit, null));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Forgejo's removal answers 204 whether or not the issue carried the label, so this reads the
   * issue's labels ({@code issueGetLabels}), then removes by ID ({@code issueRemoveLabel}). Two
   * runs that read before either removes both see the label taken: on Forgejo the workflows'
   * per-issue {@code concurrency} group (Forgejo 13+) is what keeps runs of one issue apart.
   */
  @Override
  public Optional<List<String>> takeLabel(RepoRef repo, int issue, String label)
      throws ForgeException {
    Attempt attempt = attempt(Operation.SET_LABELS, repo.fullName() + "#" + issue);
    List<String> before = new ArrayList<>();
    Long found = null;
    for (Label l :
        call(attempt, () -> issues.issueGetLabels(repo.owner(), repo.name(), (long) issue))) {
      before.add(ForgejoMapping.orEmpty(l.getName()));
      if (label.equals(l.getName())) {
        found = l.getId();
      }
    }
    if (found == null) {
      return Optional.empty();
    }
    long id = found;
    call(
        attempt,
        () -> {
          issues.issueRemoveLabel(repo.owner(), repo.name(), (long) issue, id, null);
          return Boolean.TRUE;
        });
    before.remove(label);
    return Optional.of(before);
  }

  @Override
  public List<String> addLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    Attempt attempt = attempt(Operation.SET_LABELS, repo.fullName() + "#" + issue);
    List<Object> ids = new ArrayList<>();
    for (String name : new TreeSet<>(labels)) {
      ids.add(labelIds.id(attempt, repo, name));
    }
    List<String> after = new ArrayList<>();
    for (Label l :
        call(
            attempt,
            () ->
                issues.issueAddLabel(
                    repo.owner(),
                    repo.name(),
                    (long) issue,
                    new IssueLabelsOption().labels(ids)))) {
      after.add(ForgejoMapping.orEmpty(l.getName()));
    }
    return after;
  }

  @Override
  public void setLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    Attempt attempt = attempt(Operation.SET_LABELS, repo.fullName() + "#" + issue);
    List<Object> ids = new ArrayList<>();
    for (String name : new TreeSet<>(labels)) {
      ids.add(labelIds.id(attempt, repo, name));
    }
    call(
        attempt,
        () ->
            issues.issueReplaceLabels(
                repo.owner(), repo.name(), (long) issue, new IssueLabelsOption().labels(ids)));
  }

  /** The ID of a label by name, from the instance's cache, re-read once when it is missing. */
  @Override
  public List<LabelSpec> labels(RepoRef repo) throws ForgeException {
    Attempt attempt = attempt(Operation.LIST_LABELS, repo.fullName());
    List<LabelSpec> specs = new ArrayList<>();
    for (Label label : labelIds.byName(attempt, repo, true).values()) {
      specs.add(ForgejoMapping.label(label));
    }
    specs.sort(java.util.Comparator.comparing(LabelSpec::name));
    return specs;
  }

  @Override
  public boolean upsertLabel(RepoRef repo, LabelSpec label) throws ForgeException {
    Attempt attempt =
        attempt(
            Operation.UPSERT_LABEL, repo.fullName() + " (label " + Texts.quote(label.name()) + ")");
    Map<String, Label> known = labelIds.byName(attempt, repo, false);
    Label current = known.get(label.name());
    if (current == null) {
      Label created =
          call(
              attempt,
              () ->
                  issues.issueCreateLabel(
                      repo.owner(),
                      repo.name(),
                      new CreateLabelOption()
                          .name(label.name())
                          .color("#" + label.color())
                          .description(label.description())));
      if (created != null) {
        known.put(label.name(), created);
      }
      return true;
    }
    boolean sameColor = label.color().equals(LabelColors.normalize(current.getColor()));
    boolean sameDescription =
        label.description().equals(ForgejoMapping.orEmpty(current.getDescription()));
    Long id = current.getId();
    if ((!sameColor || !sameDescription) && id != null) {
      Label edited =
          call(
              attempt,
              () ->
                  issues.issueEditLabel(
                      repo.owner(),
                      repo.name(),
                      id,
                      new EditLabelOption()
                          .color("#" + label.color())
                          .description(label.description())));
      if (edited != null) {
        known.put(label.name(), edited);
      }
    }
    return false;
  }

  @Override
  public Comment comment(RepoRef repo, int issue, String body) throws ForgeException {
    Attempt attempt = attempt(Operation.COMMENT, repo.fullName() + "#" + issue);
    return ForgejoMapping.comment(
        call(
            attempt,
            () ->
                issues.issueCreateComment(
                    repo.owner(),
                    repo.name(),
                    (long) issue,
                    new CreateIssueCommentOption().body(body))));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One request: {@code issueGetComments} has no paging ({@code ListIssueComments} finds the
   * issue's comments without list options and answers them all).
   */
  @Override
  public List<Comment> comments(RepoRef repo, int issue) throws ForgeException {
    Attempt attempt = attempt(Operation.LIST_COMMENTS, repo.fullName() + "#" + issue);
    List<dev.hydra.forge.forgejo.client.model.Comment> comments =
        call(
            attempt,
            () -> issues.issueGetComments(repo.owner(), repo.name(), (long) issue, null, null));
    return comments == null ? List.of() : comments.stream().map(ForgejoMapping::comment).toList();
  }

  @Override
  public void editComment(RepoRef repo, long commentId, String body) throws ForgeException {
    Attempt attempt = attempt(Operation.EDIT_COMMENT, repo.fullName() + " comment " + commentId);
    call(
        attempt,
        () ->
            issues.issueEditComment(
                repo.owner(), repo.name(), commentId, new EditIssueCommentOption().body(body)));
  }

  @Override
  public Optional<PullRequest> findPullRequest(RepoRef repo, String branch) throws ForgeException {
    Attempt attempt =
        attempt(
            Operation.FIND_PULL_REQUEST, repo.fullName() + " (head " + Texts.quote(branch) + ")");
    return openWithHead(attempt, repo, branch);
  }

  private Optional<PullRequest> openWithHead(Attempt attempt, RepoRef repo, String branch)
      throws ForgeException {
    List<dev.hydra.forge.forgejo.client.model.PullRequest> open =
        pages(
            attempt,
            Paging.TOTAL_COUNT,
            (page, limit) ->
                repositories.repoListPullRequestsWithHttpInfo(
                    repo.owner(), repo.name(), "open", null, null, null, null, page, limit));
    return open.stream()
        .filter(pr -> ForgejoMapping.hasHead(pr, repo.fullName(), branch))
        .findFirst()
        .map(ForgejoMapping::pullRequest);
  }

  @Override
  public PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request)
      throws ForgeException {
    Attempt attempt =
        attempt(
            Operation.OPEN_PULL_REQUEST,
            repo.fullName() + " (head " + Texts.quote(request.head()) + ")");
    CreatePullRequestOption option =
        new CreatePullRequestOption()
            .head(request.head())
            .base(request.base())
            .title(ForgejoMapping.draftTitle(request.title()))
            .body(request.body());
    try {
      return ForgejoMapping.pullRequest(
          call(
              attempt,
              () -> repositories.repoCreatePullRequest(repo.owner(), repo.name(), option),
              "a pull request for this head may already exist, or the head branch was not pushed"));
    } catch (ForgeConflictException e) {
      if (e.status().orElse(0) != 409) {
        throw e;
      }
      // 409 "pull request already exists for these targets": a re-run; use that one. Found by
      // listing, not repoGetPullRequestByBaseHead, whose path would carry hydra/… escaped as %2F.
      Optional<PullRequest> existing = openWithHead(attempt, repo, request.head());
      if (existing.isEmpty()) {
        throw e;
      }
      LOG.info(
          "pull request #{} already exists for {}; using it",
          existing.get().number(),
          Texts.quote(request.head()));
      return existing.get();
    }
  }

  @Override
  public void markReadyForReview(RepoRef repo, PullRequest pullRequest) throws ForgeException {
    Attempt attempt =
        attempt(Operation.MARK_READY, repo.fullName() + " pull request #" + pullRequest.number());
    long index = pullRequest.number();
    var current =
        call(attempt, () -> repositories.repoGetPullRequest(repo.owner(), repo.name(), index));
    String title = ForgejoMapping.orEmpty(current.getTitle());
    if (!ForgejoMapping.hasWipPrefix(title)) {
      return;
    }
    var edited =
        call(
            attempt,
            () ->
                repositories.repoEditPullRequest(
                    repo.owner(),
                    repo.name(),
                    index,
                    new EditPullRequestOption().title(ForgejoMapping.withoutWipPrefix(title))));
    if (edited != null && Boolean.TRUE.equals(edited.getDraft())) {
      throw new ForgeConflictException(
          Texts.oneLine(
              "Forgejo still reports "
                  + repo
                  + " pull request #"
                  + index
                  + " as a draft after the "
                  + persona()
                  + " persona removed the `WIP:` prefix from its title; the instance uses other"
                  + " work-in-progress prefixes ([repository.pull-request]"
                  + " WORK_IN_PROGRESS_PREFIXES): remove the prefix by hand"),
          0,
          null);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Two {@code repoEditPullRequest} calls that send only {@code state}: closed, then open.
   */
  @Override
  public void reopenPullRequest(RepoRef repo, int pullRequest) throws ForgeException {
    Attempt attempt =
        attempt(Operation.REOPEN_PULL_REQUEST, repo.fullName() + " pull request #" + pullRequest);
    long index = pullRequest;
    for (String state : List.of("closed", "open")) {
      call(
          attempt,
          () ->
              repositories.repoEditPullRequest(
                  repo.owner(), repo.name(), index, new EditPullRequestOption().state(state)));
    }
  }

  @Override
  public void merge(RepoRef repo, int pullRequest, String headSha) throws ForgeException {
    Attempt attempt = attempt(Operation.MERGE, repo.fullName() + " pull request #" + pullRequest);
    // Do=merge at exactly head_commit_id; force_merge stays false: never an admin bypass.
    MergePullRequestOption option =
        new MergePullRequestOption()
            ._do(MergePullRequestOption.DoEnum.MERGE)
            .headCommitId(headSha)
            .forceMerge(false);
    call(
        attempt,
        () -> {
          repositories.repoMergePullRequest(repo.owner(), repo.name(), (long) pullRequest, option);
          return Boolean.TRUE;
        },
        "the head moved since it was reviewed, or branch protection or checks forbid the merge;"
            + " review the new head");
  }

  @Override
  public void review(RepoRef repo, int pullRequest, Review review) throws ForgeException {
    Attempt attempt = attempt(Operation.REVIEW, repo.fullName() + " pull request #" + pullRequest);
    List<CreatePullReviewComment> comments = new ArrayList<>();
    for (Review.InlineComment c : review.comments()) {
      comments.add(
          new CreatePullReviewComment().path(c.path()).body(c.body()).newPosition((long) c.line()));
    }
    CreatePullReviewOptions options =
        new CreatePullReviewOptions()
            .event(ForgejoMapping.event(review.event()))
            .body(review.body())
            .commitId(review.commitSha())
            .comments(comments);
    call(
        attempt,
        () ->
            repositories.repoCreatePullReview(
                repo.owner(), repo.name(), (long) pullRequest, options),
        "a line may be outside the diff, the commit may not be the head, or the persona may be"
            + " reviewing its own pull request");
  }

  @Override
  public void commitStatus(RepoRef repo, String sha, CommitStatus status) throws ForgeException {
    Attempt attempt =
        attempt(
            Operation.COMMIT_STATUS,
            repo.fullName() + " commit " + sha.substring(0, Math.min(12, sha.length())));
    CreateStatusOption option =
        new CreateStatusOption()
            .state(status.state().name().toLowerCase(Locale.ROOT))
            .context(status.context())
            .description(status.description())
            .targetUrl(status.targetUrl().isEmpty() ? null : status.targetUrl());
    call(attempt, () -> repositories.repoCreateStatus(repo.owner(), repo.name(), sha, option));
  }

  // ---------------------------------------------------------------------------------------------

  private Attempt attempt(Operation operation, String target) {
    return new Attempt(transport, operation, target);
  }
}
