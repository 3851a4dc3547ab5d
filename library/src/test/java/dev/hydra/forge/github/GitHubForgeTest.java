package dev.hydra.forge.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.Fixtures;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeRateLimitedException;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.ForgeWireContractTest;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link GitHubForge} against WireMock answering with GitHub's own example responses
 * (@octokit/openapi, see tools/github-examples.py), plus what only GitHub does: the primary and
 * secondary rate limits, GraphQL, github-api's paging.
 */
class GitHubForgeTest extends ForgeWireContractTest {

  private static final String NODE_ID = "PR_kwDOAbCdEf5xYz12";

  @Override
  protected ForgeType forgeType() {
    return ForgeType.GITHUB;
  }

  @Override
  protected String apiPath() {
    return "";
  }

  @Override
  protected Forge open(URI api, String persona, String token, ForgeOptions options) {
    return new GitHubForge(api, persona, token, options);
  }

  @Override
  protected Map<String, Integer> expectedRequests() {
    // github-api works on a repository handle: the first such call of an instance on a repository
    // also sends GET /repos/{o}/{r} (and that one request is tokenPermission).
    return Map.ofEntries(
        Map.entry("currentUser", 1),
        Map.entry("currentUser (again)", 0),
        Map.entry("tokenPermission", 1),
        Map.entry("userPermission", 1),
        // These stubs answer no GraphQL: the issue's query fails and the REST read follows, two
        // requests (GitHubIssueReadTest and the pipeline tests cover the one-request query).
        Map.entry("issue", 2),
        Map.entry("issue (again)", 2),
        Map.entry("lastLabeled", 1),
        Map.entry("lastLabeled (three labels)", 1),
        Map.entry("takeLabel", 1),
        Map.entry("takeLabel (not there)", 1),
        Map.entry("addLabels", 1),
        Map.entry("setLabels", 1),
        Map.entry("setLabels (again)", 1),
        // Labels are plain REST: one listing page of 100, one write per label that differs.
        Map.entry("labels", 1),
        Map.entry("upsertLabel (create)", 2),
        Map.entry("upsertLabel (update)", 2),
        Map.entry("seed (4 differ, 22 missing)", 27),
        Map.entry("seed (up to date)", 1),
        Map.entry("seed (fresh repository)", 27),
        Map.entry("seed (second run)", 1),
        Map.entry("upsertLabel (unchanged)", 1),
        Map.entry("comment", 1),
        Map.entry("comments", 1),
        Map.entry("comments (250)", 3),
        Map.entry("findComment", 1),
        Map.entry("editComment", 1),
        Map.entry("findPullRequest", 1),
        Map.entry("openDraftPullRequest", 1),
        Map.entry("openDraftPullRequest (exists)", 2),
        Map.entry("markReadyForReview", 2),
        Map.entry("reopenPullRequest", 2),
        Map.entry("merge", 1),
        Map.entry("review", 1),
        Map.entry("commitStatus", 1));
  }

  // Fixtures ------------------------------------------------------------------------------------

  private static JsonNode example(String name) {
    return Fixtures.load(
        "github",
        name,
        "https://api.github.com",
        wm.baseUrl(),
        "octocat/Hello-World",
        REPO.fullName());
  }

  private static String repoPath(RepoRef repo) {
    return "/repos/" + repo.owner() + "/" + repo.name();
  }

  private static ObjectNode user(String login) {
    ObjectNode user = Fixtures.object(example("user")).deepCopy();
    user.put("login", login);
    return user;
  }

  private static ObjectNode label(String name, String color, String description, long id) {
    ObjectNode label = Fixtures.object(example("label")).deepCopy();
    label.put("id", id);
    label.put("name", name);
    label.put("color", color);
    label.put("description", description);
    label.put("url", wm.baseUrl() + repoPath(REPO) + "/labels/" + name);
    return label;
  }

  private static ObjectNode pullRequest(PrFixture pr, String template) {
    JsonNode example = example(template);
    ObjectNode node =
        (example.isArray() ? Fixtures.object(example.get(0)) : Fixtures.object(example)).deepCopy();
    node.put("number", pr.number());
    node.put("node_id", NODE_ID);
    node.put("title", pr.title());
    node.put("body", "Closes #7");
    node.put("state", "open");
    node.put("draft", pr.draft());
    node.putNull("merged_at");
    node.put("url", wm.baseUrl() + repoPath(REPO) + "/pulls/" + pr.number());
    node.put("html_url", "https://github.com/" + REPO.fullName() + "/pull/" + pr.number());
    ObjectNode head = Fixtures.object(node.get("head"));
    head.put("ref", pr.head());
    head.put("sha", pr.headSha());
    head.put("label", REPO.owner() + ":" + pr.head());
    Fixtures.object(head.get("repo")).put("full_name", REPO.fullName());
    Fixtures.object(node.get("base")).put("ref", pr.base());
    return node;
  }

  private static String errorJson(String message) {
    ObjectNode error = Fixtures.newObject();
    error.put("message", message);
    error.put("documentation_url", "https://docs.github.com/rest");
    return error.toString();
  }

  @Override
  protected String errorBody(String message) {
    return errorJson(message);
  }

  // Stubs ---------------------------------------------------------------------------------------

  @Override
  protected void stubCurrentUser(String login) {
    wm.stubFor(get(urlPathEqualTo("/user")).willReturn(okJson(user(login).toString())));
  }

  @Override
  protected void stubRepository(RepoRef repo, boolean admin, boolean push) {
    ObjectNode node = Fixtures.object(example("repository")).deepCopy();
    node.put("name", repo.name());
    node.put("full_name", repo.fullName());
    Fixtures.object(node.get("owner")).put("login", repo.owner());
    ObjectNode permissions = node.putObject("permissions");
    permissions.put("admin", admin);
    permissions.put("maintain", admin);
    permissions.put("push", push);
    permissions.put("triage", push);
    permissions.put("pull", true);
    wm.stubFor(get(urlPathEqualTo(repoPath(repo))).willReturn(okJson(node.toString())));
  }

  @Override
  protected void stubUserPermission(RepoRef repo, String login, String word) {
    ObjectNode node = Fixtures.object(example("collaborator-permission")).deepCopy();
    node.put("permission", word);
    node.put("role_name", word);
    Fixtures.object(node.get("user")).put("login", login);
    wm.stubFor(
        get(urlPathEqualTo(repoPath(repo) + "/collaborators/" + login + "/permission"))
            .willReturn(okJson(node.toString())));
  }

  @Override
  protected String issuePath(RepoRef repo, int number) {
    return repoPath(repo) + "/issues/" + number;
  }

  @Override
  protected void stubIssue(
      RepoRef repo, int number, String title, String author, List<String> labels, boolean pr) {
    ObjectNode node = Fixtures.object(example("issue")).deepCopy();
    node.put("number", number);
    node.put("title", title);
    node.put("body", "Say hello.");
    node.put("state", "open");
    Fixtures.object(node.get("user")).put("login", author);
    ArrayNode labelNodes = node.putArray("labels");
    long id = 1;
    for (String name : labels) {
      labelNodes.add(label(name, "ededed", "", id++));
    }
    if (!pr) {
      node.remove("pull_request");
    }
    wm.stubFor(get(urlPathEqualTo(issuePath(repo, number))).willReturn(okJson(node.toString())));
  }

  @Override
  protected void stubLabelHistory(RepoRef repo, int issue, List<HistoryItem> events) {
    ObjectNode template = Fixtures.object(example("issue-events").get(0));
    ArrayNode items = Fixtures.newArray();
    long id = 1;
    for (HistoryItem event : events) {
      ObjectNode item = template.deepCopy();
      item.put("id", id++);
      item.put("event", event.added() ? "labeled" : "unlabeled");
      item.remove("commit_id");
      item.remove("commit_url");
      Fixtures.object(item.get("actor")).put("login", event.login());
      ObjectNode label = item.putObject("label");
      label.put("name", event.label());
      label.put("color", "ededed");
      item.put("created_at", event.at());
      items.add(item);
    }
    wm.stubFor(
        get(urlPathEqualTo(issuePath(repo, issue) + "/events"))
            .withQueryParam("per_page", equalTo("100"))
            .willReturn(okJson(items.toString())));
  }

  @Override
  protected void stubRepoLabels(RepoRef repo, List<LabelSpec> labels) {
    ArrayNode items = Fixtures.newArray();
    long id = 100;
    for (LabelSpec spec : labels) {
      items.add(label(spec.name(), spec.color(), spec.description(), id++));
    }
    wm.stubFor(
        get(urlPathEqualTo(repoPath(repo) + "/labels")).willReturn(okJson(items.toString())));
  }

  @Override
  protected String setLabelsPath(RepoRef repo, int issue) {
    return issuePath(repo, issue) + "/labels";
  }

  @Override
  protected RequestPatternBuilder setLabelsRequest(
      RepoRef repo, int issue, List<String> sortedNames, List<LabelSpec> repoLabels) {
    ArrayNode names = Fixtures.newArray();
    sortedNames.forEach(names::add);
    ObjectNode body = Fixtures.newObject();
    body.set("labels", names);
    return putRequestedFor(urlPathEqualTo(setLabelsPath(repo, issue)))
        .withRequestBody(equalToJson(body.toString()));
  }

  private ArrayNode labelArray(List<String> names, List<LabelSpec> repoLabels) {
    ArrayNode items = Fixtures.newArray();
    for (String name : names) {
      for (int i = 0; i < repoLabels.size(); i++) {
        LabelSpec spec = repoLabels.get(i);
        if (spec.name().equals(name)) {
          items.add(label(spec.name(), spec.color(), spec.description(), 100 + i));
        }
      }
    }
    return items;
  }

  @Override
  protected void stubTakeLabel(
      RepoRef repo, int issue, List<String> carried, String label, List<LabelSpec> repoLabels) {
    List<String> left = new java.util.ArrayList<>(carried);
    boolean there = left.remove(label);
    wm.stubFor(
        delete(urlPathMatching(setLabelsPath(repo, issue) + "/" + pathPattern(label)))
            .willReturn(
                there
                    ? okJson(labelArray(left, repoLabels).toString())
                    : aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody(
                            "{\"message\":\"Label does not exist\",\"documentation_url\":"
                                + "\"https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue\","
                                + "\"status\":\"404\"}")));
  }

  @Override
  protected RequestPatternBuilder takeLabelRequest(
      RepoRef repo, int issue, String label, List<LabelSpec> repoLabels) {
    return deleteRequestedFor(
        urlPathMatching(setLabelsPath(repo, issue) + "/" + pathPattern(label)));
  }

  @Override
  protected void stubAddLabels(
      RepoRef repo, int issue, List<String> after, List<LabelSpec> repoLabels) {
    wm.stubFor(
        post(urlPathEqualTo(setLabelsPath(repo, issue)))
            .willReturn(okJson(labelArray(after, repoLabels).toString())));
  }

  @Override
  protected RequestPatternBuilder addLabelsRequest(
      RepoRef repo, int issue, List<String> sortedNames, List<LabelSpec> repoLabels) {
    ArrayNode names = Fixtures.newArray();
    sortedNames.forEach(names::add);
    ObjectNode body = Fixtures.newObject();
    body.set("labels", names);
    return postRequestedFor(urlPathEqualTo(setLabelsPath(repo, issue)))
        .withRequestBody(equalToJson(body.toString()));
  }

  @Override
  protected void stubLabelWrites(RepoRef repo, List<LabelSpec> repoLabels) {
    long id = 100;
    for (LabelSpec spec : repoLabels) {
      ObjectNode node = label(spec.name(), spec.color(), spec.description(), id++);
      wm.stubFor(
          get(urlPathMatching(repoPath(repo) + "/labels/" + pathPattern(spec.name())))
              .willReturn(okJson(node.toString())));
      wm.stubFor(
          patch(urlPathMatching(repoPath(repo) + "/labels/" + pathPattern(spec.name())))
              .willReturn(okJson(node.toString())));
    }
    wm.stubFor(
        get(urlPathEqualTo(repoPath(repo) + "/labels/needs-input"))
            .willReturn(notFound().withBody(errorJson("Not Found"))));
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/labels"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        label("needs-input", "d93f0b", "A person must answer", 200).toString())));
  }

  /** A label name in a URL path: github-api may or may not escape the colon. */
  private static String pathPattern(String name) {
    return name.replace(":", "(:|%3A)");
  }

  @Override
  protected RequestPatternBuilder createLabelRequest(RepoRef repo, LabelSpec label) {
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/labels"))
        .withRequestBody(
            equalToJson(
                "{\"name\":\""
                    + label.name()
                    + "\",\"color\":\""
                    + label.color()
                    + "\",\"description\":\""
                    + label.description()
                    + "\"}"));
  }

  @Override
  protected RequestPatternBuilder updateLabelRequest(
      RepoRef repo, LabelSpec label, List<LabelSpec> repoLabels) {
    return patchRequestedFor(
            urlPathMatching(repoPath(repo) + "/labels/" + pathPattern(label.name())))
        .withRequestBody(matchingJsonPath("$.color", equalTo(label.color())))
        .withRequestBody(matchingJsonPath("$.description", equalTo(label.description())));
  }

  @Override
  protected String commentsPath(RepoRef repo, int issue) {
    return issuePath(repo, issue) + "/comments";
  }

  private static ObjectNode comment(long id, String author, String body) {
    ObjectNode node = Fixtures.object(example("issue-comment")).deepCopy();
    node.put("id", id);
    node.put("body", body);
    Fixtures.object(node.get("user")).put("login", author);
    return node;
  }

  @Override
  protected void stubCreateComment(RepoRef repo, int issue, long id, String author) {
    wm.stubFor(
        post(urlPathEqualTo(commentsPath(repo, issue)))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(comment(id, author, "Review started.").toString())));
  }

  @Override
  protected RequestPatternBuilder createCommentRequest(RepoRef repo, int issue, String body) {
    return postRequestedFor(urlPathEqualTo(commentsPath(repo, issue)))
        .withRequestBody(equalToJson(Fixtures.newObject().put("body", body).toString()));
  }

  @Override
  protected void stubComments(RepoRef repo, int issue, List<Comment> comments) {
    ArrayNode items = Fixtures.newArray();
    comments.forEach(c -> items.add(comment(c.id(), c.author(), c.body())));
    wm.stubFor(
        get(urlPathEqualTo(commentsPath(repo, issue)))
            .withQueryParam("per_page", equalTo("100"))
            .willReturn(okJson(items.toString())));
  }

  /** GitHub's pages of 100, each pointing at the next with {@code Link: rel="next"}. */
  @Override
  protected void stubManyComments(RepoRef repo, int issue, List<Comment> comments) {
    int pages = (comments.size() + 99) / 100;
    for (int page = 1; page <= pages; page++) {
      ArrayNode items = Fixtures.newArray();
      comments
          .subList((page - 1) * 100, Math.min(comments.size(), page * 100))
          .forEach(c -> items.add(comment(c.id(), c.author(), c.body())));
      var answer = okJson(items.toString());
      if (page < pages) {
        String next = wm.baseUrl() + commentsPath(repo, issue) + "?per_page=100&page=" + (page + 1);
        answer = answer.withHeader("Link", "<" + next + ">; rel=\"next\"");
      }
      wm.stubFor(
          get(urlPathEqualTo(commentsPath(repo, issue)))
              .withQueryParam("per_page", equalTo("100"))
              .withQueryParam(
                  "page",
                  page == 1
                      ? com.github.tomakehurst.wiremock.client.WireMock.absent()
                      : equalTo(String.valueOf(page)))
              .willReturn(answer));
    }
  }

  @Override
  protected void stubEditComment(RepoRef repo, long id) {
    wm.stubFor(
        patch(urlPathEqualTo(repoPath(repo) + "/issues/comments/" + id))
            .willReturn(okJson(comment(id, "hydra-reviewer", "Build passed.").toString())));
  }

  @Override
  protected RequestPatternBuilder editCommentRequest(RepoRef repo, long id, String body) {
    return patchRequestedFor(urlPathEqualTo(repoPath(repo) + "/issues/comments/" + id))
        .withRequestBody(equalToJson(Fixtures.newObject().put("body", body).toString()));
  }

  @Override
  protected void stubOpenPulls(RepoRef repo, String branch, List<PrFixture> open) {
    ArrayNode items = Fixtures.newArray();
    open.forEach(pr -> items.add(pullRequest(pr, "pulls")));
    wm.stubFor(
        get(urlPathEqualTo(repoPath(repo) + "/pulls"))
            .withQueryParam("state", equalTo("open"))
            .withQueryParam("head", equalTo(repo.owner() + ":" + branch))
            .willReturn(okJson(items.toString())));
  }

  @Override
  protected void stubCreatePull(RepoRef repo, PrFixture created) {
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(pullRequest(created, "pull-request").toString())));
  }

  @Override
  protected void stubCreatePullExists(RepoRef repo) {
    String body =
        "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\","
            + "\"code\":\"custom\",\"message\":\"A pull request already exists for "
            + repo.owner()
            + ":"
            + BRANCH
            + ".\"}],\"documentation_url\":"
            + "\"https://docs.github.com/rest/pulls/pulls#create-a-pull-request\",\"status\":\"422\"}";
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  @Override
  protected RequestPatternBuilder createPullRequestRequest(RepoRef repo, NewPullRequest request) {
    ObjectNode body = Fixtures.newObject();
    body.put("title", request.title());
    body.put("head", request.head());
    body.put("base", request.base());
    body.put("body", request.body());
    body.put("maintainer_can_modify", false);
    body.put("draft", true);
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls"))
        .withRequestBody(equalToJson(body.toString()));
  }

  private void stubGetPull(RepoRef repo, PrFixture pr) {
    wm.stubFor(
        get(urlPathEqualTo(repoPath(repo) + "/pulls/" + pr.number()))
            .willReturn(okJson(pullRequest(pr, "pull-request").toString())));
  }

  @Override
  protected void stubMarkReady(RepoRef repo, PrFixture draft) {
    stubGetPull(repo, draft);
    wm.stubFor(
        post(urlPathEqualTo("/graphql"))
            .willReturn(
                okJson(
                    "{\"data\":{\"markPullRequestReadyForReview\":"
                        + "{\"pullRequest\":{\"isDraft\":false}}}}")));
  }

  @Override
  protected RequestPatternBuilder markReadyRequest(RepoRef repo, PrFixture draft) {
    return postRequestedFor(urlPathEqualTo("/graphql"))
        .withRequestBody(matchingJsonPath("$.variables.id", equalTo(NODE_ID)))
        .withRequestBody(matchingJsonPath("$.query", containing("markPullRequestReadyForReview")));
  }

  @Override
  protected void stubReopen(RepoRef repo, PrFixture pr) {
    wm.stubFor(
        patch(urlPathEqualTo(repoPath(repo) + "/pulls/" + pr.number()))
            .willReturn(okJson(pullRequest(pr, "pull-request").toString())));
  }

  @Override
  protected RequestPatternBuilder reopenRequest(RepoRef repo, int number, String state) {
    return patchRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls/" + number))
        .withRequestBody(equalToJson("{\"state\":\"" + state + "\"}"));
  }

  @Override
  protected void stubMerge(RepoRef repo, PrFixture pr) {
    stubGetPull(repo, pr);
    wm.stubFor(
        put(urlPathEqualTo(repoPath(repo) + "/pulls/" + pr.number() + "/merge"))
            .willReturn(okJson(example("merge-result").toString())));
  }

  @Override
  protected RequestPatternBuilder mergeRequest(RepoRef repo, int number, String sha) {
    // Exactly these fields: no bypass switch exists in this API, and none may be invented.
    return putRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls/" + number + "/merge"))
        .withRequestBody(equalToJson("{\"sha\":\"" + sha + "\",\"merge_method\":\"merge\"}"));
  }

  @Override
  protected void stubReview(RepoRef repo, PrFixture pr) {
    stubGetPull(repo, pr);
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/pulls/" + pr.number() + "/reviews"))
            .willReturn(okJson(example("pull-request-review").toString())));
  }

  @Override
  protected RequestPatternBuilder reviewRequest(
      RepoRef repo, int number, String wireEvent, Review.InlineComment comment) {
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls/" + number + "/reviews"))
        .withRequestBody(matchingJsonPath("$.event", equalTo(wireEvent)))
        .withRequestBody(matchingJsonPath("$.commit_id", equalTo(HEAD_SHA)))
        .withRequestBody(matchingJsonPath("$.comments[0].path", equalTo(comment.path())))
        .withRequestBody(
            matchingJsonPath("$.comments[0].line", equalTo(String.valueOf(comment.line()))))
        .withRequestBody(matchingJsonPath("$.comments[0].body", equalTo(comment.body())));
  }

  @Override
  protected String approveWord() {
    return "APPROVE";
  }

  @Override
  protected void stubStatus(RepoRef repo, String sha) {
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/statuses/" + sha))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(example("status").toString())));
  }

  @Override
  protected RequestPatternBuilder statusRequest(RepoRef repo, String sha, CommitStatus status) {
    ObjectNode body = Fixtures.newObject();
    body.put("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
    body.put("target_url", status.targetUrl());
    body.put("description", status.description());
    body.put("context", status.context());
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/statuses/" + sha))
        .withRequestBody(equalToJson(body.toString()));
  }

  // What only GitHub does -----------------------------------------------------------------------

  @Test
  void thePrimaryLimitIsWaitedOutUntilItsReset() throws Exception {
    stubRepository(REPO, false, true);
    stubIssue(REPO, 7, "Add a greeting", "alice", List.of(), false);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .inScenario("primary")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("x-ratelimit-limit", "5000")
                    .withHeader("x-ratelimit-remaining", "0")
                    .withHeader("x-ratelimit-used", "5000")
                    .withHeader("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 120))
                    .withHeader("x-ratelimit-resource", "core")
                    .withBody(errorJson("API rate limit exceeded for user ID 1.")))
            .willSetStateTo("reset"));
    assertThat(forge.issue(REPO, 7).number()).isEqualTo(7);
    assertThat(slept).containsExactly(Duration.ofSeconds(121));
  }

  @Test
  void aPrimaryResetBeyondTheBudgetFailsAtOnceNamingTheReset() {
    stubRepository(REPO, false, true);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("x-ratelimit-remaining", "0")
                    .withHeader("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 3600))
                    .withBody(errorJson("API rate limit exceeded for user ID 1."))));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isInstanceOf(ForgeRateLimitedException.class)
        .hasMessageContaining("primary rate limit")
        .hasMessageContaining("resets at 2026-11-22T07:00:00Z")
        .hasMessageContaining("wait budget")
        .hasMessageContaining("reviewer")
        .hasMessageContaining("hydra-org/demo#7")
        .satisfies(e -> assertThat(((ForgeException) e).status()).hasValue(403));
    assertThat(slept).isEmpty();
  }

  @Test
  void aSecondaryLimitWithoutHeadersBacksOffFromAMinute() throws Exception {
    stubRepository(REPO, false, true);
    stubIssue(REPO, 7, "Add a greeting", "alice", List.of(), false);
    String secondary =
        errorJson(
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try"
                + " again.");
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .inScenario("secondary")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(403).withBody(secondary))
            .willSetStateTo("twice"));
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .inScenario("secondary")
            .whenScenarioStateIs("twice")
            .willReturn(aResponse().withStatus(403).withBody(secondary))
            .willSetStateTo("lifted"));
    assertThat(forge.issue(REPO, 7).number()).isEqualTo(7);
    assertThat(slept).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(120));
  }

  @Test
  void aPlainForbiddenIsNotARateLimit() {
    stubRepository(REPO, false, true);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withBody(errorJson("Resource not accessible by personal access token"))));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isInstanceOf(ForgeForbiddenException.class)
        .hasMessageContaining("Issues: read")
        .hasMessageContaining("Resource not accessible by personal access token");
    wm.verify(1, getRequestedFor(urlPathEqualTo(issuePath(REPO, 7))));
    assertThat(slept).isEmpty();
  }

  @Test
  void aMissingIssueFromGitHubApiIsNotFound() {
    stubRepository(REPO, false, true);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .willReturn(notFound().withBody(errorJson("Not Found"))));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isInstanceOf(ForgeNotFoundException.class)
        .hasMessageContaining("could not read hydra-org/demo#7 (404: `Not Found`)");
  }

  @Test
  void aMissingRepositoryIsNotFound() {
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO)))
            .willReturn(notFound().withBody(errorJson("Not Found"))));
    assertThatThrownBy(() -> forge.tokenPermission(REPO))
        .isInstanceOf(ForgeNotFoundException.class)
        .hasMessageContaining("hydra-org/demo")
        .hasMessageContaining("Metadata: read");
  }

  @Test
  void aFailedPageOfGitHubApiPagingIsTranslated() {
    stubRepository(REPO, false, true);
    String page2 = wm.baseUrl() + repoPath(REPO) + "/labels?per_page=100&page=2";
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/labels"))
            .withQueryParam("page", com.github.tomakehurst.wiremock.client.WireMock.absent())
            .willReturn(
                okJson("[" + label("bug", "f29513", "", 1) + "]")
                    .withHeader("Link", "<" + page2 + ">; rel=\"next\"")));
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/labels"))
            .withQueryParam("page", equalTo("2"))
            .willReturn(aResponse().withStatus(502).withBody(errorJson("Server Error"))));
    assertThatThrownBy(() -> forge.labels(REPO))
        .isExactlyInstanceOf(ForgeException.class)
        .hasMessageContaining("502")
        .hasMessageContaining("list the labels of hydra-org/demo")
        .hasMessageContaining("retry later");
  }

  @Test
  void aPagingLinkToAnotherHostIsRefused() {
    String elsewhere = other.baseUrl() + commentsPath(REPO, 7) + "?per_page=100&page=2";
    other.stubFor(get(urlPathEqualTo(commentsPath(REPO, 7))).willReturn(okJson("[]")));
    wm.stubFor(
        get(urlPathEqualTo(commentsPath(REPO, 7)))
            .willReturn(okJson("[]").withHeader("Link", "<" + elsewhere + ">; rel=\"next\"")));
    assertThatThrownBy(() -> forge.findComment(REPO, 7, "<!-- hydra -->", "hydra-builder"))
        .isExactlyInstanceOf(ForgeException.class)
        .hasMessageContaining("refused to send the reviewer token to")
        .hasMessageContaining(":" + other.getPort());
  }

  @Test
  void aGitHubApiPagingLinkToAnotherHostIsRefused() {
    stubRepository(REPO, false, true);
    String elsewhere = other.baseUrl() + repoPath(REPO) + "/labels?per_page=100&page=2";
    other.stubFor(get(urlPathEqualTo(repoPath(REPO) + "/labels")).willReturn(okJson("[]")));
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/labels"))
            .willReturn(
                okJson("[" + label("bug", "f29513", "", 1) + "]")
                    .withHeader("Link", "<" + elsewhere + ">; rel=\"next\"")));
    assertThatThrownBy(() -> forge.labels(REPO))
        .isExactlyInstanceOf(ForgeException.class)
        .hasMessageContaining("refused to send the reviewer token to")
        .hasMessageContaining("list the labels of hydra-org/demo");
  }

  @Test
  void roleNameProvesNothing() throws Exception {
    ObjectNode node = Fixtures.object(example("collaborator-permission")).deepCopy();
    node.put("permission", "read");
    node.put("role_name", "maintain");
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/collaborators/mallory/permission"))
            .willReturn(okJson(node.toString())));
    assertThat(forge.userPermission(REPO, "mallory")).isEqualTo(Permission.READ);
  }

  @Test
  void aGraphQlErrorIsAForgeException() {
    stubRepository(REPO, false, true);
    stubGetPull(REPO, draftPr());
    wm.stubFor(
        post(urlPathEqualTo("/graphql"))
            .willReturn(
                okJson(
                    "{\"data\":{\"markPullRequestReadyForReview\":null},\"errors\":[{\"type\":"
                        + "\"FORBIDDEN\",\"path\":[\"markPullRequestReadyForReview\"],"
                        + "\"message\":\"Resource not accessible by personal access token\"}]}")));
    PullRequest pr =
        new PullRequest(
            12, "", "", true, true, false, BRANCH, HEAD_SHA, "main", "", "", "", "", List.of());
    assertThatThrownBy(() -> forge.markReadyForReview(REPO, pr))
        .isInstanceOf(ForgeForbiddenException.class)
        .hasMessageContaining("mark ready for review hydra-org/demo pull request #12")
        .hasMessageContaining("Pull requests: write");
  }

  @Test
  void aPullRequestThatIsNotADraftIsLeftAlone() throws Exception {
    stubRepository(REPO, false, true);
    stubGetPull(REPO, new PrFixture(12, "Add a greeting", BRANCH, HEAD_SHA, "main", false));
    PullRequest pr =
        new PullRequest(
            12, "", "", true, true, false, BRANCH, HEAD_SHA, "main", "", "", "", "", List.of());
    forge.markReadyForReview(REPO, pr);
    wm.verify(0, postRequestedFor(urlPathEqualTo("/graphql")));
  }

  @Test
  void aConflictWithoutAnExistingPullRequestIsReported() {
    stubRepository(REPO, false, true);
    stubCreatePullExists(REPO);
    stubOpenPulls(REPO, BRANCH, List.of());
    NewPullRequest request = new NewPullRequest(BRANCH, "main", "Add a greeting", "Closes #7");
    assertThatThrownBy(() -> forge.openDraftPullRequest(REPO, request))
        .isInstanceOf(dev.hydra.forge.ForgeConflictException.class)
        .hasMessageContaining("422")
        .hasMessageContaining("open a draft pull request in hydra-org/demo");
  }

  @Test
  void graphQlSitsBesideTheRestApi() {
    GitHubForge enterprise =
        new GitHubForge(
            URI.create("https://ghe.example.com/api/v3"),
            "builder",
            "tok",
            ForgeOptions.defaults());
    assertThat(enterprise.graphQlUrl())
        .isEqualTo(URI.create("https://ghe.example.com/api/graphql"));
    GitHubForge dotCom =
        new GitHubForge(
            URI.create("https://api.github.com"), "builder", "tok", ForgeOptions.defaults());
    assertThat(dotCom.graphQlUrl()).isEqualTo(URI.create("https://api.github.com/graphql"));
  }

  @Test
  void setLabelsSendsNamesInOneRequestEvenForAnEmptySet() throws Exception {
    wm.stubFor(put(urlPathEqualTo(setLabelsPath(REPO, 7))).willReturn(okJson("[]")));
    forge.setLabels(REPO, 7, Set.of());
    wm.verify(
        1,
        putRequestedFor(urlPathEqualTo(setLabelsPath(REPO, 7)))
            .withRequestBody(equalToJson("{\"labels\":[]}")));
  }
}
