package dev.hydra.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hydra.forge.transport.Operation;
import dev.hydra.label.LabelScheme;
import dev.hydra.ops.LabelSeeding;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour both HTTP adapters owe the {@link Forge} port ({@link ForgeContractTest}, which the
 * local forge passes too) and what it looks like on the wire, against a WireMock server that
 * answers like the real forge (each subclass stubs its forge's paths with JSON shaped like its real
 * responses). Every test also checks that each request carried this persona's token and that the
 * second server — another host — received nothing.
 *
 * <p>Request counts per operation on a fresh instance are asserted against {@link
 * #expectedRequests()} and printed as a table after each subclass.
 */
public abstract class ForgeWireContractTest extends ForgeContractTest {

  protected static final String TOKEN = "tok-reviewer-6f1c";
  protected static final Instant NOW = Instant.parse("2026-11-22T06:00:00Z");

  @RegisterExtension
  protected static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /** Another host: it must never receive a request. */
  @RegisterExtension
  protected static final WireMockExtension other =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final Map<String, Map<String, Integer>> COUNTS = new ConcurrentHashMap<>();

  protected final List<Duration> slept = new ArrayList<>();

  // Hooks each forge implements -------------------------------------------------------------------

  protected abstract ForgeType forgeType();

  /** The API path under the server's base URL: empty on GitHub, {@code /api/v1} on Forgejo. */
  protected abstract String apiPath();

  protected abstract Forge open(URI api, String persona, String token, ForgeOptions options);

  /** Exact requests per operation on a fresh instance; see the operation names used below. */
  protected abstract Map<String, Integer> expectedRequests();

  /** The path of the issue (for error stubs), relative to the server. */
  protected abstract String issuePath(RepoRef repo, int number);

  protected abstract String setLabelsPath(RepoRef repo, int issue);

  protected abstract RequestPatternBuilder setLabelsRequest(
      RepoRef repo, int issue, List<String> sortedNames, List<LabelSpec> repoLabels);

  /** The request that removes {@code label} from the issue. */
  protected abstract RequestPatternBuilder takeLabelRequest(
      RepoRef repo, int issue, String label, List<LabelSpec> repoLabels);

  /** The request that adds {@code sortedNames} to the issue. */
  protected abstract RequestPatternBuilder addLabelsRequest(
      RepoRef repo, int issue, List<String> sortedNames, List<LabelSpec> repoLabels);

  protected abstract RequestPatternBuilder createLabelRequest(RepoRef repo, LabelSpec label);

  protected abstract RequestPatternBuilder updateLabelRequest(
      RepoRef repo, LabelSpec label, List<LabelSpec> repoLabels);

  protected abstract RequestPatternBuilder createCommentRequest(
      RepoRef repo, int issue, String body);

  protected abstract String commentsPath(RepoRef repo, int issue);

  /**
   * An issue with {@code comments} (more than a page), answered the way the forge pages this
   * listing; a request of another shape finds no stub.
   */
  protected abstract void stubManyComments(RepoRef repo, int issue, List<Comment> comments);

  protected abstract void stubEditComment(RepoRef repo, long id);

  protected abstract RequestPatternBuilder editCommentRequest(RepoRef repo, long id, String body);

  protected abstract RequestPatternBuilder createPullRequestRequest(
      RepoRef repo, NewPullRequest request);

  protected abstract void stubMarkReady(RepoRef repo, PrFixture draft);

  protected abstract RequestPatternBuilder markReadyRequest(RepoRef repo, PrFixture draft);

  protected abstract void stubReopen(RepoRef repo, PrFixture pr);

  /** The request that sets the pull request's {@code state} to {@code state}, and nothing else. */
  protected abstract RequestPatternBuilder reopenRequest(RepoRef repo, int number, String state);

  protected abstract void stubMerge(RepoRef repo, PrFixture pr);

  protected abstract RequestPatternBuilder mergeRequest(RepoRef repo, int number, String sha);

  protected abstract void stubReview(RepoRef repo, PrFixture pr);

  /** A review request whose event is exactly {@code wireEvent}, with one inline comment. */
  protected abstract RequestPatternBuilder reviewRequest(
      RepoRef repo, int number, String wireEvent, Review.InlineComment comment);

  /** How the forge spells approval on the wire. */
  protected abstract String approveWord();

  protected abstract void stubStatus(RepoRef repo, String sha);

  protected abstract RequestPatternBuilder statusRequest(
      RepoRef repo, String sha, CommitStatus status);

  /** An error body as the forge sends it. */
  protected abstract String errorBody(String message);

  @Override
  protected void stubNoIssue(RepoRef repo, int number) {
    stubRepository(repo, false, true);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(repo, number)))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody(errorBody("Not Found"))));
  }

  /** The port's default: one label write, then the issue read back as {@code after}. */
  @Override
  protected void stubLabelReplace(
      RepoRef repo, int issue, List<String> before, List<String> after) {
    stubRepository(repo, false, true);
    wm.stubFor(put(urlPathEqualTo(setLabelsPath(repo, issue))).willReturn(okJson("[]")));
    stubIssue(repo, issue, "Add a greeting", "alice", after, false);
  }

  @Test
  void replaceLabelsIfWritesOnceThenReadsBack() throws Exception {
    stubRepoLabels(REPO, repoLabels());
    stubLabelReplace(REPO, 7, List.of("code-review:queued"), List.of("ready-to-build"));
    assertThat(forge.replaceLabelsIf(REPO, 7, Set.of("code-review:queued"), Set.of("build:pass")))
        .as("the labels read back are not the ones written: another run moved them")
        .isFalse();
    wm.verify(1, putRequestedFor(urlPathEqualTo(setLabelsPath(REPO, 7))));
  }

  // Set-up and the checks after every test -------------------------------------------------------

  protected ForgeOptions options() {
    return ForgeOptions.defaults()
        .withTime(Clock.fixed(NOW, ZoneOffset.UTC), slept::add)
        .withMaxWait(Duration.ofMinutes(5));
  }

  protected URI api() {
    return URI.create(wm.baseUrl() + apiPath());
  }

  @Override
  protected Forge openForge() {
    return open(api(), PERSONA, TOKEN, options());
  }

  /** Tests that open forges with other tokens list them here. */
  protected final Set<String> otherTokens = new java.util.HashSet<>();

  @AfterEach
  void everyRequestCarriedAPersonaTokenAndNothingLeftTheHost() {
    for (ServeEvent event : wm.getAllServeEvents()) {
      String authorization = event.getRequest().getHeader("Authorization");
      if (otherTokens.isEmpty()) {
        assertThat(authorization)
            .as("Authorization of %s", event.getRequest().getUrl())
            .isEqualTo("token " + TOKEN);
      } else {
        assertThat(authorization).startsWith("token ");
      }
    }
    assertThat(other.getAllServeEvents()).as("requests received by another host").isEmpty();
  }

  /** Runs a forge call and returns how many requests it made; records and checks the count. */
  @Override
  protected int measure(String operation, ForgeAction action) throws Exception {
    int before = wm.getAllServeEvents().size();
    action.run();
    int used = wm.getAllServeEvents().size() - before;
    COUNTS
        .computeIfAbsent(getClass().getSimpleName(), k -> new ConcurrentHashMap<>())
        .put(operation, used);
    Integer expected = expectedRequests().get(operation);
    if (expected != null) {
      assertThat(used).as("requests for %s", operation).isEqualTo(expected);
    }
    return used;
  }

  @AfterAll
  @SuppressWarnings("SystemOut") // The request-count table is test output by design (issue 3).
  static void printRequestCounts(TestInfo info) {
    String name = info.getTestClass().map(Class::getSimpleName).orElse("?");
    Map<String, Integer> counts = new TreeMap<>(COUNTS.getOrDefault(name, Map.of()));
    StringBuilder table = new StringBuilder();
    table.append("\nRequests per operation, ").append(name).append(" (fresh instance):\n");
    table.append(String.format("  %-34s %s%n", "operation", "requests"));
    counts.forEach((op, n) -> table.append(String.format("  %-34s %d%n", op, n)));
    System.out.print(table);
  }

  protected static Review.InlineComment inline() {
    return new Review.InlineComment("src/main/java/Greeting.java", 12, "Name the constant.");
  }

  // The port, operation by operation ------------------------------------------------------------

  @Test
  void setLabelsReplacesTheSetInOneWrite() throws Exception {
    stubRepoLabels(REPO, repoLabels());
    wm.stubFor(put(urlPathEqualTo(setLabelsPath(REPO, 7))).willReturn(okJson("[]")));
    Set<String> target = Set.of("security-review:queued", "code-review:queued", "build:pass");
    measure("setLabels", () -> forge.setLabels(REPO, 7, target));
    measure("setLabels (again)", () -> forge.setLabels(REPO, 7, target));
    wm.verify(
        2,
        setLabelsRequest(
            REPO,
            7,
            List.of("build:pass", "code-review:queued", "security-review:queued"),
            repoLabels()));
  }

  @Override
  @Test
  void takeLabelRemovesOneLabelAndSaysWhatIsLeft() throws Exception {
    super.takeLabelRemovesOneLabelAndSaysWhatIsLeft();
    wm.verify(1, takeLabelRequest(REPO, 7, "ready-to-build", repoLabels()));
  }

  @Override
  @Test
  void addLabelsKeepsTheOthers() throws Exception {
    super.addLabelsKeepsTheOthers();
    wm.verify(1, addLabelsRequest(REPO, 7, List.of("code-review:queued"), repoLabels()));
    wm.verify(0, putRequestedFor(urlPathEqualTo(setLabelsPath(REPO, 7))));
  }

  @Override
  @Test
  void upsertLabelCreatesUpdatesOrLeavesAlone() throws Exception {
    super.upsertLabelCreatesUpdatesOrLeavesAlone();
    LabelSpec fresh = new LabelSpec("needs-input", "d93f0b", "A person must answer");
    LabelSpec recoloured = new LabelSpec("build:pass", "00ff00", "The build passed");
    wm.verify(1, createLabelRequest(REPO, fresh));
    wm.verify(1, updateLabelRequest(REPO, recoloured, repoLabels()));
  }

  @Override
  @Test
  void seedingListsOnceThenWritesOnlyTheLabelsThatDiffer() throws Exception {
    super.seedingListsOnceThenWritesOnlyTheLabelsThatDiffer();
    List<LabelSpec> wanted = LabelSeeding.specs(LabelScheme.canonical());
    wm.verify(22, postRequestedFor(urlPathEqualTo(apiPath() + "/repos/hydra-org/demo/labels")));
    LabelSpec done = wanted.stream().filter(l -> l.name().equals("done")).findFirst().orElseThrow();
    wm.verify(1, createLabelRequest(REPO, done));
    LabelSpec buildPass =
        wanted.stream().filter(l -> l.name().equals("build:pass")).findFirst().orElseThrow();
    wm.verify(1, updateLabelRequest(REPO, buildPass, repoLabels()));
  }

  @Override
  @Test
  void seedingAnUpToDateRepositoryOnlyListsItsLabels() throws Exception {
    super.seedingAnUpToDateRepositoryOnlyListsItsLabels();
    wm.verify(0, postRequestedFor(anyUrl()));
    wm.verify(0, patchRequestedFor(anyUrl()));
  }

  @Override
  @Test
  void commentIsPostedAndReturned() throws Exception {
    stubCreateComment(REPO, 7, 1301, "hydra-reviewer");
    Comment comment = measured("comment", () -> forge.comment(REPO, 7, "Review started."));
    assertThat(comment.id()).isEqualTo(1301);
    assertThat(comment.author()).isEqualTo("hydra-reviewer");
    wm.verify(1, createCommentRequest(REPO, 7, "Review started."));
  }

  @Test
  void commentsAreReadToTheLastPage() throws Exception {
    List<Comment> written = new ArrayList<>();
    for (int i = 1; i <= 250; i++) {
      written.add(new Comment(i, i % 2 == 0 ? "alice" : "bob", "comment " + i));
    }
    stubManyComments(REPO, 7, written);
    List<Comment> comments = measured("comments (250)", () -> forge.comments(REPO, 7));
    assertThat(comments).containsExactlyElementsOf(written);
  }

  @Test
  void editCommentReplacesTheBody() throws Exception {
    stubEditComment(REPO, 1301);
    measure("editComment", () -> forge.editComment(REPO, 1301, "Build passed."));
    wm.verify(1, editCommentRequest(REPO, 1301, "Build passed."));
  }

  @Override
  @Test
  void openDraftPullRequestOpensADraft() throws Exception {
    super.openDraftPullRequestOpensADraft();
    NewPullRequest request = new NewPullRequest(BRANCH, "main", "Add a greeting", "Closes #7");
    wm.verify(1, createPullRequestRequest(REPO, request));
  }

  @Test
  void markReadyForReview() throws Exception {
    stubRepository(REPO, false, true);
    stubMarkReady(REPO, draftPr());
    PullRequest pr =
        new PullRequest(
            12,
            "WIP: Add a greeting",
            "",
            true,
            true,
            false,
            BRANCH,
            HEAD_SHA,
            "main",
            "",
            "",
            "",
            "",
            List.of());
    measure("markReadyForReview", () -> forge.markReadyForReview(REPO, pr));
    wm.verify(1, markReadyRequest(REPO, draftPr()));
  }

  @Test
  void reopenPullRequestClosesItThenOpensIt() throws Exception {
    stubRepository(REPO, false, true);
    stubReopen(REPO, draftPr());
    measure("reopenPullRequest", () -> forge.reopenPullRequest(REPO, 12));
    wm.verify(1, reopenRequest(REPO, 12, "closed"));
    wm.verify(1, reopenRequest(REPO, 12, "open"));
    // WireMock lists the newest request first.
    List<String> bodies =
        new ArrayList<>(
            wm.getAllServeEvents().stream()
                .map(ServeEvent::getRequest)
                .filter(r -> r.getMethod().getName().equals("PATCH"))
                .map(r -> r.getBodyAsString())
                .toList());
    Collections.reverse(bodies);
    assertThat(bodies).hasSize(2);
    assertThat(bodies.get(0)).contains("closed");
    assertThat(bodies.get(1)).contains("open");
  }

  @Test
  void mergeSendsTheHeadShaAndNeverForces() throws Exception {
    stubRepository(REPO, false, true);
    stubMerge(REPO, draftPr());
    measure("merge", () -> forge.merge(REPO, 12, HEAD_SHA));
    wm.verify(1, mergeRequest(REPO, 12, HEAD_SHA));
  }

  @Test
  void reviewPostsInlineComments() throws Exception {
    stubRepository(REPO, false, true);
    stubReview(REPO, draftPr());
    Review review =
        new Review(Review.Event.REQUEST_CHANGES, "Two findings.", HEAD_SHA, List.of(inline()));
    measure("review", () -> forge.review(REPO, 12, review));
    wm.verify(1, reviewRequest(REPO, 12, "REQUEST_CHANGES", inline()));
  }

  /**
   * Reviewers must never approve by accident: the wire words are exact, and approval is spelled the
   * forge's way (a wrong word on Forgejo silently makes a pending review).
   */
  @ParameterizedTest
  @MethodSource("reviewEvents")
  void reviewEventWordsAreExact(Review.Event event, String githubWord) throws Exception {
    stubRepository(REPO, false, true);
    stubReview(REPO, draftPr());
    String word = event == Review.Event.APPROVE ? approveWord() : githubWord;
    forge.review(REPO, 12, new Review(event, "Summary.", HEAD_SHA, List.of(inline())));
    wm.verify(1, reviewRequest(REPO, 12, word, inline()));
  }

  static Stream<Arguments> reviewEvents() {
    return Stream.of(
        Arguments.of(Review.Event.COMMENT, "COMMENT"),
        Arguments.of(Review.Event.REQUEST_CHANGES, "REQUEST_CHANGES"),
        Arguments.of(Review.Event.APPROVE, "APPROVE"));
  }

  @Test
  void commitStatusOnTheHead() throws Exception {
    stubRepository(REPO, false, true);
    stubStatus(REPO, HEAD_SHA);
    CommitStatus status =
        new CommitStatus(
            CommitStatus.State.PENDING,
            "hydra/code-review",
            "Code review running",
            "https://ci.example.org/run/1");
    measure("commitStatus", () -> forge.commitStatus(REPO, HEAD_SHA, status));
    wm.verify(1, statusRequest(REPO, HEAD_SHA, status));
  }

  @Test
  void eachPersonaSendsItsOwnToken() throws Exception {
    otherTokens.add("tok-builder-91aa");
    Forge builder = open(api(), "builder", "tok-builder-91aa", options());
    stubCreateComment(REPO, 7, 1301, "hydra-builder");
    stubRepository(REPO, false, true);
    stubReview(REPO, draftPr());
    builder.comment(REPO, 7, "Build started.");
    forge.review(REPO, 12, new Review(Review.Event.COMMENT, "Fine.", HEAD_SHA, List.of()));
    for (ServeEvent event : wm.getAllServeEvents()) {
      String url = event.getRequest().getUrl();
      String expected = url.contains("/comments") ? "tok-builder-91aa" : TOKEN;
      assertThat(event.getRequest().getHeader("Authorization"))
          .as("Authorization of %s", url)
          .isEqualTo("token " + expected);
    }
  }

  // Errors: each one a ForgeException naming persona, repository and the fix ----------------------

  static Stream<Arguments> errorStatuses() {
    return Stream.of(
        Arguments.of(401, ForgeUnauthorizedException.class, "HYDRA_REVIEWER_TOKEN"),
        Arguments.of(403, ForgeForbiddenException.class, "give the reviewer persona"),
        Arguments.of(404, ForgeNotFoundException.class, "give the reviewer persona"),
        Arguments.of(409, ForgeConflictException.class, "conflicts"),
        Arguments.of(422, ForgeConflictException.class, "conflicts"),
        Arguments.of(500, ForgeException.class, "retry later"),
        Arguments.of(502, ForgeException.class, "retry later"));
  }

  @ParameterizedTest
  @MethodSource("errorStatuses")
  void anErrorStatusBecomesAForgeExceptionWithTheFix(
      int status, Class<? extends ForgeException> type, String fix) throws Exception {
    stubRepoLabels(REPO, repoLabels());
    wm.stubFor(
        put(urlPathEqualTo(setLabelsPath(REPO, 7)))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(errorBody("refused by the test"))));
    assertThatThrownBy(() -> forge.setLabels(REPO, 7, Set.of("build:pass")))
        .isExactlyInstanceOf(type)
        .hasMessageContaining("reviewer")
        .hasMessageContaining(REPO.fullName())
        .hasMessageContaining(String.valueOf(status))
        .hasMessageContaining("refused by the test")
        .hasMessageContaining(fix)
        .satisfies(e -> assertThat(((ForgeException) e).status()).hasValue(status));
    assertThat(slept).isEmpty();
  }

  @Test
  void aForbiddenWriteNamesThePermissionToGrant() {
    stubRepoLabels(REPO, repoLabels());
    wm.stubFor(
        put(urlPathEqualTo(setLabelsPath(REPO, 7)))
            .willReturn(
                aResponse().withStatus(403).withBody(errorBody("Resource not accessible"))));
    assertThatThrownBy(() -> forge.setLabels(REPO, 7, Set.of("build:pass")))
        .isInstanceOf(ForgeForbiddenException.class)
        .hasMessageContaining(Operation.SET_LABELS.permission(forgeType()))
        .hasMessageContaining("the reviewer token may not write labels on hydra-org/demo#7");
  }

  @Test
  void malformedJsonIsReportedAsSuch() {
    stubRepository(REPO, false, true);
    wm.stubFor(get(urlPathEqualTo(issuePath(REPO, 7))).willReturn(okJson("{\"number\": 7,")));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isExactlyInstanceOf(ForgeException.class)
        .hasMessageContaining("was not the JSON")
        .hasMessageContaining("reviewer")
        .hasMessageContaining("hydra-org/demo#7")
        .hasMessageContaining("API URL");
  }

  @Test
  void aSlowAnswerTimesOut() {
    forge = open(api(), PERSONA, TOKEN, options().withRequestTimeout(Duration.ofMillis(300)));
    stubRepository(REPO, false, true);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7))).willReturn(okJson("{}").withFixedDelay(2_000)));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isExactlyInstanceOf(ForgeException.class)
        .hasMessageContaining("did not answer in time")
        .hasMessageContaining("reviewer")
        .hasMessageContaining("hydra-org/demo#7");
  }

  // Rate limits: waited out with the injected sleeper, within the budget, only when repeatable ---

  /** A rate-limited answer naming a 30 s wait, as this forge sends it. */
  protected ResponseDefinitionBuilder rateLimited30s() {
    return aResponse()
        .withStatus(429)
        .withHeader("Retry-After", "30")
        .withHeader("Content-Type", "application/json")
        .withBody(errorBody("Too Many Requests"));
  }

  @Test
  void aRateLimitedReadWaitsAndRetries() throws Exception {
    stubRepository(REPO, false, true);
    stubIssue(REPO, 7, "Add a greeting", "alice", List.of(), false);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .inScenario("limited")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(rateLimited30s())
            .willSetStateTo("reset"));
    assertThat(forge.issue(REPO, 7).title()).isEqualTo("Add a greeting");
    assertThat(slept).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void theLabelReplaceIsRetried() throws Exception {
    stubRepoLabels(REPO, repoLabels());
    wm.stubFor(
        put(urlPathEqualTo(setLabelsPath(REPO, 7)))
            .inScenario("limited")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(rateLimited30s())
            .willSetStateTo("reset"));
    wm.stubFor(
        put(urlPathEqualTo(setLabelsPath(REPO, 7)))
            .inScenario("limited")
            .whenScenarioStateIs("reset")
            .willReturn(okJson("[]")));
    forge.setLabels(REPO, 7, Set.of("build:pass"));
    assertThat(slept).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void aMergeTheForgeDoesNotAllowNowIsAConflictWithTheReason() {
    // GitHub answers 405 "Pull Request is not mergeable"; Forgejo 405 for a WIP pull request or
    // a protected branch. Either way the URL is right and the state is what must change.
    wm.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                    ".*/pulls/12/merge"))
            .willReturn(
                aResponse()
                    .withStatus(405)
                    .withHeader("Content-Type", "application/json")
                    .withBody(errorBody("Pull Request is not mergeable"))));
    assertThatThrownBy(() -> forge.merge(REPO, 12, HEAD_SHA))
        .isInstanceOf(ForgeConflictException.class)
        .hasMessageContaining("405")
        .hasMessageContaining("branch protection")
        .hasMessageNotContaining("check that the API URL");
  }

  @Test
  void aRateLimitedPostIsRepeatedOnceTheLimitResets() throws Exception {
    // A rate-limit answer is a refusal before anything was done: the comment is posted once.
    // (WireMock tries the newest stub first: the limit, then, once reset, the plain answer.)
    stubCreateComment(REPO, 7, 901, "hydra-reviewer");
    wm.stubFor(
        post(urlPathEqualTo(commentsPath(REPO, 7)))
            .inScenario("limited post")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(rateLimited30s())
            .willSetStateTo("reset"));
    assertThat(forge.comment(REPO, 7, "Hello").id()).isEqualTo(901);
    assertThat(slept).containsExactly(Duration.ofSeconds(30));
    wm.verify(
        2,
        com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
            urlPathEqualTo(commentsPath(REPO, 7))));
  }

  @Test
  void aWaitBeyondTheBudgetFailsAtOnce() {
    forge = open(api(), PERSONA, TOKEN, options().withMaxWait(Duration.ofSeconds(10)));
    stubRepository(REPO, false, true);
    wm.stubFor(get(urlPathEqualTo(issuePath(REPO, 7))).willReturn(rateLimited30s()));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isInstanceOf(ForgeRateLimitedException.class)
        .hasMessageContaining("wait budget")
        .hasMessageContaining("reviewer")
        .hasMessageContaining("hydra-org/demo#7");
    assertThat(slept).isEmpty();
  }

  @Test
  void aLimitThatNeverLiftsEndsAfterBoundedAttempts() {
    stubRepository(REPO, false, true);
    wm.stubFor(get(urlPathEqualTo(issuePath(REPO, 7))).willReturn(rateLimited30s()));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isInstanceOf(ForgeRateLimitedException.class)
        .hasMessageContaining("gave up after");
    assertThat(slept).hasSize(4).allMatch(d -> d.equals(Duration.ofSeconds(30)));
  }

  // Host binding ---------------------------------------------------------------------------------

  @Test
  void aRedirectToAnotherHostIsRefused() {
    stubRepository(REPO, false, true);
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .willReturn(
                aResponse()
                    .withStatus(302)
                    .withHeader("Location", other.baseUrl() + issuePath(REPO, 7))));
    other.stubFor(get(urlPathEqualTo(issuePath(REPO, 7))).willReturn(okJson("{}")));
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isExactlyInstanceOf(ForgeException.class)
        .hasMessageContaining("refused to send the reviewer token to")
        .hasMessageContaining(":" + other.getPort())
        .hasMessageContaining("hydra-org/demo#7");
  }

  @Test
  void theErrorMessageNeverContainsTheToken() {
    wm.stubFor(
        get(urlPathEqualTo(issuePath(REPO, 7)))
            .willReturn(aResponse().withStatus(401).withBody(errorBody("Bad credentials"))));
    stubRepository(REPO, false, true);
    assertThatThrownBy(() -> forge.issue(REPO, 7))
        .isInstanceOf(ForgeUnauthorizedException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
  }

  /** A 200 answer with a JSON body, for subclasses. */
  protected static ResponseDefinitionBuilder json(String body) {
    return okJson(body);
  }

  /** Header matcher for subclasses. */
  protected static com.github.tomakehurst.wiremock.matching.StringValuePattern exactly(
      String value) {
    return equalTo(value);
  }
}
