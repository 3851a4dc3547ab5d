package dev.hydra.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventParserTest {

  static final String LABEL_UPDATED = "forgejo/issues-label-updated.json";
  static final String LABEL_UPDATED_NO_LABEL = "forgejo/issues-label-updated-no-label.json";
  static final String LABEL_CLEARED = "forgejo/issues-label-cleared.json";
  static final String LABEL_CLEARED_NO_LABEL = "forgejo/issues-label-cleared-no-label.json";
  static final String PR_OPENED = "forgejo/pull-request-opened.json";
  static final String PR_SYNCHRONIZED = "forgejo/pull-request-synchronized.json";

  static final String FIX = "pass the file Actions wrote to GITHUB_EVENT_PATH for this event";

  static byte[] resource(String name) {
    try (InputStream in = EventParserTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode tree(String resource) {
    try {
      return (ObjectNode) Json.mapper().readTree(resource(resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The fixture with the field at a dotted path replaced by a JSON value, or removed when {@code
   * json} is null.
   */
  static byte[] with(String resource, String path, @Nullable String json) {
    ObjectNode root = tree(resource);
    String[] parts = path.split("\\.", -1);
    ObjectNode parent = root;
    for (int i = 0; i < parts.length - 1; i++) {
      parent = (ObjectNode) parent.get(parts[i]);
    }
    String last = parts[parts.length - 1];
    if (json == null) {
      parent.remove(last);
    } else {
      try {
        parent.set(last, Json.mapper().readTree(json));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return bytes(root);
  }

  static ForgeEvent parse(EventName name, byte[] payload) throws InvalidEventException {
    return EventParser.parse(name, payload, Optional.empty());
  }

  static ForgeEvent issues(String resource) throws InvalidEventException {
    return parse(EventName.ISSUES, resource(resource));
  }

  static ForgeEvent pullRequest(String resource) throws InvalidEventException {
    return parse(EventName.PULL_REQUEST, resource(resource));
  }

  static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  /** A minimal GitHub-style issues.labeled payload with the given raw JSON as the title. */
  static byte[] issueWithTitle(byte[] rawTitleJson) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        utf8(
            "{\"action\":\"labeled\",\"label\":{\"name\":\"ready-to-build\"},"
                + "\"repository\":{\"full_name\":\"octo-org/hello-hydra\"},"
                + "\"issue\":{\"number\":7,\"state\":\"open\",\"title\":"));
    out.writeBytes(rawTitleJson);
    out.writeBytes(utf8("}}"));
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] raw(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return out;
  }

  /** Asserts that parsing fails with a one-line message free of control characters. */
  static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      EventName name, byte[] payload) {
    return assertThatThrownBy(() -> parse(name, payload))
        .isInstanceOf(InvalidEventException.class)
        .satisfies(e -> assertClean(e.getMessage()));
  }

  static void assertClean(@Nullable String message) {
    String text = Objects.requireNonNull(message, "no message");
    assertThat(text.codePoints())
        .as("control characters in: %s", text)
        .noneMatch(cp -> cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
        .noneMatch(cp -> cp == 0x2028 || cp == 0x2029)
        .noneMatch(cp -> Character.getType(cp) == Character.SURROGATE);
  }

  @Nested
  class ForgejoPayloads {

    @Test
    void labelUpdatedWithLabel() throws Exception {
      ForgeEvent event = issues(LABEL_UPDATED);

      assertThat(event.name()).isEqualTo(EventName.ISSUES);
      assertThat(event.action()).isEqualTo(EventAction.LABELED);
      assertThat(event.rawAction()).isEqualTo("label_updated");
      assertThat(event.describe()).isEqualTo("issues.label_updated");
      assertThat(event.changedLabel()).contains("ready-to-build");
      assertThat(event.repository()).isEqualTo(RepoRef.of("octo-org", "hello-hydra"));
      assertThat(event.defaultBranch()).isEqualTo("main");
      assertThat(event.sender()).isEqualTo("mona");
      assertThat(event.pullRequestSnapshot()).isEmpty();
      assertThat(event.gitRef()).isEmpty();
      Issue issue = event.issueSnapshot().orElseThrow();
      assertThat(issue.number()).isEqualTo(12);
      assertThat(issue.title()).isEqualTo("Add a /health endpoint");
      assertThat(issue.body()).isEqualTo("Serve GET /health with 200 and {\"status\":\"ok\"}.");
      assertThat(issue.open()).isTrue();
      assertThat(issue.author()).isEqualTo("mona");
      assertThat(issue.labels()).containsExactly("bug", "ready-to-build");
      assertThat(issue.pullRequest()).as("\"pull_request\": null").isFalse();
    }

    @Test
    void labelUpdatedWithoutLabelAsInWebhooksAndOlderForgejo() throws Exception {
      ForgeEvent event = issues(LABEL_UPDATED_NO_LABEL);

      assertThat(event.action()).isEqualTo(EventAction.LABELED);
      assertThat(event.changedLabel()).isEmpty();
      assertThat(event.label()).isNull();
      assertThat(event.issueSnapshot().orElseThrow().labels())
          .containsExactly("bug", "ready-to-build");
    }

    @Test
    void labelClearedWithLabel() throws Exception {
      ForgeEvent event = issues(LABEL_CLEARED);

      assertThat(event.action()).isEqualTo(EventAction.UNLABELED);
      assertThat(event.rawAction()).isEqualTo("label_cleared");
      assertThat(event.changedLabel()).contains("ready-to-build");
      assertThat(event.issueSnapshot().orElseThrow().labels()).containsExactly("bug");
    }

    @Test
    void labelClearedWithoutLabel() throws Exception {
      ForgeEvent event = issues(LABEL_CLEARED_NO_LABEL);

      assertThat(event.action()).isEqualTo(EventAction.UNLABELED);
      assertThat(event.changedLabel()).isEmpty();
    }

    @Test
    void pullRequestOpened() throws Exception {
      ForgeEvent event = pullRequest(PR_OPENED);

      assertThat(event.action()).isEqualTo(EventAction.OPENED);
      assertThat(event.issueSnapshot()).isEmpty();
      assertThat(event.changedLabel()).isEmpty();
      assertThat(event.sender()).isEqualTo("hydra-builder");
      PullRequest pr = event.pullRequestSnapshot().orElseThrow();
      assertThat(pr.number()).isEqualTo(13);
      assertThat(pr.title()).isEqualTo("Add a /health endpoint");
      assertThat(pr.body()).startsWith("Closes #12");
      assertThat(pr.open()).isTrue();
      assertThat(pr.draft()).isTrue();
      assertThat(pr.merged()).isFalse();
      // Forgejo's head.label is just the branch, GitHub's is owner:branch: ref is what counts.
      assertThat(pr.head()).isEqualTo("hydra/12-add-a-health-endpoint");
      assertThat(pr.headSha()).isEqualTo("6dcb09b5b57875f334f61aebed695e2e4193db5e");
      assertThat(pr.headRepository()).isEqualTo("octo-org/hello-hydra");
      assertThat(pr.base()).isEqualTo("main");
      assertThat(pr.labels()).isEmpty();
    }

    @Test
    void pullRequestSynchronizedHasNoBeforeOrAfter() throws Exception {
      assertThat(tree(PR_SYNCHRONIZED).has("before")).isFalse();
      assertThat(tree(PR_SYNCHRONIZED).has("after")).isFalse();

      ForgeEvent event = pullRequest(PR_SYNCHRONIZED);

      assertThat(event.action()).isEqualTo(EventAction.SYNCHRONIZE);
      assertThat(event.rawAction()).isEqualTo("synchronized");
      assertThat(event.describe()).isEqualTo("pull_request.synchronized");
      assertThat(event.pullRequestSnapshot().orElseThrow().headSha())
          .isEqualTo("34c5c7793cb3b279e22454cb6750c80560547b3a");
    }

    @Test
    void senderAndAuthorFallBackToUsername() throws Exception {
      ObjectNode root = tree(LABEL_UPDATED);
      ((ObjectNode) root.get("sender")).remove("login");
      ((ObjectNode) root.get("sender")).put("username", "mona-username");
      ((ObjectNode) root.get("issue").get("user")).remove("login");
      ((ObjectNode) root.get("issue").get("user")).put("username", "author-username");

      ForgeEvent event = parse(EventName.ISSUES, bytes(root));

      assertThat(event.sender()).isEqualTo("mona-username");
      assertThat(event.issueSnapshot().orElseThrow().author()).isEqualTo("author-username");
    }

    @Test
    void aSenderOfTypeBotIsABotAndAnyOtherTypeOrNoneIsNot() throws Exception {
      assertThat(parse(EventName.ISSUES, with(LABEL_UPDATED, "sender.type", "\"Bot\"")).senderBot())
          .isTrue();
      assertThat(parse(EventName.ISSUES, with(LABEL_UPDATED, "sender.type", "\"bot\"")).senderBot())
          .isTrue();
      assertThat(
              parse(EventName.ISSUES, with(LABEL_UPDATED, "sender.type", "\"User\"")).senderBot())
          .isFalse();
      assertThat(parse(EventName.ISSUES, with(LABEL_UPDATED, "sender.type", "7")).senderBot())
          .isFalse();
      ObjectNode root = tree(LABEL_UPDATED);
      ((ObjectNode) root.get("sender")).remove("type");
      assertThat(parse(EventName.ISSUES, bytes(root)).senderBot()).isFalse();
    }

    @Test
    void loginWinsOverUsername() throws Exception {
      byte[] payload = with(LABEL_UPDATED, "sender.username", "\"someone-else\"");

      assertThat(parse(EventName.ISSUES, payload).sender()).isEqualTo("mona");
    }

    @Test
    void repositoryFromOwnerAndNameWhenFullNameIsMissing() throws Exception {
      ObjectNode root = tree(LABEL_UPDATED);
      ObjectNode repository = (ObjectNode) root.get("repository");
      repository.remove("full_name");
      ((ObjectNode) repository.get("owner")).remove("login");

      ForgeEvent event = parse(EventName.ISSUES, bytes(root));

      assertThat(event.repository()).isEqualTo(RepoRef.of("octo-org", "hello-hydra"));
    }

    @Test
    void issueNumberComesFromTheIssueNotTheTopLevelNumber() throws Exception {
      byte[] payload = with(LABEL_UPDATED, "number", "999");

      assertThat(parse(EventName.ISSUES, payload).issueSnapshot().orElseThrow().number())
          .isEqualTo(12);
    }

    @Test
    void nullLabelMeansNoLabel() throws Exception {
      byte[] payload = with(LABEL_UPDATED, "label", "null");

      assertThat(parse(EventName.ISSUES, payload).changedLabel()).isEmpty();
    }
  }

  @Nested
  class Actions {

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
      "labeled,       LABELED",
      "label_updated, LABELED",
      "unlabeled,     UNLABELED",
      "label_cleared, UNLABELED",
      "synchronize,   SYNCHRONIZE",
      "synchronized,  SYNCHRONIZE",
      "opened,        OPENED",
      "reopened,      REOPENED",
      "closed,        CLOSED",
      "edited,        EDITED",
      "pinned,        OTHER",
      "Labeled,       OTHER",
      "LABEL_UPDATED, OTHER",
      "'labeled ',    OTHER"
    })
    void normalised(String raw, EventAction expected) throws Exception {
      byte[] payload = with(LABEL_UPDATED, "action", Json.mapper().writeValueAsString(raw));

      ForgeEvent event = parse(EventName.ISSUES, payload);

      assertThat(event.action()).isEqualTo(expected);
      assertThat(event.rawAction()).isEqualTo(raw);
    }

    @Test
    void describeEscapesAHostileActionWord() throws Exception {
      byte[] payload = with(LABEL_UPDATED, "action", "\"labeled\\n::add-mask::x\"");

      ForgeEvent event = parse(EventName.ISSUES, payload);

      assertThat(event.action()).isEqualTo(EventAction.OTHER);
      assertThat(event.describe()).isEqualTo("issues.labeled\\u000A::add-mask::x");
    }

    @Test
    void issueStateIsNotNeededForEventsHydraDoesNotActOn() throws Exception {
      ObjectNode root = tree(LABEL_UPDATED);
      root.put("action", "pinned");
      ((ObjectNode) root.get("issue")).remove("state");

      Issue issue = parse(EventName.ISSUES, bytes(root)).issueSnapshot().orElseThrow();

      assertThat(issue.open()).as("unknown state is never taken as open").isFalse();
    }

    @Test
    void issueStateIsNeededForLabelEvents() {
      assertRefused(EventName.ISSUES, with(LABEL_UPDATED, "issue.state", null))
          .hasMessageContaining("`issue.state`");
    }

    @Test
    void pullRequestPayloadAsIssuesEventIsRefused() {
      assertRefused(EventName.ISSUES, resource(PR_OPENED))
          .hasMessageContaining("has no field `issue`")
          .hasMessageContaining("--event-name");
    }
  }

  @Nested
  class OtherEvents {

    @Test
    void push() throws Exception {
      byte[] payload =
          utf8(
              "{\"ref\":\"refs/heads/main\",\"before\":\"a\",\"after\":\"b\","
                  + "\"repository\":{\"full_name\":\"octo-org/hello-hydra\","
                  + "\"default_branch\":\"main\"},\"sender\":{\"login\":\"mona\"}}");

      ForgeEvent event = parse(EventName.PUSH, payload);

      assertThat(event.action()).isEqualTo(EventAction.NONE);
      assertThat(event.gitRef()).contains("refs/heads/main");
      assertThat(event.defaultBranch()).isEqualTo("main");
      assertThat(event.describe()).isEqualTo("push");
    }

    @Test
    void pushWithoutRefIsRefused() {
      assertRefused(EventName.PUSH, utf8("{\"repository\":{\"full_name\":\"o/r\"}}"))
          .hasMessage(
              "push payload has no field `ref`; "
                  + FIX
                  + " (is --event-name right for"
                  + " this file?)");
    }

    @Test
    void scheduleUsesGithubRepositoryWhenThePayloadHasNone() throws Exception {
      byte[] payload = utf8("{\"schedule\":\"*/5 * * * *\"}");

      ForgeEvent event =
          EventParser.parse(EventName.SCHEDULE, payload, Optional.of(RepoRef.of("o", "r")));

      assertThat(event.repository()).isEqualTo(RepoRef.of("o", "r"));
      assertThat(event.gitRef()).isEmpty();
      assertRefused(EventName.SCHEDULE, payload)
          .hasMessageContaining("no repository.full_name")
          .hasMessageContaining("GITHUB_REPOSITORY=owner/name");
    }

    @Test
    void payloadRepositoryWinsOverGithubRepository() throws Exception {
      ForgeEvent event =
          EventParser.parse(
              EventName.ISSUES, resource(LABEL_UPDATED), Optional.of(RepoRef.of("x", "y")));

      assertThat(event.repository().fullName()).isEqualTo("octo-org/hello-hydra");
    }

    @Test
    void workflowDispatch() throws Exception {
      byte[] payload =
          utf8(
              "{\"ref\":\"refs/heads/main\",\"inputs\":{},\"repository\":{\"full_name\":\"o/r\"}}");

      assertThat(parse(EventName.WORKFLOW_DISPATCH, payload).gitRef()).contains("refs/heads/main");
    }

    @Test
    void issueThatIsAPullRequest() throws Exception {
      byte[] payload =
          with(LABEL_UPDATED, "issue.pull_request", "{\"merged\":false,\"draft\":false}");

      assertThat(parse(EventName.ISSUES, payload).issueSnapshot().orElseThrow().pullRequest())
          .isTrue();
    }
  }

  @Nested
  class WrongTypes {

    @ParameterizedTest(name = "[{index}] {0} = {1}")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            issue.number | "12"            | field `issue.number` of the issues payload must be a positive whole number, got a string `12`
            issue.number | 1.5             | field `issue.number` of the issues payload must be a positive whole number, got a number `1.5`
            issue.number | 12.0            | must be a positive whole number, got a number `12.0`
            issue.number | 0               | must be a positive whole number, got a number `0`
            issue.number | -3              | must be a positive whole number, got a number `-3`
            issue.number | 2147483648      | must be a positive whole number, got a number `2147483648`
            issue.number | 1099511627776   | must be a positive whole number, got a number `1099511627776`
            issue.number | 123456789012345678901234567890 | got a number `123456789012345678901234567890`
            issue.number | true            | must be a positive whole number, got a boolean `true`
            issue.number | {}              | must be a positive whole number, got an object
            issue.labels | {}              | field `issue.labels` of the issues payload must be an array of labels, got an object
            issue.labels | "bug"           | field `issue.labels` of the issues payload must be an array of labels, got a string `bug`
            issue.labels | [1]             | field `issue.labels[0]` of the issues payload must be a label object, got a number `1`
            issue.labels | [null]          | field `issue.labels[0]` of the issues payload must be a label object, got null
            issue.labels | [{"name":5}]    | field `issue.labels[0].name` of the issues payload must be a string, got a number `5`
            issue.labels | [{"id":1}]      | issues payload has no field `issue.labels[0].name`
            label        | {"name":5}      | field `label.name` of the issues payload must be a string, got a number `5`
            label        | "ready-to-build" | field `label` of the issues payload must be an object, got a string `ready-to-build`
            label        | {}              | issues payload has no field `label.name`
            issue.state  | "bogus"         | field `issue.state` of the issues payload must be `open` or `closed`, got `bogus`
            issue.state  | "Open"          | must be `open` or `closed`, got `Open`
            issue.state  | "open\\n"       | must be `open` or `closed`, got `open\\u000A`
            issue.state  | 1               | field `issue.state` of the issues payload must be a string, got a number `1`
            issue.title  | 5               | field `issue.title` of the issues payload must be a string, got a number `5`
            issue.body   | []              | field `issue.body` of the issues payload must be a string, got an array
            issue        | []              | field `issue` of the issues payload must be an object, got an array
            issue        | "x"             | field `issue` of the issues payload must be an object, got a string `x`
            action       | 5               | field `action` of the issues payload must be a string, got a number `5`
            repository.full_name | 5       | field `repository.full_name` of the issues payload must be a string, got a number `5`
            sender.login | 5               | field `sender.login` of the issues payload must be a string, got a number `5`
            issue.user.login | []          | field `issue.user.login` of the issues payload must be a string, got an array
            """)
    void issuesField(String path, String json, String expected) {
      assertRefused(EventName.ISSUES, with(LABEL_UPDATED, path, json))
          .hasMessageContaining(expected)
          .hasMessageContaining("; " + FIX);
    }

    @ParameterizedTest(name = "[{index}] {0} = {1}")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            pull_request.number | "13"     | field `pull_request.number` of the pull_request payload must be a positive whole number, got a string `13`
            pull_request.merged | "no"     | field `pull_request.merged` of the pull_request payload must be true or false, got a string `no`
            pull_request.draft  | 1        | field `pull_request.draft` of the pull_request payload must be true or false, got a number `1`
            pull_request.state  | "merged" | field `pull_request.state` of the pull_request payload must be `open` or `closed`, got `merged`
            pull_request.head   | "x"      | pull_request payload has no field `pull_request.head.ref`
            pull_request.labels | {}       | field `pull_request.labels` of the pull_request payload must be an array of labels, got an object
            """)
    void pullRequestField(String path, String json, String expected) {
      assertRefused(EventName.PULL_REQUEST, with(PR_OPENED, path, json))
          .hasMessageContaining(expected)
          .hasMessageContaining(FIX);
    }

    @Test
    void badRepositoryNameNamesTheField() {
      assertRefused(EventName.ISSUES, with(LABEL_UPDATED, "repository.full_name", "\"../etc\""))
          .hasMessageStartingWith("field `repository.full_name` of the issues payload: ")
          .hasMessageContaining("`..`");
      assertRefused(EventName.ISSUES, with(LABEL_UPDATED, "repository.full_name", "\"a/b/c\""))
          .hasMessageContaining("is not of the form owner/name");
    }
  }

  @Nested
  class MissingFields {

    @ParameterizedTest(name = "[{index}] without {0}")
    @ValueSource(strings = {"action", "issue", "issue.number", "issue.state", "label.name"})
    void issues(String path) {
      assertRefused(EventName.ISSUES, with(LABEL_UPDATED, path, null))
          .hasMessage(
              "issues payload has no field `"
                  + path
                  + "`; "
                  + FIX
                  + " (is --event-name right for this file?)");
    }

    @ParameterizedTest(name = "[{index}] {0} is null")
    @ValueSource(strings = {"action", "issue", "issue.number", "issue.state"})
    void nullCountsAsMissing(String path) {
      assertRefused(EventName.ISSUES, with(LABEL_UPDATED, path, "null"))
          .hasMessageContaining("issues payload has no field `" + path + "`");
    }

    @ParameterizedTest(name = "[{index}] without {0}")
    @ValueSource(
        strings = {
          "action",
          "pull_request",
          "pull_request.number",
          "pull_request.state",
          "pull_request.head",
          "pull_request.base"
        })
    void pullRequest(String path) {
      String field =
          path.equals("pull_request.head") || path.equals("pull_request.base")
              ? path + ".ref"
              : path;
      assertRefused(EventName.PULL_REQUEST, with(PR_OPENED, path, null))
          .hasMessageStartingWith("pull_request payload has no field `" + field + "`; ")
          .hasMessageContaining(FIX);
    }

    @Test
    void repository() {
      assertRefused(EventName.ISSUES, with(LABEL_UPDATED, "repository", null))
          .hasMessageContaining("repository.full_name")
          .hasMessageContaining("GITHUB_REPOSITORY")
          .hasMessageContaining(FIX);
    }

    @Test
    void optionalFieldsDefaultToEmpty() throws Exception {
      ObjectNode root = tree(LABEL_UPDATED);
      ObjectNode issue = (ObjectNode) root.get("issue");
      issue.remove("title");
      issue.remove("body");
      issue.remove("user");
      issue.remove("labels");
      root.remove("sender");
      ((ObjectNode) root.get("repository")).remove("default_branch");

      ForgeEvent event = parse(EventName.ISSUES, bytes(root));

      Issue snapshot = event.issueSnapshot().orElseThrow();
      assertThat(snapshot.title()).isEmpty();
      assertThat(snapshot.body()).isEmpty();
      assertThat(snapshot.author()).isEmpty();
      assertThat(snapshot.labels()).isEmpty();
      assertThat(event.sender()).isEmpty();
      assertThat(event.defaultBranch()).isEmpty();
    }
  }

  @Nested
  class NotJson {

    @Test
    void emptyFile() {
      assertRefused(EventName.ISSUES, new byte[0]).hasMessage("event payload is empty; " + FIX);
    }

    @ParameterizedTest(name = "[{index}] blank")
    @ValueSource(strings = {" ", "\n", " \t\r\n  "})
    void whitespaceOnly(String blank) {
      assertRefused(EventName.ISSUES, utf8(blank)).hasMessage("event payload is empty; " + FIX);
    }

    @Test
    void truncated() {
      byte[] whole = resource(LABEL_UPDATED);
      byte[] half = Arrays.copyOf(whole, whole.length / 2);

      assertRefused(EventName.ISSUES, half)
          .hasMessageStartingWith("event payload is not valid JSON at line ")
          .hasMessageContaining("end-of-input")
          .hasMessageEndingWith("; " + FIX);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            []                   | got an array
            [{"action":"labeled"}] | got an array
            null                 | got null
            42                   | got a number
            "labeled"            | got a string
            true                 | got a boolean
            """)
    void rootIsNotAnObject(String json, String kind) {
      assertRefused(EventName.ISSUES, utf8(json))
          .hasMessage("event payload must be a JSON object, " + kind + "; " + FIX);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
        strings = {
          "{'action':'labeled'}",
          "{\"action\":\"labeled\",}",
          "/* c */ {\"action\":\"labeled\"}",
          "{\"n\":NaN}",
          "{\"n\":012}",
          "{action:\"labeled\"}",
          "{\"a\":\"line\nbreak\"}",
          "{\"a\":\"\\x41\"}"
        })
    void onlyStrictJson(String json) {
      assertRefused(EventName.ISSUES, utf8(json))
          .hasMessageStartingWith("event payload is not valid JSON")
          .hasMessageEndingWith("; " + FIX);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
        strings = {
          "{\"action\":\"labeled\"} x",
          "{\"action\":\"labeled\"} // c",
          "{\"action\":\"labeled\"}{\"action\":\"unlabeled\"}",
          "{\"action\":\"labeled\"}\n{\"action\":\"unlabeled\"}\n",
          "{\"action\":\"labeled\"} []",
          "{\"action\":\"labeled\"} 1"
        })
    void contentAfterTheObject(String json) {
      assertRefused(EventName.ISSUES, utf8(json))
          .hasMessageStartingWith("event payload has more after the end of its JSON value at line ")
          .hasMessageEndingWith("; " + FIX);
    }

    @Test
    void trailingWhiteSpaceIsFine() throws Exception {
      byte[] payload = concat(resource(LABEL_UPDATED), utf8("\n\n  \t\r\n"));

      assertThat(parse(EventName.ISSUES, payload).action()).isEqualTo(EventAction.LABELED);
    }

    @Test
    void duplicateTopLevelKey() {
      byte[] payload =
          concat(
              utf8("{\"action\":\"unlabeled\","),
              Arrays.copyOfRange(resource(LABEL_UPDATED), 1, resource(LABEL_UPDATED).length));

      assertRefused(EventName.ISSUES, payload)
          .hasMessageContaining("Duplicate field 'action'")
          .hasMessageContaining(FIX);
    }

    @Test
    void duplicateNestedKey() {
      byte[] payload =
          utf8(
              "{\"action\":\"labeled\",\"repository\":{\"full_name\":\"o/r\"},"
                  + "\"issue\":{\"number\":1,\"number\":2,\"state\":\"open\"}}");

      assertRefused(EventName.ISSUES, payload).hasMessageContaining("Duplicate field 'number'");
    }

    @Test
    void rawNulBetweenTokens() {
      byte[] payload = utf8("{\"action\":\u0000\"labeled\"}");

      assertRefused(EventName.ISSUES, payload)
          .hasMessageStartingWith("event payload is not valid JSON at line 1, column ")
          .hasMessageContaining("code 0");
    }

    @Test
    void rawNulInsideAString() {
      assertRefused(EventName.ISSUES, issueWithTitle(utf8("\"a\u0000b\"")))
          .hasMessageStartingWith("event payload is not valid JSON")
          .hasMessageContaining("code 0");
    }

    @Test
    void deepNestingIsACleanError() {
      String deep = "[".repeat(10_000);
      byte[] payload = utf8("{\"action\":\"labeled\",\"x\":" + deep);

      assertRefused(EventName.ISSUES, payload)
          .hasMessageStartingWith("event payload is not valid JSON")
          .hasMessageContaining("nesting depth")
          .hasMessageContaining(FIX);
    }

    @Test
    void deepObjectsAreACleanError() {
      String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);

      assertRefused(EventName.ISSUES, utf8(deep)).hasMessageContaining("nesting depth");
    }

    @Test
    void modestNestingInFieldsHydraIgnoresIsFine() throws Exception {
      String nested = "[".repeat(150) + "]".repeat(150);
      byte[] payload = with(LABEL_UPDATED, "changes", nested);

      assertThat(parse(EventName.ISSUES, payload).action()).isEqualTo(EventAction.LABELED);
    }
  }

  @Nested
  class Utf8 {

    @ParameterizedTest(name = "[{index}] bytes {0}")
    @ValueSource(
        strings = {
          "FF", // never valid
          "FE",
          "80", // continuation byte without a start
          "C3", // truncated two-byte sequence
          "E2 82", // truncated three-byte sequence
          "C0 AF", // overlong '/'
          "E0 80 AF", // overlong '/', three bytes
          "ED A0 80", // UTF-16 surrogate encoded as UTF-8 (CESU-8)
          "F4 90 80 80", // above U+10FFFF
          "F5 80 80 80", // start byte that never occurs
          "F8 88 80 80 80" // five-byte form
        })
    void invalidUtf8InATitleIsRefused(String hex) {
      String[] parts = hex.split(" ", -1);
      int[] values = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        values[i] = Integer.parseInt(parts[i], 16);
      }
      byte[] title = concat(utf8("\"a"), raw(values), utf8("b\""));

      assertRefused(EventName.ISSUES, issueWithTitle(title))
          .hasMessageMatching("event payload is not valid UTF-8 \\(byte offset \\d+\\); .*")
          .hasMessageEndingWith(FIX);
    }

    @Test
    void offsetPointsAtTheFirstBadByte() {
      byte[] payload = concat(utf8("{\"a\":\""), raw(0xC0, 0xAF), utf8("\"}"));

      assertRefused(EventName.ISSUES, payload)
          .hasMessage("event payload is not valid UTF-8 (byte offset 6); " + FIX);
    }

    @Test
    void invalidUtf8InALabelIsRefused() {
      byte[] payload =
          concat(
              utf8("{\"action\":\"labeled\",\"label\":{\"name\":\"ready-to-buil"),
              raw(0xC4, 0xE4),
              utf8("\"},\"repository\":{\"full_name\":\"o/r\"},"),
              utf8("\"issue\":{\"number\":7,\"state\":\"open\"}}"));

      assertRefused(EventName.ISSUES, payload).hasMessageContaining("UTF-8");
    }

    @Test
    void validMultiByteTextIsKept() throws Exception {
      byte[] title = utf8("\"Grüße, 世界 🚀 ready-to-bu\u0456ld\"");

      assertThat(
              parse(EventName.ISSUES, issueWithTitle(title)).issueSnapshot().orElseThrow().title())
          .isEqualTo("Grüße, 世界 🚀 ready-to-bu\u0456ld");
    }

    @Test
    void escapedNulIsValidJsonAndPreserved() throws Exception {
      Issue issue =
          parse(EventName.ISSUES, issueWithTitle(utf8("\"a\\u0000b\"")))
              .issueSnapshot()
              .orElseThrow();

      assertThat(issue.title()).isEqualTo("a\u0000b").hasSize(3);
    }

    @Test
    void loneSurrogateEscapeIsPreservedForTheSanitiserDownstream() throws Exception {
      Issue high =
          parse(EventName.ISSUES, issueWithTitle(utf8("\"x\\ud800y\"")))
              .issueSnapshot()
              .orElseThrow();
      Issue low =
          parse(EventName.ISSUES, issueWithTitle(utf8("\"\\udc00\"")))
              .issueSnapshot()
              .orElseThrow();

      assertThat(high.title()).isEqualTo("x\uD800y");
      assertThat(low.title()).isEqualTo("\uDC00");
    }

    @Test
    void escapedSurrogatePairIsOneCodePoint() throws Exception {
      Issue issue =
          parse(EventName.ISSUES, issueWithTitle(utf8("\"\\ud83d\\ude80\"")))
              .issueSnapshot()
              .orElseThrow();

      assertThat(issue.title()).isEqualTo("🚀");
    }

    @Test
    void hostileTextIsKeptByteForByte() throws Exception {
      String title = "x\n::add-mask::a\r\n::stop-commands::zz $(touch /tmp/pwned) `id` \u202E";
      byte[] json = utf8(Json.mapper().writeValueAsString(title));

      assertThat(
              parse(EventName.ISSUES, issueWithTitle(json)).issueSnapshot().orElseThrow().title())
          .isEqualTo(title);
    }
  }

  @Nested
  class Size {

    @Test
    void oneMegabyteBodyParses() throws Exception {
      String body = "0123456789abcdef".repeat(65_536) + " 🚀";
      byte[] payload = with(LABEL_UPDATED, "issue.body", Json.mapper().writeValueAsString(body));
      assertThat(payload.length).isGreaterThan(1 << 20);

      Issue issue = parse(EventName.ISSUES, payload).issueSnapshot().orElseThrow();

      assertThat(issue.body()).isEqualTo(body);
    }

    @Test
    void manyLabels() throws Exception {
      StringBuilder labels = new StringBuilder("[");
      for (int i = 0; i < 5_000; i++) {
        labels.append(i == 0 ? "" : ",").append("{\"name\":\"l").append(i).append("\"}");
      }
      labels.append(']');

      Issue issue =
          parse(EventName.ISSUES, with(LABEL_UPDATED, "issue.labels", labels.toString()))
              .issueSnapshot()
              .orElseThrow();

      assertThat(issue.labels()).hasSize(5_000).startsWith("l0").endsWith("l4999");
    }
  }
}
