package dev.hydra.forge.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hydra.forge.Fixtures;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.RepoRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Forgejo repository held in memory and served by WireMock under {@code /api/v1}: the calls a
 * pipeline run makes through {@link dev.hydra.forge.forgejo.ForgejoForge}, answered with the shapes
 * of the adapter's Forgejo fixtures (each field checked against Forgejo's swagger by
 * ForgejoExamplesTest) and with Forgejo's semantics where Hydra depends on them, as Forgejo's API
 * routers implement them ({@code routers/api/v1/repo/*.go}, v12):
 *
 * <ul>
 *   <li>Issues and pull requests share one index sequence; a pull request is also an issue ({@code
 *       pull_request} set), with its own labels and comments.
 *   <li>Labels are written by ID or by name, never both in one body (400); unknown IDs are dropped
 *       silently ({@code GetLabelsByIDs}); {@code issueReplaceLabels} and {@code issueAddLabel}
 *       answer 200 with the issue's labels. {@code issueRemoveLabel} takes an ID and answers 204
 *       whether or not the issue carried the label (422 only for a label that does not exist), so
 *       it is no compare-and-set. Every change is a timeline item of type {@code label}, body
 *       {@code 1} when added and empty when removed, by the token's user; writing labels needs
 *       write access to issues (403 with an empty body otherwise).
 *   <li>The timeline ({@code issueGetCommentsAndTimeline}) pages with {@code page}/{@code limit}
 *       ({@value #MAX_RESPONSE_ITEMS} at most) and, as Forgejo does, sets {@code X-Total-Count} to
 *       the number of items on the page, not in the timeline. Other listings announce the total and
 *       a {@code Link} header; the comments of an issue are not paged.
 *   <li>{@code repoGetRepoPermissions} answers only site admins, repository admins and users asking
 *       about themselves; anyone else gets 403.
 *   <li>A pull request is a draft when its title starts with a work-in-progress prefix ({@code
 *       WIP:} or {@code [WIP]}, any case); creating one needs the head branch pushed (404), and a
 *       second one for the same head and base gets 409. {@code repoEditPullRequest} answers 201.
 *   <li>Review events are {@code APPROVED}, {@code REQUEST_CHANGES}, {@code COMMENT}; any other
 *       word, GitHub's {@code APPROVE} included, becomes a {@code PENDING} review; the poster can
 *       neither approve nor request changes (422).
 *   <li>A merge takes {@code Do} and {@code head_commit_id}: 405 for a work-in-progress pull
 *       request or a user without write access, 409 "head out of date" when the head moved; a merge
 *       into the default branch closes the issues the body closes.
 * </ul>
 *
 * Every request is answered under one lock, as one transaction. Tokens map to users; a request
 * without a known token gets 401.
 */
public final class FakeForgejo implements ResponseDefinitionTransformerV2 {

  public static final String NAME = "fake-forgejo";
  public static final String API = "/api/v1";

  /** Forgejo's default {@code [api] MAX_RESPONSE_ITEMS}: the largest page. */
  public static final int MAX_RESPONSE_ITEMS = 50;

  /** Forgejo's default {@code [api] DEFAULT_PAGING_NUM}: the page size when none is asked. */
  public static final int DEFAULT_PAGING_NUM = 30;

  /** Forgejo's default {@code [repository.pull-request] WORK_IN_PROGRESS_PREFIXES}. */
  public static final List<String> WIP_PREFIXES = List.of("WIP:", "[WIP]");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern REPO_PATH =
      Pattern.compile(API + "/repos/([^/]+)/([^/?]+)(/[^?]*)?");
  private static final Pattern CLOSES =
      Pattern.compile("(?i)\\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\\s*:?\\s+#([0-9]+)\\b");
  private static final long REPO_ID = 42;

  /** A label as the repository holds it. */
  public record Label(long id, String name, String color, String description) {}

  /** An issue or a pull request: one index sequence for both. */
  public static final class Item {
    public final int number;
    public String title;
    public String body;
    public final String author;
    public boolean open = true;
    public final List<Long> labels = new ArrayList<>();
    public final boolean isPull;

    public Item(int number, String title, String body, String author, boolean isPull) {
      this.number = number;
      this.title = title;
      this.body = body;
      this.author = author;
      this.isPull = isPull;
    }
  }

  /** A row of Forgejo's comment table: a comment, a label change or another timeline event. */
  public static final class Event {
    public final long id;
    public final int issue;
    public final String type;
    public final String user;
    public String body;
    public final @Nullable Long label;
    public final Instant created;
    public Instant updated;

    public Event(
        long id,
        int issue,
        String type,
        String user,
        String body,
        @Nullable Long label,
        Instant created) {
      this.id = id;
      this.issue = issue;
      this.type = type;
      this.user = user;
      this.body = body;
      this.label = label;
      this.created = created;
      this.updated = created;
    }
  }

  /** A pull request's own state beside its issue. */
  public static final class Pull {
    public final long id;
    public final int number;
    public final String head;
    public String headSha;
    public final String base;
    public boolean merged;
    public String mergedSha = "";
    public @Nullable Instant mergedAt;

    public Pull(long id, int number, String head, String headSha, String base) {
      this.id = id;
      this.number = number;
      this.head = head;
      this.headSha = headSha;
      this.base = base;
    }
  }

  private final RepoRef repo;
  private final Map<String, String> users = new LinkedHashMap<>();
  private final Map<String, Long> userIds = new LinkedHashMap<>();
  private final Map<String, String> permissions = new LinkedHashMap<>();
  private final Set<String> issueWriters = new LinkedHashSet<>();
  private final Map<Long, Label> repoLabels = new LinkedHashMap<>();
  private long labelIds = 1;
  private String baseUrl = "";

  private final Map<String, String> branches = new LinkedHashMap<>();
  private java.util.function.Function<String, java.util.Optional<String>> heads =
      branch -> java.util.Optional.empty();
  private final NavigableMap<Integer, Item> items = new TreeMap<>();
  private final Map<Integer, Pull> pulls = new TreeMap<>();

  /** The pull requests' state changes, oldest first: {@code "closed #12 by hydra-builder"}. */
  public final List<String> pullStates = new ArrayList<>();

  private final List<Event> events = new ArrayList<>();
  public final List<ObjectNode> reviews = new ArrayList<>();
  private int nextIndex;
  private long eventIds;
  private long pullIds;
  private long reviewIds;
  private Instant now = Instant.EPOCH;

  /** Requests ({@code METHOD path} regular expressions) to answer once with a 429. */
  public final List<String> rateLimitOnce = new ArrayList<>();

  /** The issue the tests build. */
  public static final int ISSUE = 7;

  public FakeForgejo(RepoRef repo) {
    this.repo = repo;
    reset(Instant.parse("2026-11-22T08:00:00Z"));
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  public FakeForgejo baseUrl(String url) {
    this.baseUrl = url;
    return this;
  }

  /**
   * A user with a token and an access level on the repository: {@code owner}, {@code admin}, {@code
   * write}, {@code read} or {@code none}.
   */
  public synchronized FakeForgejo user(String login, String token, String permission) {
    users.put(token, login);
    userIds.putIfAbsent(login, 100L + userIds.size());
    permissions.put(login, permission);
    return this;
  }

  /**
   * A {@code read} user who may still write issues: a member of a team whose Issues unit is {@code
   * write} while its Code unit is {@code read}. Forgejo has no triage role; this is how a user who
   * is not a writer gets to apply labels.
   */
  public synchronized FakeForgejo issueWriter(String login) {
    issueWriters.add(login);
    return this;
  }

  /** Labels created in the web interface (what a repository has before Hydra's are seeded). */
  public synchronized FakeForgejo existingLabels(List<LabelSpec> specs) {
    for (LabelSpec spec : specs) {
      if (labelNamed(spec.name()) == null) {
        createLabel(spec.name(), spec.color(), spec.description());
      }
    }
    return this;
  }

  public synchronized int labelCount() {
    return repoLabels.size();
  }

  /** A fresh issue #7 and no pull request; the repository's users and labels stay. */
  public synchronized void reset(Instant at) {
    now = at;
    branches.clear();
    branches.put("main", "1".repeat(40));
    items.clear();
    pulls.clear();
    events.clear();
    reviews.clear();
    rateLimitOnce.clear();
    pullStates.clear();
    eventIds = 1300;
    pullIds = 77;
    reviewIds = 55;
    // Issues 1 to 6 and 8 to 11 exist elsewhere in the repository: the next index is 12.
    items.put(
        ISSUE,
        new Item(
            ISSUE,
            "Add a /health endpoint",
            "GET /health answers {\"status\":\"ok\"}.",
            "alice",
            false));
    nextIndex = 12;
  }

  /** A person applies a label in the web interface (which needs write access to issues). */
  public synchronized void apply(String login, String label) {
    if (!canWriteIssues(login)) {
      throw new IllegalStateException(login + " may not write labels on " + repo);
    }
    Label l = labelNamed(label);
    if (l == null) {
      throw new IllegalStateException("no label " + label + " in " + repo);
    }
    Item issue = item(ISSUE);
    if (!issue.labels.contains(l.id())) {
      issue.labels.add(l.id());
      event(ISSUE, "label", login, "1", l.id());
    }
  }

  /** A person removes a label in the web interface. */
  public synchronized void remove(String login, String label) {
    Label l = labelNamed(label);
    if (l != null && item(ISSUE).labels.remove(l.id())) {
      event(ISSUE, "label", login, "", l.id());
    }
  }

  /** People discuss the issue: {@code count} comments by {@code login}. */
  public synchronized void discuss(String login, int count) {
    for (int i = 0; i < count; i++) {
      event(ISSUE, "comment", login, "Comment " + (i + 1) + ".", null);
    }
  }

  /**
   * Where the branches not pushed through {@link #push} are: a real git remote's heads (a pull
   * request can be opened from a branch the runner pushed there).
   */
  public synchronized FakeForgejo branchesFrom(
      java.util.function.Function<String, java.util.Optional<String>> heads) {
    this.heads = heads;
    return this;
  }

  private @Nullable String branch(String name) {
    String sha = branches.get(name);
    return sha != null ? sha : heads.apply(name).orElse(null);
  }

  /** {@code git push} of a branch; an open pull request from it gets the new head. */
  public synchronized void push(String branch, String sha) {
    branches.put(branch, sha);
    for (Pull pull : pulls.values()) {
      if (pull.head.equals(branch) && item(pull.number).open) {
        pull.headSha = sha;
      }
    }
  }

  public synchronized List<String> labelsNow() {
    return names(item(ISSUE).labels);
  }

  public synchronized boolean issueOpen() {
    return item(ISSUE).open;
  }

  /** The comments (not other timeline items) on an issue or pull request, oldest first. */
  public synchronized List<Event> comments(int number) {
    return events.stream().filter(e -> e.issue == number && e.type.equals("comment")).toList();
  }

  /** The label changes on the issue, oldest first, as {@code +label by user} or {@code -…}. */
  public synchronized List<String> labelHistory() {
    List<String> history = new ArrayList<>();
    for (Event e : events) {
      if (e.issue == ISSUE && e.type.equals("label") && e.label != null) {
        Label l = repoLabels.get(e.label);
        history.add(
            (e.body.equals("1") ? "+" : "-") + (l == null ? "?" : l.name()) + " by " + e.user);
      }
    }
    return history;
  }

  public synchronized @Nullable Pull pull() {
    return pulls.isEmpty() ? null : pulls.values().iterator().next();
  }

  /** The pull request as Forgejo answers it, for an event payload. */
  public synchronized ObjectNode pullJson(int number) {
    Pull pull = pulls.get(number);
    if (pull == null) {
      throw new IllegalStateException("no pull request #" + number);
    }
    return pullJson(pull, item(number).author);
  }

  public synchronized ObjectNode repositoryJson() {
    return repository("");
  }

  public synchronized ObjectNode userJson(String login) {
    return userNode(login);
  }

  public synchronized String pullTitle(int number) {
    return item(number).title;
  }

  public synchronized void advance(Duration by) {
    now = now.plus(by);
  }

  // ------------------------------------------------------------------------------------------

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    synchronized (this) {
      try {
        return answer(serveEvent.getRequest());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private ResponseDefinition answer(Request request) throws IOException {
    String method = request.getMethod().getName();
    String url = request.getUrl();
    String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    String auth = String.valueOf(request.getHeader("Authorization"));
    String token =
        auth.regionMatches(true, 0, "token ", 0, 6)
            ? auth.substring(6)
            : auth.replaceFirst("^(?i)bearer ", "");
    String user = users.get(token);
    if (user == null) {
      return error(401, "token is required");
    }
    for (String limited : List.copyOf(rateLimitOnce)) {
      if ((method + " " + path).matches(limited)) {
        rateLimitOnce.remove(limited);
        // Forgejo has no API rate limiter of its own; a proxy in front of it answers this way.
        return ResponseDefinitionBuilder.responseDefinition()
            .withStatus(429)
            .withHeader("Content-Type", "text/plain; charset=utf-8")
            .withHeader("Retry-After", "2")
            .withBody("Too Many Requests\n")
            .build();
      }
    }
    if (method.equals("GET") && path.equals(API + "/user")) {
      return json(200, userNode(user));
    }
    Matcher m = REPO_PATH.matcher(path);
    if (!m.matches()
        || !m.group(1).equalsIgnoreCase(repo.owner())
        || !m.group(2).equalsIgnoreCase(repo.name())) {
      return notFound();
    }
    String rest = m.group(3) == null ? "" : m.group(3);
    Map<String, String> query = query(url);
    if (rest.isEmpty() && method.equals("GET")) {
      return json(200, repository(user));
    }

    if (rest.equals("/labels")) {
      if (method.equals("GET")) {
        List<JsonNode> all = new ArrayList<>();
        repoLabels.values().stream()
            .sorted((a, b) -> a.name().compareTo(b.name()))
            .forEach(l -> all.add(labelNode(l)));
        return page(all, query, path, true);
      }
      if (method.equals("POST")) {
        if (!canWriteIssues(user)) {
          return status(403);
        }
        JsonNode body = body(request);
        Label created =
            createLabel(
                body.path("name").asText(),
                normalizeColor(body.path("color").asText()),
                body.path("description").asText());
        return json(201, labelNode(created));
      }
    }
    Matcher labelPath = Pattern.compile("/labels/([0-9]+)").matcher(rest);
    if (labelPath.matches() && method.equals("PATCH")) {
      if (!canWriteIssues(user)) {
        return status(403);
      }
      Label label = repoLabels.get(Long.parseLong(labelPath.group(1)));
      if (label == null) {
        return notFound();
      }
      JsonNode body = body(request);
      Label edited =
          new Label(
              label.id(),
              body.hasNonNull("name") ? body.path("name").asText() : label.name(),
              body.hasNonNull("color")
                  ? normalizeColor(body.path("color").asText())
                  : label.color(),
              body.hasNonNull("description")
                  ? body.path("description").asText()
                  : label.description());
      repoLabels.put(edited.id(), edited);
      return json(200, labelNode(edited));
    }
    if (method.equals("GET")
        && rest.startsWith("/collaborators/")
        && rest.endsWith("/permission")) {
      String who =
          decode(
              rest.substring("/collaborators/".length(), rest.length() - "/permission".length()));
      // routers/api/v1/repo/collaborators.go GetRepoPermissions
      if (!isRepoAdmin(user) && !user.equalsIgnoreCase(who)) {
        return error(
            403,
            "Only admins can query all permissions, repo admins can query all repo permissions,"
                + " collaborators can query only their own");
      }
      if (!userIds.containsKey(who)) {
        return error(404, "user does not exist [uid: 0, name: " + who + "]");
      }
      ObjectNode answer = object("repo-collaborator-permission");
      String permission = permissions.getOrDefault(who, "none");
      answer.put("permission", permission);
      answer.put("role_name", permission);
      answer.set("user", userNode(who));
      return json(200, answer);
    }

    Matcher issuePath = Pattern.compile("/issues/([0-9]+)(/.*)?").matcher(rest);
    if (issuePath.matches()) {
      Item item = items.get(Integer.parseInt(issuePath.group(1)));
      if (item == null) {
        return notFound();
      }
      String sub = issuePath.group(2) == null ? "" : issuePath.group(2);
      return issueCall(method, sub, item, request, user, query, path);
    }
    Matcher commentPath = Pattern.compile("/issues/comments/([0-9]+)").matcher(rest);
    if (commentPath.matches() && method.equals("PATCH")) {
      long id = Long.parseLong(commentPath.group(1));
      for (Event e : events) {
        if (e.id == id) {
          // routers/api/v1/repo/issue_comment.go editIssueComment
          if (!e.user.equals(user) && !canWriteIssues(user)) {
            return status(403);
          }
          if (!e.type.equals("comment")) {
            return status(204);
          }
          e.body = body(request).path("body").asText();
          e.updated = tick();
          return json(200, commentNode(e));
        }
      }
      return notFound();
    }
    if (rest.equals("/issues") && method.equals("GET")) {
      return listIssues(query, path);
    }
    if (rest.equals("/pulls")) {
      return method.equals("GET")
          ? listPulls(query, path)
          : method.equals("POST") ? createPull(request, user) : notFound();
    }
    Matcher pullPath = Pattern.compile("/pulls/([0-9]+)(/.*)?").matcher(rest);
    if (pullPath.matches()) {
      Pull pull = pulls.get(Integer.parseInt(pullPath.group(1)));
      if (pull == null) {
        return notFound();
      }
      String sub = pullPath.group(2) == null ? "" : pullPath.group(2);
      return pullCall(method, sub, pull, request, user);
    }
    return notFound();
  }

  private ResponseDefinition issueCall(
      String method,
      String sub,
      Item item,
      Request request,
      String user,
      Map<String, String> query,
      String path)
      throws IOException {
    if (sub.isEmpty() && method.equals("GET")) {
      return json(200, issueNode(item));
    }
    if (sub.equals("/timeline") && method.equals("GET")) {
      List<JsonNode> all = new ArrayList<>();
      events.stream().filter(e -> e.issue == item.number).forEach(e -> all.add(timelineNode(e)));
      // ListIssueCommentsAndTimeline: ctx.SetTotalCountHeader(int64(len(apiComments))), the
      // length of this page; and no Link header.
      return page(all, query, path, false);
    }
    if (sub.equals("/comments")) {
      if (method.equals("GET")) {
        ArrayNode list = MAPPER.createArrayNode();
        comments(item.number).forEach(c -> list.add(commentNode(c)));
        return jsonBuilder(200, list)
            .withHeader("X-Total-Count", String.valueOf(list.size()))
            .withHeader("Access-Control-Expose-Headers", "X-Total-Count, Link")
            .build();
      }
      if (method.equals("POST")) {
        Event c = event(item.number, "comment", user, body(request).path("body").asText(), null);
        return json(201, commentNode(c));
      }
    }
    if (sub.equals("/labels")) {
      if (method.equals("GET")) {
        return json(200, labelArray(item.labels));
      }
      if (method.equals("PUT") || method.equals("POST")) {
        return labelWrite(method, item, request, user);
      }
    }
    Matcher one = Pattern.compile("/labels/([0-9]+)").matcher(sub);
    if (one.matches() && method.equals("DELETE")) {
      // routers/api/v1/repo/issue_label.go DeleteIssueLabel
      if (!canWriteIssues(user)) {
        return status(403);
      }
      Label label = repoLabels.get(Long.parseLong(one.group(1)));
      if (label == null) {
        return error(422, "label does not exist [id: " + one.group(1) + "]");
      }
      // deleteIssueLabel: nothing deleted, no comment, no error.
      if (item.labels.remove(label.id())) {
        event(item.number, "label", user, "", label.id());
      }
      return status(204);
    }
    return notFound();
  }

  private ResponseDefinition labelWrite(String method, Item item, Request request, String user)
      throws IOException {
    // routers/api/v1/repo/issue_label.go prepareForReplaceOrAdd
    List<Long> ids = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (JsonNode label : body(request).path("labels")) {
      if (label.isNumber()) {
        ids.add(label.asLong());
      } else if (label.isTextual()) {
        names.add(label.asText());
      } else {
        return error(400, "a label must be an integer or a string");
      }
    }
    if (!ids.isEmpty() && !names.isEmpty()) {
      return error(400, "labels should be an array of strings or integers");
    }
    for (String name : names) {
      Label l = labelNamed(name);
      if (l != null) {
        ids.add(l.id());
      }
    }
    // GetLabelsByIDs: IDs that name no label are dropped without a word.
    List<Long> wanted = ids.stream().filter(repoLabels::containsKey).distinct().toList();
    if (!canWriteIssues(user)) {
      return status(403);
    }
    for (Long id : wanted) {
      if (!item.labels.contains(id)) {
        item.labels.add(id);
        event(item.number, "label", user, "1", id);
      }
    }
    if (method.equals("PUT")) {
      for (Long id : List.copyOf(item.labels)) {
        if (!wanted.contains(id)) {
          item.labels.remove(id);
          event(item.number, "label", user, "", id);
        }
      }
    }
    return json(200, labelArray(item.labels));
  }

  /**
   * {@code issueListIssues}: issues and pull requests by {@code state}, paged, with no {@code ETag}
   * (Forgejo's swagger documents none). Forgejo sorts {@code recentupdate} by the update time; this
   * fake keeps none, so the highest index comes first.
   */
  private ResponseDefinition listIssues(Map<String, String> query, String path) {
    String state = query.getOrDefault("state", "open");
    List<JsonNode> all = new ArrayList<>();
    for (Item item : items.descendingMap().values()) {
      if (state.equals("all") || (state.equals("open") == item.open)) {
        all.add(issueNode(item));
      }
    }
    return page(all, query, path, true);
  }

  private ResponseDefinition listPulls(Map<String, String> query, String path) {
    String state = query.getOrDefault("state", "open");
    List<JsonNode> all = new ArrayList<>();
    for (Pull pull : pulls.values()) {
      Item item = item(pull.number);
      if (state.equals("all") || (state.equals("open") == item.open)) {
        all.add(pullJson(pull, item.author));
      }
    }
    return page(all, query, path, true);
  }

  private ResponseDefinition createPull(Request request, String user) throws IOException {
    JsonNode body = body(request);
    String head = body.path("head").asText();
    String base = body.path("base").asText();
    if (head.equals(base)) {
      return error(422, "Invalid PullRequest: There are no changes between the head and the base");
    }
    String sha = branch(head);
    if (sha == null || branch(base) == null) {
      return notFound();
    }
    for (Pull pull : pulls.values()) {
      if (pull.head.equals(head) && pull.base.equals(base) && !pull.merged) {
        return error(
            409,
            "pull request already exists for these targets [id: "
                + pull.id
                + ", issue_id: "
                + pull.number
                + ", head_repo_id: "
                + REPO_ID
                + ", base_repo_id: "
                + REPO_ID
                + ", head_branch: "
                + head
                + ", base_branch: "
                + base
                + "]");
      }
    }
    int number = nextIndex++;
    Item item =
        new Item(number, body.path("title").asText(), body.path("body").asText(), user, true);
    items.put(number, item);
    Pull pull = new Pull(pullIds++, number, head, sha, base);
    pulls.put(number, pull);
    // A pull request that mentions an issue leaves a cross-reference in the issue's timeline.
    for (int closes : closes(item.body)) {
      if (items.containsKey(closes)) {
        event(closes, "pull_ref", user, "", null);
      }
    }
    return json(201, pullJson(pull, user));
  }

  private ResponseDefinition pullCall(
      String method, String sub, Pull pull, Request request, String user) throws IOException {
    Item item = item(pull.number);
    if (sub.isEmpty() && method.equals("GET")) {
      return json(200, pullJson(pull, item.author));
    }
    if (sub.isEmpty() && method.equals("PATCH")) {
      // routers/api/v1/repo/pull.go EditPullRequest
      if (!item.author.equals(user) && !isWriter(user)) {
        return status(403);
      }
      JsonNode body = body(request);
      if (!body.path("title").asText().isEmpty()) {
        item.title = body.path("title").asText();
      }
      if (body.has("body")) {
        item.body = body.path("body").asText();
      }
      String state = body.path("state").asText();
      if (!state.isEmpty() && !pull.merged) {
        // services/issue/status.go: a change of state is an event (closed, reopened).
        boolean open = state.equals("open");
        if (open != item.open) {
          item.open = open;
          pullStates.add((open ? "reopened" : "closed") + " #" + pull.number + " by " + user);
        }
      }
      if (body.has("labels") && isWriter(user)) {
        List<Long> wanted = new ArrayList<>();
        body.path("labels").forEach(id -> wanted.add(id.asLong()));
        item.labels.retainAll(wanted);
        wanted.stream()
            .filter(repoLabels::containsKey)
            .filter(id -> !item.labels.contains(id))
            .forEach(item.labels::add);
      }
      // "TODO this should be 200, not 201"
      return json(201, pullJson(pull, item.author));
    }
    if (sub.equals("/reviews") && method.equals("POST")) {
      return review(pull, item, request, user);
    }
    if (sub.equals("/merge") && method.equals("POST")) {
      return merge(pull, item, request, user);
    }
    return notFound();
  }

  private ResponseDefinition review(Pull pull, Item item, Request request, String user)
      throws IOException {
    // routers/api/v1/repo/pull_review.go CreatePullReview, preparePullReviewType
    JsonNode body = body(request);
    String event = body.path("event").asText();
    boolean hasBody = !body.path("body").asText().isBlank();
    boolean hasComments = body.path("comments").size() > 0;
    String state;
    switch (event) {
      case "APPROVED" -> {
        if (item.author.equals(user)) {
          return error(422, "approve your own pull is not allowed");
        }
        state = "APPROVED";
      }
      case "REQUEST_CHANGES" -> {
        if (item.author.equals(user)) {
          return error(422, "reject your own pull is not allowed");
        }
        if (!hasBody) {
          return error(422, "review event REQUEST_CHANGES requires a body");
        }
        state = "REQUEST_CHANGES";
      }
      case "COMMENT" -> {
        if (!hasBody && !hasComments) {
          return error(422, "review event COMMENT requires a body or a comment");
        }
        state = "COMMENT";
      }
      default -> state = "PENDING";
    }
    ObjectNode review = object("pull-review");
    review.put("id", reviewIds++);
    review.put("state", state);
    review.put("body", body.path("body").asText());
    String commit = body.path("commit_id").asText();
    review.put("commit_id", commit.isEmpty() ? pull.headSha : commit);
    review.put("stale", !review.path("commit_id").asText().equals(pull.headSha));
    review.put("comments_count", body.path("comments").size());
    review.set("user", userNode(user));
    review.put("pull_request_url", htmlUrl("pulls", pull.number));
    review.put("html_url", htmlUrl("pulls", pull.number) + "#issuecomment-" + review.get("id"));
    String at = tick().toString();
    review.put("submitted_at", at);
    review.put("updated_at", at);
    reviews.add(review);
    return json(200, review);
  }

  private ResponseDefinition merge(Pull pull, Item item, Request request, String user)
      throws IOException {
    // routers/api/v1/repo/pull.go MergePullRequest, services/pull CheckPullMergeable and Merge
    JsonNode body = body(request);
    if (!item.open && !pull.merged) {
      return notFound();
    }
    if (!isWriter(user)) {
      return error(405, "User not allowed to merge PR");
    }
    if (pull.merged) {
      return error(405, "");
    }
    if (isWorkInProgress(item.title)) {
      return error(405, "Work in progress PRs cannot be merged");
    }
    if (!Set.of("merge", "rebase", "rebase-merge", "squash", "fast-forward-only")
        .contains(body.path("Do").asText())) {
      return error(405, body.path("Do").asText() + " is not allowed an allowed merge style");
    }
    String expected = body.path("head_commit_id").asText();
    if (!expected.isEmpty() && !expected.equals(pull.headSha)) {
      return error(409, "head out of date");
    }
    pull.merged = true;
    pull.mergedSha = pull.headSha;
    pull.mergedAt = tick();
    item.open = false;
    if (pull.base.equals("main")) {
      for (int closes : closes(item.body)) {
        Item closed = items.get(closes);
        if (closed != null && closed.open) {
          closed.open = false;
          event(closes, "close", user, "", null);
        }
      }
    }
    return ResponseDefinitionBuilder.responseDefinition().withStatus(200).build();
  }

  // ------------------------------------------------------------------------------------------

  private boolean isWriter(String login) {
    return Set.of("owner", "admin", "write").contains(permissions.getOrDefault(login, "none"));
  }

  private boolean isRepoAdmin(String login) {
    return Set.of("owner", "admin").contains(permissions.getOrDefault(login, "none"));
  }

  private boolean canWriteIssues(String login) {
    return isWriter(login) || issueWriters.contains(login);
  }

  public static boolean isWorkInProgress(String title) {
    String upper = title.toUpperCase(Locale.ROOT);
    return WIP_PREFIXES.stream().anyMatch(p -> upper.startsWith(p.toUpperCase(Locale.ROOT)));
  }

  private Item item(int number) {
    Item item = items.get(number);
    if (item == null) {
      throw new IllegalStateException("no issue #" + number);
    }
    return item;
  }

  private @Nullable Label labelNamed(String name) {
    return repoLabels.values().stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
  }

  private Label createLabel(String name, String color, String description) {
    Label label = new Label(labelIds++, name, color, description);
    repoLabels.put(label.id(), label);
    return label;
  }

  /** Forgejo stores {@code #rrggbb} and answers without the {@code #}. */
  private static String normalizeColor(String color) {
    return color.startsWith("#") ? color.substring(1) : color;
  }

  private List<String> names(List<Long> ids) {
    List<String> names = new ArrayList<>();
    for (Long id : ids) {
      Label l = repoLabels.get(id);
      if (l != null) {
        names.add(l.name());
      }
    }
    return names;
  }

  private Instant tick() {
    Instant at = now;
    now = now.plusSeconds(1);
    return at;
  }

  private Event event(int issue, String type, String user, String body, @Nullable Long label) {
    Event e = new Event(eventIds++, issue, type, user, body, label, tick());
    events.add(e);
    return e;
  }

  private static Set<Integer> closes(String body) {
    Set<Integer> numbers = new LinkedHashSet<>();
    Matcher m = CLOSES.matcher(body);
    while (m.find()) {
      numbers.add(Integer.parseInt(m.group(1)));
    }
    return numbers;
  }

  // ------------------------------------------------------------------------------- shapes

  private String htmlUrl(String kind, int number) {
    return baseUrl + "/" + repo.fullName() + "/" + kind + "/" + number;
  }

  private String apiUrl(String rest) {
    return baseUrl + API + "/repos/" + repo.fullName() + rest;
  }

  private ObjectNode userNode(String login) {
    ObjectNode user = object("user");
    long id = userIds.getOrDefault(login, 0L);
    user.put("id", id);
    user.put("login", login);
    user.put("full_name", login);
    user.put("email", login + "@noreply.forgejo.example.org");
    user.put("html_url", baseUrl + "/" + login);
    user.put("avatar_url", baseUrl + "/avatars/" + id);
    return user;
  }

  private ObjectNode repository(String doer) {
    ObjectNode node = object("repository");
    node.put("id", REPO_ID);
    node.put("name", repo.name());
    node.put("full_name", repo.fullName());
    node.set("owner", userNode(repo.owner()));
    ObjectNode p = node.putObject("permissions");
    p.put("admin", isRepoAdmin(doer));
    p.put("push", isWriter(doer));
    p.put("pull", true);
    return node;
  }

  private ObjectNode labelNode(Label label) {
    ObjectNode node = object("label");
    node.put("id", label.id());
    node.put("name", label.name());
    node.put("color", label.color());
    node.put("description", label.description());
    node.put("url", apiUrl("/labels/" + label.id()));
    return node;
  }

  private ArrayNode labelArray(List<Long> ids) {
    ArrayNode list = MAPPER.createArrayNode();
    ids.stream()
        .map(repoLabels::get)
        .filter(java.util.Objects::nonNull)
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(l -> list.add(labelNode(l)));
    return list;
  }

  private ObjectNode issueNode(Item item) {
    ObjectNode node = object("issue");
    node.put("id", 900L + item.number);
    node.put("number", item.number);
    node.put("title", item.title);
    node.put("body", item.body);
    node.put("state", item.open ? "open" : "closed");
    node.set("user", userNode(item.author));
    node.set("labels", labelArray(item.labels));
    node.put("comments", comments(item.number).size());
    node.put("html_url", htmlUrl(item.isPull ? "pulls" : "issues", item.number));
    node.put("url", apiUrl("/issues/" + item.number));
    ObjectNode meta = Fixtures.object(node.get("repository"));
    meta.put("id", REPO_ID).put("name", repo.name()).put("owner", repo.owner());
    meta.put("full_name", repo.fullName());
    Pull pull = pulls.get(item.number);
    if (pull != null) {
      ObjectNode pr = node.putObject("pull_request");
      pr.put("draft", isWorkInProgress(item.title));
      pr.put("html_url", htmlUrl("pulls", item.number));
      pr.put("merged", pull.merged);
      if (pull.mergedAt == null) {
        pr.putNull("merged_at");
      } else {
        pr.put("merged_at", pull.mergedAt.toString());
      }
    }
    return node;
  }

  private ObjectNode commentNode(Event e) {
    ObjectNode node = object("comment");
    node.put("id", e.id);
    node.put("body", e.body);
    node.set("user", userNode(e.user));
    node.put("created_at", e.created.toString());
    node.put("updated_at", e.updated.toString());
    Item item = item(e.issue);
    String page = htmlUrl(item.isPull ? "pulls" : "issues", e.issue);
    node.put("html_url", page + "#issuecomment-" + e.id);
    node.put("issue_url", htmlUrl("issues", e.issue));
    node.put("pull_request_url", item.isPull ? page : "");
    return node;
  }

  private ObjectNode timelineNode(Event e) {
    ObjectNode node = object("timeline-label");
    node.put("id", e.id);
    node.put("type", e.type);
    node.put("body", e.body);
    node.set("user", userNode(e.user));
    node.put("created_at", e.created.toString());
    node.put("updated_at", e.updated.toString());
    node.put("html_url", htmlUrl("issues", e.issue) + "#issuecomment-" + e.id);
    node.put("issue_url", htmlUrl("issues", e.issue));
    Label label = e.label == null ? null : repoLabels.get(e.label);
    if (label == null) {
      node.putNull("label");
    } else {
      node.set("label", labelNode(label));
    }
    return node;
  }

  private ObjectNode pullJson(Pull pull, String author) {
    Item item = item(pull.number);
    ObjectNode node = object("pull-request");
    node.put("id", pull.id);
    node.put("number", pull.number);
    node.put("title", item.title);
    node.put("body", item.body);
    // services/convert/pull.go: Draft: pr.IsWorkInProgress — the title's prefix, nothing else.
    node.put("draft", isWorkInProgress(item.title));
    node.put("state", item.open ? "open" : "closed");
    node.put("merged", pull.merged);
    if (pull.mergedAt == null) {
      node.putNull("merged_at");
      node.putNull("merge_commit_sha");
      node.putNull("merged_by");
    } else {
      node.put("merged_at", pull.mergedAt.toString());
      node.put("merge_commit_sha", "c".repeat(40));
      node.put("closed_at", pull.mergedAt.toString());
    }
    node.set("user", userNode(author));
    node.set("labels", labelArray(item.labels));
    node.put("comments", comments(pull.number).size());
    String page = htmlUrl("pulls", pull.number);
    node.put("html_url", page);
    node.put("url", page);
    node.put("diff_url", page + ".diff");
    node.put("patch_url", page + ".patch");
    ObjectNode head = Fixtures.object(node.get("head"));
    head.put("label", pull.head).put("ref", pull.head).put("sha", pull.headSha);
    head.put("repo_id", REPO_ID);
    head.set("repo", repository(author));
    ObjectNode base = Fixtures.object(node.get("base"));
    String baseSha = java.util.Objects.requireNonNullElse(branch(pull.base), "");
    base.put("label", pull.base).put("ref", pull.base).put("sha", baseSha);
    base.put("repo_id", REPO_ID);
    base.set("repo", repository(author));
    node.put("merge_base", baseSha);
    return node;
  }

  private ObjectNode object(String name) {
    return Fixtures.object(example(name)).deepCopy();
  }

  private JsonNode example(String name) {
    return Fixtures.load(
        "forgejo", name, "https://forgejo.example.org", baseUrl, "hydra-org/demo", repo.fullName());
  }

  // ----------------------------------------------------------------------------- the wire

  private static JsonNode body(Request request) throws IOException {
    String text = request.getBodyAsString();
    return text == null || text.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
  }

  private static Map<String, String> query(String url) {
    Map<String, String> query = new LinkedHashMap<>();
    int q = url.indexOf('?');
    if (q < 0) {
      return query;
    }
    for (String pair : url.substring(q + 1).split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    return query;
  }

  private static int intParam(Map<String, String> query, String name) {
    try {
      return Integer.parseInt(query.getOrDefault(name, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * One page of a listing, as {@code utils.GetListOptions} reads {@code page} and {@code limit}.
   *
   * @param announcesTotal true for listings that count the whole set ({@code X-Total-Count} and
   *     {@code Link}); false for the timeline, whose {@code X-Total-Count} is the page's length
   */
  private ResponseDefinition page(
      List<JsonNode> all, Map<String, String> query, String path, boolean announcesTotal) {
    int page = Math.max(1, intParam(query, "page"));
    int limit = intParam(query, "limit");
    if (limit <= 0) {
      limit = DEFAULT_PAGING_NUM;
    }
    limit = Math.min(limit, MAX_RESPONSE_ITEMS);
    int from = Math.min(all.size(), (page - 1) * limit);
    int to = Math.min(all.size(), from + limit);
    ArrayNode list = MAPPER.createArrayNode();
    all.subList(from, to).forEach(list::add);
    ResponseDefinitionBuilder answer = jsonBuilder(200, list);
    if (!announcesTotal) {
      return answer.withHeader("X-Total-Count", String.valueOf(list.size())).build();
    }
    int last = Math.max(1, (all.size() + limit - 1) / limit);
    List<String> links = new ArrayList<>();
    String self = baseUrl + path + "?limit=" + limit + "&page=";
    if (page < last) {
      links.add("<" + self + (page + 1) + ">; rel=\"next\"");
      links.add("<" + self + last + ">; rel=\"last\"");
    }
    if (page > 1) {
      links.add("<" + self + 1 + ">; rel=\"first\"");
      links.add("<" + self + (page - 1) + ">; rel=\"prev\"");
    }
    if (!links.isEmpty()) {
      answer.withHeader("Link", String.join(",", links));
    }
    return answer
        .withHeader("X-Total-Count", String.valueOf(all.size()))
        .withHeader("Access-Control-Expose-Headers", "X-Total-Count, Link")
        .build();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static ResponseDefinitionBuilder jsonBuilder(int status, JsonNode body) {
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(status)
        .withHeader("Content-Type", "application/json;charset=utf-8")
        .withBody(body.toString());
  }

  private static ResponseDefinition json(int status, JsonNode body) {
    return jsonBuilder(status, body).build();
  }

  /** {@code ctx.Status(n)}: no body. */
  private static ResponseDefinition status(int status) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status).build();
  }

  /** {@code ctx.Error(status, title, message)}: an APIError. */
  private ResponseDefinition error(int status, String message) {
    ObjectNode body = object("error");
    body.put("message", message);
    body.put("url", baseUrl + "/api/swagger");
    return json(status, body);
  }

  /** {@code ctx.NotFound()}: an APINotFound. */
  private ResponseDefinition notFound() {
    ObjectNode body = MAPPER.createObjectNode();
    body.putArray("errors");
    body.put("message", "The target couldn't be found.");
    body.put("url", baseUrl + "/api/swagger");
    return json(404, body);
  }
}
