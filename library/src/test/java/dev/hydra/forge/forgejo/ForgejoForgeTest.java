package dev.hydra.forge.forgejo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.Fixtures;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.ForgeWireContractTest;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ForgejoForge} against WireMock answering with JSON shaped after Forgejo's swagger
 * definitions (ForgejoExamplesTest checks every fixture field against them), plus what only Forgejo
 * does: labels by ID, the refused permission endpoint, WIP titles, 429 without headers.
 */
class ForgejoForgeTest extends ForgeWireContractTest {

  private static final String API = "/api/v1";

  @Override
  protected ForgeType forgeType() {
    return ForgeType.FORGEJO;
  }

  @Override
  protected String apiPath() {
    return API;
  }

  @Override
  protected Forge open(URI api, String persona, String token, ForgeOptions options) {
    return new ForgejoForge(api, persona, token, options);
  }

  @Override
  protected Map<String, Integer> expectedRequests() {
    // Label names are resolved to IDs once per instance and repository: the first setLabels also
    // lists the labels.
    return Map.ofEntries(
        Map.entry("currentUser", 1),
        Map.entry("currentUser (again)", 0),
        Map.entry("tokenPermission", 1),
        Map.entry("userPermission", 1),
        Map.entry("issue", 1),
        Map.entry("issue (again)", 1),
        // The timeline is read until an empty page: its X-Total-Count counts only the page.
        Map.entry("lastLabeled", 2),
        Map.entry("lastLabeled (three labels)", 2),
        Map.entry("takeLabel", 2),
        Map.entry("takeLabel (not there)", 1),
        Map.entry("addLabels", 2),
        Map.entry("setLabels", 2),
        Map.entry("setLabels (again)", 1),
        Map.entry("labels", 1),
        Map.entry("upsertLabel (create)", 2),
        Map.entry("upsertLabel (update)", 1),
        Map.entry("seed (4 differ, 22 missing)", 27),
        Map.entry("seed (up to date)", 1),
        Map.entry("seed (fresh repository)", 27),
        Map.entry("seed (second run)", 1),
        Map.entry("upsertLabel (unchanged)", 0),
        Map.entry("comment", 1),
        Map.entry("comments", 1),
        Map.entry("comments (250)", 1),
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
        "forgejo",
        name,
        "https://forgejo.example.org",
        wm.baseUrl(),
        "hydra-org/demo",
        REPO.fullName());
  }

  private static String repoPath(RepoRef repo) {
    return API + "/repos/" + repo.owner() + "/" + repo.name();
  }

  private static ObjectNode user(String login) {
    ObjectNode user = Fixtures.object(example("user")).deepCopy();
    user.put("login", login);
    return user;
  }

  private static ObjectNode label(LabelSpec spec, long id) {
    ObjectNode label = Fixtures.object(example("label")).deepCopy();
    label.put("id", id);
    label.put("name", spec.name());
    label.put("color", spec.color());
    label.put("description", spec.description());
    label.put("url", wm.baseUrl() + repoPath(REPO) + "/labels/" + id);
    return label;
  }

  private static ObjectNode pullRequest(PrFixture pr) {
    ObjectNode node = Fixtures.object(example("pull-request")).deepCopy();
    node.put("number", pr.number());
    node.put("title", pr.title());
    node.put("draft", pr.draft());
    node.put("state", "open");
    ObjectNode head = Fixtures.object(node.get("head"));
    head.put("ref", pr.head());
    head.put("label", pr.head());
    head.put("sha", pr.headSha());
    Fixtures.object(node.get("base")).put("ref", pr.base());
    return node;
  }

  private static ResponseDefinitionBuilder created(JsonNode body) {
    return aResponse()
        .withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(body.toString());
  }

  private static ResponseDefinitionBuilder list(ArrayNode items) {
    return okJson(items.toString()).withHeader("X-Total-Count", String.valueOf(items.size()));
  }

  @Override
  protected String errorBody(String message) {
    ObjectNode error = Fixtures.object(example("error")).deepCopy();
    error.put("message", message);
    return error.toString();
  }

  // Stubs ---------------------------------------------------------------------------------------

  @Override
  protected void stubCurrentUser(String login) {
    wm.stubFor(get(urlPathEqualTo(API + "/user")).willReturn(okJson(user(login).toString())));
  }

  @Override
  protected void stubRepository(RepoRef repo, boolean admin, boolean push) {
    ObjectNode node = Fixtures.object(example("repository")).deepCopy();
    ObjectNode permissions = node.putObject("permissions");
    permissions.put("admin", admin);
    permissions.put("push", push);
    permissions.put("pull", true);
    wm.stubFor(get(urlPathEqualTo(repoPath(repo))).willReturn(okJson(node.toString())));
  }

  @Override
  protected void stubUserPermission(RepoRef repo, String login, String word) {
    ObjectNode node = Fixtures.object(example("repo-collaborator-permission")).deepCopy();
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
    Fixtures.object(node.get("user")).put("login", author);
    ArrayNode labelNodes = node.putArray("labels");
    long id = 1;
    for (String name : labels) {
      labelNodes.add(label(new LabelSpec(name, "ededed", ""), id++));
    }
    if (pr) {
      ObjectNode meta = node.putObject("pull_request");
      meta.put("draft", false);
      meta.put("merged", false);
      meta.putNull("merged_at");
      meta.put("html_url", wm.baseUrl() + "/hydra-org/demo/pulls/" + number);
    }
    wm.stubFor(get(urlPathEqualTo(issuePath(repo, number))).willReturn(okJson(node.toString())));
  }

  @Override
  protected void stubLabelHistory(RepoRef repo, int issue, List<HistoryItem> events) {
    ObjectNode template = Fixtures.object(example("timeline-label"));
    ArrayNode items = Fixtures.newArray();
    ObjectNode opening = template.deepCopy();
    opening.put("type", "comment");
    opening.put("body", "First!");
    opening.putNull("label");
    items.add(opening);
    long id = 1300;
    for (HistoryItem event : events) {
      ObjectNode item = template.deepCopy();
      item.put("id", id++);
      item.put("body", event.added() ? "1" : "");
      Fixtures.object(item.get("user")).put("login", event.login());
      Fixtures.object(item.get("label")).put("name", event.label());
      item.put("created_at", event.at());
      items.add(item);
    }
    // Forgejo answers every page after the last with an empty list.
    wm.stubFor(
        get(urlPathEqualTo(issuePath(repo, issue) + "/timeline"))
            .willReturn(timelinePage(List.of())));
    wm.stubFor(
        get(urlPathEqualTo(issuePath(repo, issue) + "/timeline"))
            .withQueryParam("page", equalTo("1"))
            .willReturn(list(items)));
  }

  /**
   * A page of the timeline as Forgejo answers it: {@code X-Total-Count} is the number of items on
   * this page ({@code ListIssueCommentsAndTimeline}), not in the timeline.
   */
  private static ResponseDefinitionBuilder timelinePage(List<ObjectNode> items) {
    ArrayNode page = Fixtures.newArray();
    items.forEach(page::add);
    return okJson(page.toString()).withHeader("X-Total-Count", String.valueOf(items.size()));
  }

  @Override
  protected void stubRepoLabels(RepoRef repo, List<LabelSpec> labels) {
    ArrayNode items = Fixtures.newArray();
    long id = 100;
    for (LabelSpec spec : labels) {
      items.add(label(spec, id++));
    }
    wm.stubFor(
        get(urlPathEqualTo(repoPath(repo) + "/labels"))
            .withQueryParam("page", equalTo("1"))
            .willReturn(list(items)));
  }

  @Override
  protected String setLabelsPath(RepoRef repo, int issue) {
    return issuePath(repo, issue) + "/labels";
  }

  @Override
  protected RequestPatternBuilder setLabelsRequest(
      RepoRef repo, int issue, List<String> sortedNames, List<LabelSpec> repoLabels) {
    ArrayNode ids = Fixtures.newArray();
    for (String name : sortedNames) {
      for (int i = 0; i < repoLabels.size(); i++) {
        if (repoLabels.get(i).name().equals(name)) {
          ids.add(100 + i);
        }
      }
    }
    ObjectNode body = Fixtures.newObject();
    body.set("labels", ids);
    return putRequestedFor(urlPathEqualTo(setLabelsPath(repo, issue)))
        .withRequestBody(equalToJson(body.toString()));
  }

  private static ArrayNode labelArray(List<String> names, List<LabelSpec> repoLabels) {
    ArrayNode items = Fixtures.newArray();
    for (String name : names) {
      for (int i = 0; i < repoLabels.size(); i++) {
        if (repoLabels.get(i).name().equals(name)) {
          items.add(label(repoLabels.get(i), 100 + i));
        }
      }
    }
    return items;
  }

  private static long labelId(String name, List<LabelSpec> repoLabels) {
    for (int i = 0; i < repoLabels.size(); i++) {
      if (repoLabels.get(i).name().equals(name)) {
        return 100L + i;
      }
    }
    throw new IllegalArgumentException("no label " + name);
  }

  @Override
  protected void stubTakeLabel(
      RepoRef repo, int issue, List<String> carried, String label, List<LabelSpec> repoLabels) {
    wm.stubFor(
        get(urlPathEqualTo(issuePath(repo, issue) + "/labels"))
            .willReturn(okJson(labelArray(carried, repoLabels).toString())));
    wm.stubFor(
        delete(urlPathEqualTo(issuePath(repo, issue) + "/labels/" + labelId(label, repoLabels)))
            .willReturn(aResponse().withStatus(204)));
  }

  @Override
  protected RequestPatternBuilder takeLabelRequest(
      RepoRef repo, int issue, String label, List<LabelSpec> repoLabels) {
    return deleteRequestedFor(
        urlPathEqualTo(issuePath(repo, issue) + "/labels/" + labelId(label, repoLabels)));
  }

  @Override
  protected void stubAddLabels(
      RepoRef repo, int issue, List<String> after, List<LabelSpec> repoLabels) {
    wm.stubFor(
        post(urlPathEqualTo(issuePath(repo, issue) + "/labels"))
            .willReturn(okJson(labelArray(after, repoLabels).toString())));
  }

  @Override
  protected RequestPatternBuilder addLabelsRequest(
      RepoRef repo, int issue, List<String> sortedNames, List<LabelSpec> repoLabels) {
    ArrayNode ids = Fixtures.newArray();
    sortedNames.forEach(n -> ids.add(labelId(n, repoLabels)));
    ObjectNode body = Fixtures.newObject();
    body.set("labels", ids);
    return postRequestedFor(urlPathEqualTo(issuePath(repo, issue) + "/labels"))
        .withRequestBody(equalToJson(body.toString()));
  }

  @Override
  protected void stubLabelWrites(RepoRef repo, List<LabelSpec> repoLabels) {
    stubRepoLabels(repo, repoLabels);
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/labels"))
            .willReturn(created(label(new LabelSpec("needs-input", "d93f0b", "x"), 200))));
    for (int i = 0; i < repoLabels.size(); i++) {
      wm.stubFor(
          patch(urlPathEqualTo(repoPath(repo) + "/labels/" + (100 + i)))
              .willReturn(okJson(label(repoLabels.get(i), 100 + i).toString())));
    }
  }

  @Override
  protected RequestPatternBuilder createLabelRequest(RepoRef repo, LabelSpec label) {
    ObjectNode body = Fixtures.newObject();
    body.put("name", label.name());
    body.put("color", "#" + label.color());
    body.put("description", label.description());
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/labels"))
        .withRequestBody(equalToJson(body.toString()));
  }

  @Override
  protected RequestPatternBuilder updateLabelRequest(
      RepoRef repo, LabelSpec label, List<LabelSpec> repoLabels) {
    int index = 0;
    while (!repoLabels.get(index).name().equals(label.name())) {
      index++;
    }
    ObjectNode body = Fixtures.newObject();
    body.put("color", "#" + label.color());
    body.put("description", label.description());
    return patchRequestedFor(urlPathEqualTo(repoPath(repo) + "/labels/" + (100 + index)))
        .withRequestBody(equalToJson(body.toString()));
  }

  @Override
  protected String commentsPath(RepoRef repo, int issue) {
    return issuePath(repo, issue) + "/comments";
  }

  private static ObjectNode comment(long id, String author, String body) {
    ObjectNode node = Fixtures.object(example("comment")).deepCopy();
    node.put("id", id);
    node.put("body", body);
    Fixtures.object(node.get("user")).put("login", author);
    return node;
  }

  @Override
  protected void stubCreateComment(RepoRef repo, int issue, long id, String author) {
    wm.stubFor(
        post(urlPathEqualTo(commentsPath(repo, issue)))
            .willReturn(created(comment(id, author, "Review started."))));
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
    wm.stubFor(get(urlPathEqualTo(commentsPath(repo, issue))).willReturn(okJson(items.toString())));
  }

  /** Forgejo answers every comment at once: {@code issueGetComments} takes no page or limit. */
  @Override
  protected void stubManyComments(RepoRef repo, int issue, List<Comment> comments) {
    ArrayNode items = Fixtures.newArray();
    comments.forEach(c -> items.add(comment(c.id(), c.author(), c.body())));
    wm.stubFor(
        get(urlPathEqualTo(commentsPath(repo, issue)))
            .withQueryParam("page", com.github.tomakehurst.wiremock.client.WireMock.absent())
            .withQueryParam("limit", com.github.tomakehurst.wiremock.client.WireMock.absent())
            .willReturn(
                okJson(items.toString())
                    .withHeader("X-Total-Count", String.valueOf(comments.size()))));
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
    // Another open pull request first: the adapter filters by head branch and repository.
    items.add(
        pullRequest(new PrFixture(3, "Unrelated", "feature/x", "0".repeat(40), "main", false)));
    open.forEach(pr -> items.add(pullRequest(pr)));
    wm.stubFor(
        get(urlPathEqualTo(repoPath(repo) + "/pulls"))
            .withQueryParam("state", equalTo("open"))
            .willReturn(list(items)));
  }

  @Override
  protected void stubCreatePull(RepoRef repo, PrFixture createdPr) {
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/pulls"))
            .willReturn(created(pullRequest(createdPr))));
  }

  @Override
  protected void stubCreatePullExists(RepoRef repo) {
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        errorBody(
                            "pull request already exists for these targets [id: 77, issue_id:"
                                + " 901, head_repo_id: 42, base_repo_id: 42, head_branch: "
                                + BRANCH
                                + ", base_branch: main]"))));
  }

  @Override
  protected RequestPatternBuilder createPullRequestRequest(RepoRef repo, NewPullRequest request) {
    ObjectNode body = Fixtures.newObject();
    body.put("head", request.head());
    body.put("base", request.base());
    body.put("title", "WIP: " + request.title());
    body.put("body", request.body());
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls"))
        .withRequestBody(equalToJson(body.toString()));
  }

  @Override
  protected void stubMarkReady(RepoRef repo, PrFixture draft) {
    wm.stubFor(
        get(urlPathEqualTo(repoPath(repo) + "/pulls/" + draft.number()))
            .willReturn(okJson(pullRequest(draft).toString())));
    PrFixture ready =
        new PrFixture(
            draft.number(), "Add a greeting", draft.head(), draft.headSha(), draft.base(), false);
    wm.stubFor(
        patch(urlPathEqualTo(repoPath(repo) + "/pulls/" + draft.number()))
            .willReturn(created(pullRequest(ready))));
  }

  @Override
  protected RequestPatternBuilder markReadyRequest(RepoRef repo, PrFixture draft) {
    // Only the title: a labels or assignees key, even empty, would replace the PR's.
    return patchRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls/" + draft.number()))
        .withRequestBody(equalToJson("{\"title\":\"Add a greeting\"}"));
  }

  @Override
  protected void stubReopen(RepoRef repo, PrFixture pr) {
    wm.stubFor(
        patch(urlPathEqualTo(repoPath(repo) + "/pulls/" + pr.number()))
            .willReturn(created(pullRequest(pr))));
  }

  @Override
  protected RequestPatternBuilder reopenRequest(RepoRef repo, int number, String state) {
    return patchRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls/" + number))
        .withRequestBody(equalToJson("{\"state\":\"" + state + "\"}"));
  }

  @Override
  protected void stubMerge(RepoRef repo, PrFixture pr) {
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/pulls/" + pr.number() + "/merge"))
            .willReturn(aResponse().withStatus(200)));
  }

  @Override
  protected RequestPatternBuilder mergeRequest(RepoRef repo, int number, String sha) {
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls/" + number + "/merge"))
        .withRequestBody(
            equalToJson(
                "{\"Do\":\"merge\",\"head_commit_id\":\"" + sha + "\",\"force_merge\":false}"));
  }

  @Override
  protected void stubReview(RepoRef repo, PrFixture pr) {
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/pulls/" + pr.number() + "/reviews"))
            .willReturn(okJson(example("pull-review").toString())));
  }

  @Override
  protected RequestPatternBuilder reviewRequest(
      RepoRef repo, int number, String wireEvent, Review.InlineComment comment) {
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/pulls/" + number + "/reviews"))
        .withRequestBody(matchingJsonPath("$.event", equalTo(wireEvent)))
        .withRequestBody(matchingJsonPath("$.commit_id", equalTo(HEAD_SHA)))
        .withRequestBody(matchingJsonPath("$.comments[0].path", equalTo(comment.path())))
        .withRequestBody(
            matchingJsonPath("$.comments[0].new_position", equalTo(String.valueOf(comment.line()))))
        .withRequestBody(matchingJsonPath("$.comments[0].body", equalTo(comment.body())));
  }

  @Override
  protected String approveWord() {
    return "APPROVED";
  }

  @Override
  protected void stubStatus(RepoRef repo, String sha) {
    wm.stubFor(
        post(urlPathEqualTo(repoPath(repo) + "/statuses/" + sha))
            .willReturn(created(example("commit-status"))));
  }

  @Override
  protected RequestPatternBuilder statusRequest(RepoRef repo, String sha, CommitStatus status) {
    ObjectNode body = Fixtures.newObject();
    body.put("state", status.state().name().toLowerCase(Locale.ROOT));
    body.put("context", status.context());
    body.put("description", status.description());
    body.put("target_url", status.targetUrl());
    return postRequestedFor(urlPathEqualTo(repoPath(repo) + "/statuses/" + sha))
        .withRequestBody(equalToJson(body.toString()));
  }

  // What only Forgejo does ----------------------------------------------------------------------

  private void stubPermissionRefused(String login) {
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/collaborators/" + login + "/permission"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody(errorBody("user should be an owner or a collaborator with admin"))));
  }

  @Test
  void theOwnerIsAdminWhenForgejoWillNotSay() throws Exception {
    stubPermissionRefused("hydra-org");
    assertThat(forge.userPermission(REPO, "hydra-org")).isEqualTo(Permission.ADMIN);
  }

  @Test
  void anyoneElseNeedsTheOperatorsAllowList() {
    stubPermissionRefused("alice");
    assertThatThrownBy(() -> forge.userPermission(REPO, "alice"))
        .isInstanceOf(ForgeForbiddenException.class)
        .hasMessageContaining("HYDRA_TRUSTED_LABELERS")
        .hasMessageContaining("`alice`")
        .hasMessageContaining("hydra-org/demo")
        .hasMessageContaining("reviewer")
        .hasMessageContaining("only repository admins");
  }

  @Test
  void anUnknownLabelIsReportedBeforeAnythingIsWritten() {
    stubRepoLabels(REPO, repoLabels());
    assertThatThrownBy(() -> forge.setLabels(REPO, 7, Set.of("build:pass", "nope")))
        .isInstanceOf(ForgeNotFoundException.class)
        .hasMessageContaining("`nope` does not exist in hydra-org/demo")
        .hasMessageContaining("hydra labels seed");
    // The cache was read, then re-read once in case the label was created since.
    wm.verify(2, getRequestedFor(urlPathEqualTo(repoPath(REPO) + "/labels")));
    wm.verify(0, putRequestedFor(urlPathEqualTo(setLabelsPath(REPO, 7))));
  }

  @Test
  void labelsAreReadAcrossPages() throws Exception {
    List<LabelSpec> many = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      many.add(new LabelSpec(String.format("l-%02d", i), "ededed", ""));
    }
    ArrayNode page1 = Fixtures.newArray();
    ArrayNode page2 = Fixtures.newArray();
    for (int i = 0; i < many.size(); i++) {
      (i < 50 ? page1 : page2).add(label(many.get(i), 100 + i));
    }
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/labels"))
            .withQueryParam("page", equalTo("1"))
            .withQueryParam("limit", equalTo("50"))
            .willReturn(okJson(page1.toString()).withHeader("X-Total-Count", "60")));
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/labels"))
            .withQueryParam("page", equalTo("2"))
            .willReturn(okJson(page2.toString()).withHeader("X-Total-Count", "60")));
    wm.stubFor(put(urlPathEqualTo(setLabelsPath(REPO, 7))).willReturn(okJson("[]")));
    forge.setLabels(REPO, 7, Set.of("l-55"));
    wm.verify(
        putRequestedFor(urlPathEqualTo(setLabelsPath(REPO, 7)))
            .withRequestBody(equalToJson("{\"labels\":[155]}")));
    wm.verify(2, getRequestedFor(urlPathEqualTo(repoPath(REPO) + "/labels")));
  }

  @Test
  void theLabelHistoryIsReadToTheEndOfTheTimeline() throws Exception {
    // 50 items on page 1, whose X-Total-Count says 50 (the page's length): the label was added
    // again on page 2, by someone else.
    ObjectNode template = Fixtures.object(example("timeline-label"));
    List<ObjectNode> page1 = new ArrayList<>();
    List<ObjectNode> page2 = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      ObjectNode item = template.deepCopy();
      item.put("id", 2000 + i);
      item.put("created_at", NOW.plusSeconds(i).toString());
      if (i == 0 || i == 50) {
        Fixtures.object(item.get("label")).put("name", "yolo");
        Fixtures.object(item.get("user")).put("login", i == 0 ? "alice" : "mallory");
      } else {
        item.put("type", "comment");
        item.put("body", "Comment " + i + ".");
        item.putNull("label");
      }
      (i < 50 ? page1 : page2).add(item);
    }
    String timeline = issuePath(REPO, 7) + "/timeline";
    wm.stubFor(get(urlPathEqualTo(timeline)).willReturn(timelinePage(List.of())));
    wm.stubFor(
        get(urlPathEqualTo(timeline))
            .withQueryParam("page", equalTo("1"))
            .withQueryParam("limit", equalTo("50"))
            .willReturn(timelinePage(page1)));
    wm.stubFor(
        get(urlPathEqualTo(timeline))
            .withQueryParam("page", equalTo("2"))
            .willReturn(timelinePage(page2)));

    assertThat(forge.lastLabeled(REPO, 7, "yolo"))
        .contains(LabelEvent.byUser("mallory", NOW.plusSeconds(50)));
    wm.verify(3, getRequestedFor(urlPathEqualTo(timeline)));
  }

  @Test
  void anInstanceWithOtherWipPrefixesIsReported() {
    PrFixture draft = draftPr();
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/pulls/12"))
            .willReturn(okJson(pullRequest(draft).toString())));
    wm.stubFor(
        patch(urlPathEqualTo(repoPath(REPO) + "/pulls/12"))
            .willReturn(
                created(
                    pullRequest(
                        new PrFixture(12, "Add a greeting", BRANCH, HEAD_SHA, "main", true)))));
    PullRequest pr =
        new PullRequest(
            12, "", "", true, true, false, BRANCH, HEAD_SHA, "main", "", "", "", "", List.of());
    assertThatThrownBy(() -> forge.markReadyForReview(REPO, pr))
        .isInstanceOf(ForgeConflictException.class)
        .hasMessageContaining("WORK_IN_PROGRESS_PREFIXES");
  }

  @Test
  void aReadyPullRequestIsLeftAlone() throws Exception {
    wm.stubFor(
        get(urlPathEqualTo(repoPath(REPO) + "/pulls/12"))
            .willReturn(
                okJson(
                    pullRequest(
                            new PrFixture(12, "Add a greeting", BRANCH, HEAD_SHA, "main", false))
                        .toString())));
    PullRequest pr =
        new PullRequest(
            12, "", "", true, true, false, BRANCH, HEAD_SHA, "main", "", "", "", "", List.of());
    forge.markReadyForReview(REPO, pr);
    wm.verify(0, patchRequestedFor(urlPathEqualTo(repoPath(REPO) + "/pulls/12")));
  }

  @Test
  void aForbiddenWithGitHubRateLimitHeadersIsStillForbiddenOnForgejo() {
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("x-ratelimit-remaining", "0")
                    .withHeader("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 60))
                    .withBody(errorBody("token does not have at least one of required scope(s)"))));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isInstanceOf(ForgeForbiddenException.class)
        .hasMessageContaining("read:issue");
    assertThat(slept).isEmpty();
  }

  @Test
  void a429WithoutRetryAfterBacksOffAMinute() throws Exception {
    stubIssue(REPO, 7, "Add a greeting", "alice", List.of(), false);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .inScenario("limited")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(429).withBody("Too Many Requests"))
            .willSetStateTo("lifted"));
    assertThat(forge.issue(REPO, 7).number()).isEqualTo(7);
    assertThat(slept).containsExactly(Duration.ofMinutes(1));
  }

  @Test
  void anIssueThatIsAPullRequestSaysSo() throws Exception {
    stubIssue(REPO, 12, "WIP: Add a greeting", "hydra-builder", List.of(), true);
    assertThat(forge.issue(REPO, 12).pullRequest()).isTrue();
  }
}
