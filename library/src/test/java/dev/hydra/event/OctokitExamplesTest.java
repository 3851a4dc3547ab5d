package dev.hydra.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.config.ForgeSelection;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.json.Json;
import dev.hydra.label.LabelScheme;
import dev.hydra.route.Decision;
import dev.hydra.route.RouteDecision;
import dev.hydra.route.Router;
import dev.hydra.route.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every GitHub example of the {@code issues} and {@code pull_request} events in the npm package
 * {@code @octokit/webhooks-examples} (pinned in {@code test-fixtures/package.json}) parses and
 * routes as expected. One dynamic test per example, named after its action.
 */
class OctokitExamplesTest {

  static final String INDEX =
      "test-fixtures/node_modules/@octokit/webhooks-examples/api.github.com/index.json";
  static final String MISSING =
      "@octokit/webhooks-examples is not installed: run `npm ci --prefix test-fixtures` in the"
          + " project root (HYDRA_REQUIRE_FIXTURES=1 turns this skip into a failure)";

  static final ForgeSelection GITHUB = new ForgeSelection(ForgeType.GITHUB, "--forge github");
  static final Set<String> REVIEW_ACTIONS = Set.of("opened", "synchronize", "reopened");

  private static @Nullable JsonNode index;

  /**
   * The package's index, an array of {name, actions, examples: [payload, ...]}; empty when the
   * package is not installed (a failure instead with {@code HYDRA_REQUIRE_FIXTURES=1}).
   */
  static synchronized Optional<JsonNode> index() {
    JsonNode loaded = index;
    if (loaded == null) {
      Optional<Path> file = locate();
      if (file.isEmpty()) {
        if ("1".equals(System.getenv("HYDRA_REQUIRE_FIXTURES"))) {
          fail(MISSING);
        }
        return Optional.empty();
      }
      try {
        loaded = Json.mapper().readTree(file.get().toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      index = loaded;
    }
    return Optional.of(loaded);
  }

  // An aborted factory is not counted by Surefire; one aborted test is, and its message printed.
  static Stream<DynamicTest> skipped(String event) {
    return Stream.of(dynamicTest(event + ": fixtures missing", () -> Assumptions.abort(MISSING)));
  }

  // Maven runs tests in the module directory; walk up to the project root that holds
  // test-fixtures/.
  static Optional<Path> locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("test-fixtures"))) {
        Path file = dir.resolve(INDEX);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  static List<JsonNode> examples(JsonNode index, String event) {
    for (JsonNode entry : index) {
      if (entry.path("name").asText().equals(event)) {
        List<JsonNode> examples = new ArrayList<>();
        entry.path("examples").forEach(examples::add);
        return examples;
      }
    }
    throw new AssertionError("no " + event + " examples in " + INDEX);
  }

  /** One dynamic test per example, named {@code event.action #n}. */
  static Stream<DynamicTest> tests(String event, List<JsonNode> examples, Check check) {
    Map<String, Integer> seen = new HashMap<>();
    return examples.stream()
        .map(
            payload -> {
              String action = payload.path("action").asText();
              int n = seen.merge(action, 1, Integer::sum);
              return dynamicTest(event + "." + action + " #" + n, () -> check.run(payload));
            });
  }

  interface Check {
    void run(JsonNode payload) throws Exception;
  }

  static byte[] bytes(JsonNode node) throws IOException {
    return Json.mapper().writeValueAsBytes(node);
  }

  static List<String> labelNames(JsonNode labels) {
    List<String> names = new ArrayList<>();
    labels.forEach(label -> names.add(label.path("name").asText()));
    return names;
  }

  static boolean isOpenIssueNotInPipeline(JsonNode payload, LabelScheme labels) {
    JsonNode issue = payload.path("issue");
    return issue.path("state").asText().equals("open")
        && (issue.path("pull_request").isMissingNode() || issue.path("pull_request").isNull())
        && labelNames(issue.path("labels")).stream().noneMatch(labels::isPipelineLabel);
  }

  static boolean isReviewable(JsonNode payload) {
    JsonNode pr = payload.path("pull_request");
    return REVIEW_ACTIONS.contains(payload.path("action").asText())
        && pr.path("state").asText().equals("open")
        && pr.at("/head/repo/full_name")
            .asText()
            .equalsIgnoreCase(payload.at("/repository/full_name").asText());
  }

  @TestFactory
  Stream<DynamicTest> issues() {
    Optional<JsonNode> index = index();
    if (index.isEmpty()) {
      return skipped("issues");
    }
    List<JsonNode> examples = examples(index.get(), "issues");
    List<String> actions = examples.stream().map(e -> e.path("action").asText()).toList();
    assertThat(actions).hasSizeGreaterThanOrEqualTo(20).contains("labeled", "unlabeled", "opened");
    assertThat(examples)
        .as("at least one labeled example that should run the build")
        .anyMatch(
            e ->
                e.path("action").asText().equals("labeled")
                    && isOpenIssueNotInPipeline(
                        e, LabelScheme.of("", e.at("/label/name").asText())));
    return tests("issues", examples, OctokitExamplesTest::checkIssue);
  }

  static void checkIssue(JsonNode payload) throws Exception {
    String action = payload.path("action").asText();
    ForgeEvent event = EventParser.parse(EventName.ISSUES, bytes(payload), Optional.empty());

    assertThat(event.rawAction()).isEqualTo(action);
    assertThat(event.action()).isEqualTo(EventAction.normalise(action));
    assertThat(event.repository().fullName())
        .isEqualTo(payload.at("/repository/full_name").asText());
    assertThat(event.sender()).isEqualTo(payload.at("/sender/login").asText());
    Issue issue = event.issueSnapshot().orElseThrow();
    assertThat(issue.number()).isEqualTo(payload.at("/issue/number").asInt());
    assertThat(issue.title()).isEqualTo(payload.at("/issue/title").asText());
    assertThat(issue.labels()).containsExactlyElementsOf(labelNames(payload.at("/issue/labels")));

    RouteDecision canonical = Router.route(event, LabelScheme.canonical(), GITHUB);
    assertThat(canonical.decision()).isEqualTo(Decision.SKIP);
    assertThat(canonical.reason()).isNotBlank();

    if (!action.equals("labeled")) {
      assertThat(event.action()).isNotEqualTo(EventAction.LABELED);
      return;
    }
    String label = payload.at("/label/name").asText();
    assertThat(event.action()).isEqualTo(EventAction.LABELED);
    assertThat(event.changedLabel()).contains(label);
    assertThat(canonical.reason())
        .isEqualTo(
            "label `"
                + label
                + "` is not the trigger label `ready-to-build` (HYDRA_LABEL_PREFIX is not set)");

    // With this label as the trigger, the same payload starts a build.
    LabelScheme labels = LabelScheme.of("", label);
    RouteDecision d = Router.route(event, labels, GITHUB);
    if (isOpenIssueNotInPipeline(payload, labels)) {
      assertThat(d.decision()).isEqualTo(Decision.RUN);
      assertThat(d.workflow()).isEqualTo(Workflow.BUILD);
      assertThat(d.issue()).isEqualTo(issue.number());
      assertThat(d.pullRequest()).isNull();
    } else {
      assertThat(d.decision()).isEqualTo(Decision.SKIP);
      assertThat(d.reason()).isNotBlank();
    }
  }

  @TestFactory
  Stream<DynamicTest> pullRequests() {
    Optional<JsonNode> index = index();
    if (index.isEmpty()) {
      return skipped("pull_request");
    }
    List<JsonNode> examples = examples(index.get(), "pull_request");
    List<String> actions = examples.stream().map(e -> e.path("action").asText()).toList();
    assertThat(actions)
        .hasSizeGreaterThanOrEqualTo(20)
        .contains("opened", "synchronize", "reopened", "closed");
    assertThat(examples)
        .as("at least one reviewable example")
        .anyMatch(OctokitExamplesTest::isReviewable);
    return tests("pull_request", examples, OctokitExamplesTest::checkPullRequest);
  }

  static void checkPullRequest(JsonNode payload) throws Exception {
    String action = payload.path("action").asText();
    JsonNode json = payload.path("pull_request");
    ForgeEvent event = EventParser.parse(EventName.PULL_REQUEST, bytes(payload), Optional.empty());

    assertThat(event.rawAction()).isEqualTo(action);
    assertThat(event.action()).isEqualTo(EventAction.normalise(action));
    PullRequest pr = event.pullRequestSnapshot().orElseThrow();
    assertThat(pr.number()).isEqualTo(json.path("number").asInt());
    assertThat(pr.open()).isEqualTo(json.path("state").asText().equals("open"));
    assertThat(pr.merged()).isEqualTo(json.path("merged").asBoolean());
    assertThat(pr.draft()).isEqualTo(json.path("draft").asBoolean());
    assertThat(pr.head()).isEqualTo(json.at("/head/ref").asText());
    assertThat(pr.headSha()).isEqualTo(json.at("/head/sha").asText());
    assertThat(pr.headRepository()).isEqualTo(json.at("/head/repo/full_name").asText());
    assertThat(pr.base()).isEqualTo(json.at("/base/ref").asText());
    assertThat(pr.labels()).containsExactlyElementsOf(labelNames(json.path("labels")));

    RouteDecision d = Router.route(event, LabelScheme.canonical(), GITHUB);
    assertThat(d.decision()).isEqualTo(Decision.SKIP);
    assertThat(d.reason()).contains("is not a Hydra branch");

    // The same payload from a Hydra branch.
    ObjectNode rewritten = payload.deepCopy();
    ((ObjectNode) rewritten.at("/pull_request/head")).put("ref", "hydra/1-x");
    ForgeEvent hydra =
        EventParser.parse(EventName.PULL_REQUEST, bytes(rewritten), Optional.empty());
    RouteDecision r = Router.route(hydra, LabelScheme.canonical(), GITHUB);

    assertThat(r.issue()).isEqualTo(1);
    assertThat(r.pullRequest()).isEqualTo(pr.number());
    if (isReviewable(payload)) {
      assertThat(r.decision()).isEqualTo(Decision.RUN);
      assertThat(r.workflow()).isEqualTo(Workflow.REVIEW);
      assertThat(r.reason()).isEqualTo("head branch `hydra/1-x` is Hydra's branch for issue #1");
    } else {
      assertThat(r.decision()).isEqualTo(Decision.SKIP);
      assertThat(r.workflow()).isNull();
      assertThat(r.reason()).isNotBlank();
    }
  }
}
