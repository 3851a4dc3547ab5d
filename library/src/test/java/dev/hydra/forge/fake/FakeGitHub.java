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
import dev.hydra.forge.RepoRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A GitHub repository with one issue, held in memory and served by WireMock: the REST and GraphQL
 * calls a pipeline run makes, answered with the shapes of GitHub's own examples (from
 * {@code @octokit/openapi}, the same fixtures the adapter's contract test uses) and GitHub's
 * semantics where the pipeline depends on them — a label removal answers 404 when the label is not
 * there (one of two concurrent removals loses), a pull request needs its head branch pushed, a
 * label write is recorded in the issue's events with the token's user as actor, a review cannot
 * approve one's own pull request. Every request is answered under one lock, as one transaction.
 *
 * <p>Tokens map to users; a request without a known token gets 401.
 *
 * <p>Public for the tests of other modules (the library's test-jar): {@code RunCommandIT} runs
 * {@code hydra run} against it. Those read its state through the {@code …Now()} snapshots; the
 * tests of this package also reach the fields.
 */
public final class FakeGitHub implements ResponseDefinitionTransformerV2 {

  /** The transformer's name, for {@code aResponse().withTransformers(FakeGitHub.NAME)}. */
  public static final String NAME = "fake-github";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern REPO_PATH = Pattern.compile("/repos/([^/]+)/([^/?]+)(/[^?]*)?");

  /** The issue's title. */
  public static final String TITLE = "Add a /health endpoint";

  /** The issue's text when the test starts. */
  public static final String ORIGINAL_BODY = "GET /health answers {\"status\":\"ok\"}.";

  private final RepoRef repo;
  private final Map<String, String> users = new LinkedHashMap<>();
  private final Map<String, String> permissions = new LinkedHashMap<>();
  private final java.util.Set<String> bots = new java.util.HashSet<>();
  private final Set<String> withoutEdge = new LinkedHashSet<>();
  private final Set<String> repoLabels = new LinkedHashSet<>();
  private final Set<String> branches = new LinkedHashSet<>();
  private java.util.function.Function<String, java.util.Optional<String>> heads =
      branch -> java.util.Optional.empty();
  private final AtomicInteger ids = new AtomicInteger(1000);
  private String baseUrl = "";
  private Instant now = Instant.parse("2026-11-22T08:00:00Z");

  // The issue.
  public final int issue = 7;
  public boolean issueOpen = true;
  public String issueBody = ORIGINAL_BODY;
  public final List<String> labels = new ArrayList<>();
  public final List<ObjectNode> events = new ArrayList<>();
  public final List<ObjectNode> comments = new ArrayList<>();
  // The pull request (at most one here).
  public ObjectNode pull = MAPPER.createObjectNode();
  public final List<ObjectNode> reviews = new ArrayList<>();
  public boolean merged;
  public String mergedSha = "";

  /** The pull request's state changes, oldest first: {@code "closed by hydra-builder"}. */
  public final List<String> pullStates = new ArrayList<>();

  /** Requests (method and path pattern) to answer once with a primary rate limit. */
  public final List<String> rateLimitOnce = new ArrayList<>();

  /** An empty repository: no user, no label, the one open issue #7 without labels. */
  public FakeGitHub(RepoRef repo) {
    this.repo = repo;
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  /** Where the fixtures' URLs point ({@code https://api.github.com} in them): the server. */
  public FakeGitHub baseUrl(String url) {
    this.baseUrl = url;
    return this;
  }

  /** A user with a token and a permission on the repository ({@code admin}, {@code write}, …). */
  public synchronized FakeGitHub user(String login, String token, String permission) {
    users.put(token, login);
    permissions.put(login, permission);
    return this;
  }

  /**
   * A user whose permission comes from the organisation's base permission alone: the REST
   * permission endpoint says {@code permission}, GraphQL's {@code collaborators} lists no edge.
   */
  public synchronized FakeGitHub baseMember(String login, String token, String permission) {
    user(login, token, permission);
    withoutEdge.add(login);
    return this;
  }

  /** An account GitHub calls a bot ({@code type: Bot}) whatever its login. */
  public synchronized FakeGitHub bot(String login) {
    bots.add(login);
    return this;
  }

  /** Labels that exist in the repository (seeded). */
  public synchronized FakeGitHub labels(Set<String> names) {
    repoLabels.addAll(names);
    return this;
  }

  /** A person applies a label through the web interface. */
  public synchronized void apply(String login, String label) {
    if (!labels.contains(label)) {
      labels.add(label);
      events.add(event("labeled", login, label));
    }
  }

  /** A person removes a label through the web interface. */
  public synchronized void remove(String login, String label) {
    if (labels.remove(label)) {
      events.add(event("unlabeled", login, label));
    }
  }

  /** A person edits the issue's text. */
  public synchronized void editBody(String body) {
    issueBody = body;
  }

  /** A person comments on the issue. */
  public synchronized void comment(String login, String body) {
    ObjectNode c = object("issue-comment");
    c.put("id", ids.incrementAndGet());
    c.put("body", body);
    Fixtures.object(c.get("user")).put("login", login);
    c.put("issue", issue);
    comments.add(c);
  }

  /**
   * Where the branches really are: a git remote the runner pushes to. A pull request opened from a
   * branch this fake has not been told of gets the remote's head of it.
   */
  public synchronized FakeGitHub branchesFrom(
      java.util.function.Function<String, java.util.Optional<String>> heads) {
    this.heads = heads;
    return this;
  }

  /** {@code git push} of a branch; an open pull request from it gets the new head. */
  public synchronized void push(String branch, String sha) {
    branches.add(branch + "@" + sha);
    if (hasPull()
        && pull.path("state").asText().equals("open")
        && pull.path("head").path("ref").asText().equals(branch)) {
      Fixtures.object(pull.get("head")).put("sha", sha);
    }
  }

  /** The issue's labels now. */
  public synchronized List<String> labelsNow() {
    return List.copyOf(labels);
  }

  /** The comments on the issue and the pull request, as stored (oldest first), copied. */
  public synchronized List<ObjectNode> commentsNow() {
    return comments.stream().map(ObjectNode::deepCopy).toList();
  }

  /** The reviews of the pull request (oldest first), copied. */
  public synchronized List<ObjectNode> reviewsNow() {
    return reviews.stream().map(ObjectNode::deepCopy).toList();
  }

  /** The pull request as GitHub answers it (empty before one is opened), copied. */
  public synchronized ObjectNode pullNow() {
    return pull.deepCopy();
  }

  /** Whether the pull request was merged. */
  public synchronized boolean mergedNow() {
    return merged;
  }

  /**
   * Sets the time the next issue event is stamped with: a test class sharing one fake starts each
   * test at the same time, whatever ran before.
   */
  public synchronized void time(Instant at) {
    now = at;
  }

  /** The time the next issue event is stamped with. */
  public synchronized Instant now() {
    return now;
  }

  /** Moves the time of the next issue events (a negative duration moves it back). */
  public synchronized void advance(java.time.Duration by) {
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
        auth.startsWith("token ") ? auth.substring(6) : auth.replaceFirst("^Bearer ", "");
    String user = users.get(token);
    if (user == null) {
      return error(401, "Bad credentials");
    }
    for (String limited : List.copyOf(rateLimitOnce)) {
      if ((method + " " + path).matches(limited)) {
        rateLimitOnce.remove(limited);
        return ResponseDefinitionBuilder.responseDefinition()
            .withStatus(403)
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withHeader("x-ratelimit-limit", "5000")
            .withHeader("x-ratelimit-remaining", "0")
            .withHeader("x-ratelimit-reset", String.valueOf(now.getEpochSecond() + 2))
            .withBody(
                "{\"message\":\"API rate limit exceeded for user ID 1.\",\"documentation_url\":"
                    + "\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}")
            .build();
      }
    }
    if (method.equals("GET") && path.equals("/user")) {
      ObjectNode me = object("user");
      me.put("login", user);
      return json(200, me);
    }
    if (method.equals("POST") && path.equals("/graphql")) {
      return graphql(request, user);
    }
    Matcher m = REPO_PATH.matcher(path);
    if (!m.matches() || !m.group(1).equals(repo.owner()) || !m.group(2).equals(repo.name())) {
      return error(404, "Not Found");
    }
    String rest = m.group(3) == null ? "" : m.group(3);
    String issuePath = "/issues/" + issue;
    boolean writer = Set.of("admin", "maintain", "write").contains(permissions.get(user));
    if (method.equals("GET") && rest.isEmpty()) {
      // The repository with the caller's own permissions: Forge.tokenPermission.
      ObjectNode repository = object("repository");
      repository.put("name", repo.name()).put("full_name", repo.fullName());
      repository.putObject("owner").put("login", repo.owner()).put("type", "Organization");
      repository.put("url", baseUrl + "/repos/" + repo.fullName());
      repository.put("html_url", "https://github.com/" + repo.fullName());
      repository.put("default_branch", "main");
      repository
          .putObject("permissions")
          .put("admin", "admin".equals(permissions.get(user)))
          .put("maintain", "maintain".equals(permissions.get(user)))
          .put("push", writer)
          .put("triage", writer || "triage".equals(permissions.get(user)))
          .put("pull", permissions.containsKey(user));
      return json(200, repository);
    }
    if (method.equals("GET") && rest.equals(issuePath)) {
      return json(200, issueJson());
    }
    if (method.equals("GET") && rest.equals("/issues")) {
      return openIssues(request);
    }
    if (method.equals("GET")
        && rest.startsWith("/collaborators/")
        && rest.endsWith("/permission")) {
      String who =
          decode(
              rest.substring("/collaborators/".length(), rest.length() - "/permission".length()));
      ObjectNode answer = object("collaborator-permission");
      String permission = permissions.getOrDefault(who, "none");
      answer.put(
          "permission",
          permission.equals("maintain")
              ? "write"
              : permission.equals("triage") ? "read" : permission);
      answer.put("role_name", permission);
      return json(200, answer);
    }
    if (rest.equals(issuePath + "/events") && method.equals("GET")) {
      ArrayNode list = MAPPER.createArrayNode();
      events.forEach(list::add);
      return json(200, list);
    }
    if (rest.startsWith(issuePath + "/labels")) {
      if (!writer && !"triage".equals(permissions.get(user))) {
        return error(403, "Resource not accessible by personal access token");
      }
      return labelWrite(method, rest.substring((issuePath + "/labels").length()), request, user);
    }
    if (rest.equals(issuePath + "/comments")
        || rest.equals("/issues/" + prNumber() + "/comments")) {
      int on = rest.equals(issuePath + "/comments") ? issue : prNumber();
      if (method.equals("GET")) {
        List<ObjectNode> all =
            comments.stream()
                .filter(c -> c.path("issue").asInt() == on)
                .map(this::publicComment)
                .toList();
        return page(all, request.getAbsoluteUrl());
      }
      if (method.equals("POST")) {
        ObjectNode c = object("issue-comment");
        c.put("id", ids.incrementAndGet());
        c.put("body", MAPPER.readTree(request.getBodyAsString()).path("body").asText());
        Fixtures.object(c.get("user")).put("login", user);
        c.put("issue", on);
        comments.add(c);
        return json(201, publicComment(c));
      }
    }
    if (method.equals("PATCH") && rest.startsWith("/issues/comments/")) {
      long id = Long.parseLong(rest.substring("/issues/comments/".length()));
      for (ObjectNode c : comments) {
        if (c.path("id").asLong() == id) {
          if (!writer && !c.path("user").path("login").asText().equals(user)) {
            return error(403, "Resource not accessible by personal access token");
          }
          c.put("body", MAPPER.readTree(request.getBodyAsString()).path("body").asText());
          return json(200, publicComment(c));
        }
      }
      return error(404, "Not Found");
    }
    if (rest.equals("/pulls")) {
      return pulls(method, request, user, url);
    }
    if (hasPull() && rest.equals("/pulls/" + prNumber() + "/reviews") && method.equals("POST")) {
      JsonNode body = MAPPER.readTree(request.getBodyAsString());
      String event = body.path("event").asText();
      if (!Set.of("COMMENT", "REQUEST_CHANGES", "APPROVE").contains(event)) {
        return error(422, "Unprocessable Entity");
      }
      if (!event.equals("COMMENT") && pull.path("user").path("login").asText().equals(user)) {
        return error(
            422,
            "Unprocessable Entity: Can not approve or request changes on your own pull request");
      }
      ObjectNode review = object("pull-request-review");
      review.put("id", ids.incrementAndGet());
      review.put(
          "state",
          event.equals("COMMENT")
              ? "COMMENTED"
              : event.equals("APPROVE") ? "APPROVED" : "CHANGES_REQUESTED");
      review.put("body", body.path("body").asText());
      review.put("commit_id", body.path("commit_id").asText());
      Fixtures.object(review.get("user")).put("login", user);
      reviews.add(review);
      return json(200, review);
    }
    if (hasPull() && rest.equals("/pulls/" + prNumber()) && method.equals("PATCH")) {
      JsonNode body = MAPPER.readTree(request.getBodyAsString());
      if (!writer && !pull.path("user").path("login").asText().equals(user)) {
        return error(403, "Resource not accessible by personal access token");
      }
      String state = body.path("state").asText();
      if (!state.isEmpty() && !merged && !state.equals(pull.path("state").asText())) {
        pull.put("state", state);
        pullStates.add((state.equals("open") ? "reopened" : "closed") + " by " + user);
      }
      return json(200, pull);
    }
    if (hasPull() && rest.equals("/pulls/" + prNumber() + "/merge") && method.equals("PUT")) {
      JsonNode body = MAPPER.readTree(request.getBodyAsString());
      if (!writer) {
        return error(403, "Resource not accessible by personal access token");
      }
      if (!body.path("sha").asText().equals(pull.path("head").path("sha").asText())) {
        return error(409, "Head branch was modified. Review and try the merge again.");
      }
      merged = true;
      mergedSha = body.path("sha").asText();
      return json(200, object("merge-result"));
    }
    return error(404, "Not Found");
  }

  private ResponseDefinition labelWrite(String method, String rest, Request request, String user)
      throws IOException {
    if (method.equals("DELETE") && rest.startsWith("/")) {
      String name = decode(rest.substring(1));
      if (!labels.remove(name)) {
        return error(404, "Label does not exist");
      }
      events.add(event("unlabeled", user, name));
      return json(200, labelArray());
    }
    if (!rest.isEmpty()) {
      return error(404, "Not Found");
    }
    List<String> names = new ArrayList<>();
    MAPPER.readTree(request.getBodyAsString()).path("labels").forEach(n -> names.add(n.asText()));
    for (String name : names) {
      if (!repoLabels.contains(name)) {
        // GitHub creates unknown labels on the fly; Hydra seeds them, so a test should notice.
        return error(422, "Validation Failed: label " + name + " was not seeded");
      }
    }
    if (method.equals("PUT")) {
      for (String old : List.copyOf(labels)) {
        if (!names.contains(old)) {
          labels.remove(old);
          events.add(event("unlabeled", user, old));
        }
      }
    } else if (!method.equals("POST")) {
      return error(404, "Not Found");
    }
    for (String name : names) {
      if (!labels.contains(name)) {
        labels.add(name);
        events.add(event("labeled", user, name));
      }
    }
    return json(200, labelArray());
  }

  private ResponseDefinition pulls(String method, Request request, String user, String url)
      throws IOException {
    if (method.equals("GET")) {
      ArrayNode list = MAPPER.createArrayNode();
      String head =
          url.contains("head=") ? decode(url.replaceFirst(".*[?&]head=([^&]*).*", "$1")) : "";
      if (hasPull()
          && pull.path("state").asText().equals("open")
          && (head.isEmpty()
              || head.equals(repo.owner() + ":" + pull.path("head").path("ref").asText()))) {
        list.add(pull);
      }
      return json(200, list);
    }
    JsonNode body = MAPPER.readTree(request.getBodyAsString());
    String head = body.path("head").asText();
    String sha =
        branches.stream()
            .filter(b -> b.startsWith(head + "@"))
            .map(b -> b.substring(head.length() + 1))
            .reduce((a, b) -> b)
            .or(() -> heads.apply(head))
            .orElse("");
    if (sha.isEmpty()) {
      return error(422, "Validation Failed: head does not exist");
    }
    if (hasPull() && pull.path("head").path("ref").asText().equals(head)) {
      return error(
          422,
          "Validation Failed: A pull request already exists for "
              + repo.owner()
              + ":"
              + head
              + ".");
    }
    ObjectNode pr = object("pull-request");
    pr.put("number", 12);
    pr.put("node_id", "PR_kwDOfake12");
    pr.put("title", body.path("title").asText());
    pr.put("body", body.path("body").asText());
    pr.put("state", "open");
    pr.put("draft", body.path("draft").asBoolean());
    pr.putNull("merged_at");
    pr.put("html_url", baseUrl + "/" + repo.fullName() + "/pull/12");
    Fixtures.object(pr.get("user")).put("login", user);
    Fixtures.object(pr.get("head")).put("ref", head).put("sha", sha);
    Fixtures.object(pr.get("head").get("repo")).put("full_name", repo.fullName());
    Fixtures.object(pr.get("base")).put("ref", body.path("base").asText());
    pull = pr;
    return json(201, pr);
  }

  private ResponseDefinition graphql(Request request, String user) throws IOException {
    JsonNode body = MAPPER.readTree(request.getBodyAsString());
    if (body.path("query").asText().contains("issueOrPullRequest")) {
      return issueQuery(body, user);
    }
    if (!body.path("query").asText().contains("markPullRequestReadyForReview")) {
      return error(400, "unexpected query");
    }
    if (!hasPull()
        || !body.path("variables").path("id").asText().equals(pull.path("node_id").asText())) {
      return json(
          200,
          MAPPER.readTree(
              "{\"data\":null,\"errors\":[{\"type\":\"NOT_FOUND\",\"message\":\"Could not resolve to a node\"}]}"));
    }
    pull.put("draft", false);
    return json(
        200,
        MAPPER.readTree(
            "{\"data\":{\"markPullRequestReadyForReview\":{\"pullRequest\":{\"isDraft\":false}}}}"));
  }

  /**
   * The guard's GraphQL read of an issue: the caller's {@code viewerPermission}, the issue with its
   * labels and comments and, when asked, the sender's collaborator edge (as {@code GitHubIssueRead}
   * asks for them).
   */
  private ResponseDefinition issueQuery(JsonNode body, String user) {
    JsonNode variables = body.path("variables");
    ObjectNode answer = MAPPER.createObjectNode();
    if (!variables.path("owner").asText().equals(repo.owner())
        || !variables.path("name").asText().equals(repo.name())) {
      answer.putNull("data");
      answer
          .putArray("errors")
          .addObject()
          .put("type", "NOT_FOUND")
          .put("message", "Could not resolve to a Repository");
      return json(200, answer);
    }
    ObjectNode repository = answer.putObject("data").putObject("repository");
    String permission = permissions.get(user);
    if (permission == null) {
      repository.putNull("viewerPermission");
    } else {
      repository.put("viewerPermission", permission.toUpperCase(java.util.Locale.ROOT));
    }
    if (body.path("query").asText().contains("collaborators(login: $sender")) {
      collaborator(answer, repository, variables.path("sender").asText(), permission);
    }
    if (variables.path("number").asInt() != issue) {
      repository.putNull("issueOrPullRequest");
      errors(answer)
          .addObject()
          .put("type", "NOT_FOUND")
          .put("message", "Could not resolve to an issue or pull request");
      return json(200, answer);
    }
    ObjectNode item = repository.putObject("issueOrPullRequest");
    item.put("__typename", "Issue").put("number", issue).put("title", TITLE);
    item.put("body", issueBody).put("state", issueOpen ? "OPEN" : "CLOSED");
    item.putObject("author").put("login", issueJson().path("user").path("login").asText());
    ObjectNode labelPage = item.putObject("labels").put("totalCount", labels.size());
    ArrayNode labelNodes = labelPage.putArray("nodes");
    // As GitHub: labels(first: 100) and comments(last: 100), with the true totals.
    labels.stream().limit(100).forEach(name -> labelNodes.addObject().put("name", name));
    List<ObjectNode> on = comments.stream().filter(c -> c.path("issue").asInt() == issue).toList();
    ObjectNode commentPage = item.putObject("comments").put("totalCount", on.size());
    ArrayNode commentNodes = commentPage.putArray("nodes");
    for (ObjectNode c : on.subList(Math.max(0, on.size() - 100), on.size())) {
      ObjectNode node = commentNodes.addObject();
      node.put("fullDatabaseId", String.valueOf(c.path("id").asLong()));
      node.put("body", c.path("body").asText());
      node.putObject("author").put("login", c.path("user").path("login").asText());
    }
    return json(200, answer);
  }

  /**
   * {@code collaborators(login: $sender, first: 1)} as GitHub answers it: a caller without push
   * access is refused the field (an error with its path, the rest of the answer intact); a user the
   * repository does not know, or whose access is the organisation's base permission, has no edge.
   */
  private void collaborator(
      ObjectNode answer, ObjectNode repository, String sender, @Nullable String caller) {
    if (!Set.of("admin", "maintain", "write").contains(String.valueOf(caller))) {
      repository.putNull("collaborators");
      ObjectNode error = errors(answer).addObject();
      error.put("type", "FORBIDDEN").put("message", "Must have push access to view collaborators.");
      error.putArray("path").add("repository").add("collaborators");
      return;
    }
    ArrayNode edges = repository.putObject("collaborators").putArray("edges");
    String permission = permissions.get(sender);
    if (permission != null && !withoutEdge.contains(sender)) {
      ObjectNode edge = edges.addObject().put("permission", permission.toUpperCase(Locale.ROOT));
      edge.putObject("node").put("login", sender);
    }
  }

  private static ArrayNode errors(ObjectNode answer) {
    return answer.get("errors") instanceof ArrayNode known ? known : answer.putArray("errors");
  }

  // ------------------------------------------------------------------------------------------

  public boolean hasPull() {
    return pull.has("number");
  }

  public int prNumber() {
    return !hasPull() ? -1 : pull.path("number").asInt();
  }

  /**
   * The open issues (here at most the one), with GitHub's conditional requests: an {@code ETag}
   * over the answer, and {@code 304 Not Modified} without a body when {@code If-None-Match} names
   * it. (GitHub does not count a 304 against the rate limit.)
   */
  private ResponseDefinition openIssues(Request request) throws IOException {
    ArrayNode list = MAPPER.createArrayNode();
    if (issueOpen) {
      list.add(issueJson());
    }
    byte[] body = MAPPER.writeValueAsBytes(list);
    String etag;
    try {
      etag =
          "\""
              + java.util.HexFormat.of()
                  .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body))
              + "\"";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (etag.equals(request.getHeader("If-None-Match"))) {
      return ResponseDefinitionBuilder.responseDefinition()
          .withStatus(304)
          .withHeader("ETag", etag)
          .build();
    }
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(200)
        .withHeader("Content-Type", "application/json; charset=utf-8")
        .withHeader("ETag", etag)
        .withBody(body)
        .build();
  }

  private ObjectNode issueJson() {
    ObjectNode node = object("issue");
    node.put("number", issue);
    node.put("title", TITLE);
    node.put("body", issueBody);
    node.put("state", issueOpen ? "open" : "closed");
    node.remove("pull_request");
    node.set("labels", labelArray());
    return node;
  }

  private ArrayNode labelArray() {
    ArrayNode list = MAPPER.createArrayNode();
    for (String name : labels) {
      ObjectNode label = object("label");
      label.put("name", name);
      list.add(label);
    }
    return list;
  }

  private ObjectNode event(String what, String actor, String label) {
    ObjectNode e = Fixtures.object(example("issue-events").get(0)).deepCopy();
    e.put("id", ids.incrementAndGet());
    e.put("event", what);
    e.remove("commit_id");
    e.remove("commit_url");
    e.put("created_at", now.toString());
    Fixtures.object(e.get("actor")).put("login", actor);
    Fixtures.object(e.get("actor")).put("type", bots.contains(actor) ? "Bot" : "User");
    e.putObject("label").put("name", label).put("color", "ededed");
    now = now.plusSeconds(1);
    return e;
  }

  private ObjectNode publicComment(ObjectNode c) {
    ObjectNode copy = c.deepCopy();
    copy.remove("issue");
    return copy;
  }

  private ObjectNode object(String name) {
    return Fixtures.object(example(name)).deepCopy();
  }

  private JsonNode example(String name) {
    return Fixtures.load(
        "github", name, "https://api.github.com", baseUrl, "octocat/Hello-World", repo.fullName());
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /**
   * One page of a listing as GitHub answers it: {@code per_page} (default 30, at most 100) and
   * {@code page}, a {@code Link} header naming the next page while there is one.
   */
  private static ResponseDefinition page(List<ObjectNode> all, String url) {
    Map<String, String> query = new LinkedHashMap<>();
    if (url.contains("?")) {
      for (String pair : url.substring(url.indexOf('?') + 1).split("&", -1)) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(
              pair.substring(0, eq),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    int perPage = Math.min(100, Integer.parseInt(query.getOrDefault("per_page", "30")));
    int page = Math.max(1, Integer.parseInt(query.getOrDefault("page", "1")));
    int from = Math.min(all.size(), (page - 1) * perPage);
    int to = Math.min(all.size(), from + perPage);
    ArrayNode list = MAPPER.createArrayNode();
    all.subList(from, to).forEach(list::add);
    ResponseDefinitionBuilder answer =
        ResponseDefinitionBuilder.responseDefinition()
            .withStatus(200)
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withHeader("x-ratelimit-remaining", "4999")
            .withBody(list.toString());
    if (to < all.size()) {
      String self = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
      String next = self + "?per_page=" + perPage + "&page=" + (page + 1);
      answer = answer.withHeader("Link", "<" + next + ">; rel=\"next\"");
    }
    return answer.build();
  }

  private static ResponseDefinition json(int status, JsonNode body) {
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(status)
        .withHeader("Content-Type", "application/json; charset=utf-8")
        .withHeader("x-ratelimit-remaining", "4999")
        .withBody(body.toString())
        .build();
  }

  private static ResponseDefinition error(int status, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("message", message);
    body.put("documentation_url", "https://docs.github.com/rest");
    body.put("status", String.valueOf(status));
    return json(status, body);
  }
}
