package dev.hydra.model.scripted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scripted model over plain HTTP, without the CLI: steps, records, failures, side calls. */
class ScriptedModelTest {

  static final String KEY = "test-credential-one";
  static final Script SCRIPT =
      Script.named("t")
          .call(ToolCall.read("/input/issue.md"))
          .call(ToolCall.bash("env"), ToolCall.glob("*.md"))
          .answer("Done.\n\n```json\n{\"outcome\":\"pass\"}\n```");

  final HttpClient client = HttpClient.newHttpClient();
  final ScriptedModel model = start();

  static ScriptedModel start() {
    try {
      return ScriptedModel.start(SCRIPT);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    model.close();
  }

  @Test
  void theStepFollowsTheConversationAndAReplayGetsTheSameStep() throws Exception {
    HttpResponse<String> first = post("/v1/messages", KEY, conversation(0, false), true);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(first.body())
        .contains("event: message_start", "\"type\":\"input_json_delta\"", "toolu_00_0")
        .contains("\"stop_reason\":\"tool_use\"", "event: message_stop");

    String second = post("/v1/messages", KEY, conversation(1, true), true).body();
    assertThat(second).contains("toolu_01_0", "toolu_01_1", "\"name\":\"Glob\"");
    post("/v1/messages", KEY, conversation(1, true), true);
    String last = post("/v1/messages", KEY, conversation(2, false), true).body();
    assertThat(last).contains("\"type\":\"text_delta\"", "\"stop_reason\":\"end_turn\"");

    assertThat(model.stepsServed()).containsExactly(0, 1, 1, 2);
    assertThat(model.results())
        .extracting(ToolResult::step, r -> r.call().name(), ToolResult::isError)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "Read", true),
            org.assertj.core.groups.Tuple.tuple(1, "Bash", false),
            org.assertj.core.groups.Tuple.tuple(1, "Glob", false));
    assertThat(model.result("Read", "issue.md"))
        .hasValueSatisfying(r -> assertThat(r.content()).isEqualTo("result of toolu_00_0"));
  }

  @Test
  void aRequestWithoutStreamGetsTheWholeMessage() throws Exception {
    JsonNode message =
        Json.mapper().readTree(post("/v1/messages", KEY, conversation(0, false), false).body());
    assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(message.path("content").get(0).path("input").path("file_path").asText())
        .isEqualTo("/input/issue.md");
    assertThat(message.path("usage").path("input_tokens").asInt()).isPositive();
  }

  @Test
  void sideCallsAreAnsweredWithoutPlayingAStep() throws Exception {
    ObjectNode title = Json.mapper().createObjectNode().put("model", "m").put("stream", false);
    title.putArray("messages").addObject().put("role", "user").put("content", "title?");
    assertThat(post("/v1/messages", KEY, title, false).body()).contains("\"text\":\"OK\"");
    assertThat(post("/v1/messages/count_tokens", KEY, title, false).body())
        .contains("input_tokens");
    assertThat(post("/v1/models", KEY, title, false).statusCode()).isEqualTo(404);
    assertThat(model.stepsServed()).isEmpty();
    assertThat(model.requests()).extracting(ScriptedModel.Request::step).containsOnly(-1);
  }

  @Test
  void anAccountFailsFromItsStepOnWhileAnotherIsServed() throws Exception {
    Instant reset = Instant.now().plusSeconds(3600);
    model.fail(KEY, 1, new Failure.RateLimited(reset));
    model.fail("other", 0, new Failure.OverloadedOnce());
    model.fail("revoked", 0, new Failure.Unauthorized());

    assertThat(post("/v1/messages", KEY, conversation(0, false), true).statusCode()).isEqualTo(200);
    HttpResponse<String> limited = post("/v1/messages", KEY, conversation(1, false), true);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).contains("rate_limit_error");
    assertThat(limited.headers().firstValue("anthropic-ratelimit-unified-reset"))
        .hasValue(Long.toString(reset.getEpochSecond()));
    assertThat(limited.headers().firstValue("anthropic-ratelimit-requests-reset"))
        .hasValue(reset.toString());
    assertThat(Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow()))
        .isBetween(3500L, 3600L);
    assertThat(post("/v1/messages", KEY, conversation(2, false), true).statusCode()).isEqualTo(429);
    assertThat(post("/v1/messages", "other", conversation(1, false), true).statusCode())
        .isEqualTo(529);
    assertThat(post("/v1/messages", "other", conversation(1, false), true).statusCode())
        .isEqualTo(200);
    assertThat(post("/v1/messages", "revoked", conversation(0, false), true).statusCode())
        .isEqualTo(401);
    assertThat(model.stepsServed()).containsExactly(0, 1);
    assertThat(model.results()).as("a failed request records nothing").hasSize(1);
  }

  @Test
  void resultsFollowedByAMessageOfTheClisOwnAreStillRecorded() throws Exception {
    ObjectNode request = conversation(1, false);
    ((ArrayNode) request.path("messages"))
        .addObject()
        .put("role", "user")
        .put("content", "<system-reminder>tokens left</system-reminder>");
    assertThat(post("/v1/messages", KEY, request, true).statusCode()).isEqualTo(200);
    ObjectNode replay = conversation(1, false);
    ((ArrayNode) replay.path("messages")).remove(2);
    post("/v1/messages", KEY, replay, true);

    assertThat(model.results())
        .as("recorded once, and a replay without them hides nothing")
        .singleElement()
        .satisfies(r -> assertThat(r.content()).isEqualTo("result of toolu_00_0"));
  }

  @Test
  void aPersonaRouterPlaysTheScriptOfThePersonaThePromptNames() throws Exception {
    Script review =
        Script.named("review")
            .call(ToolCall.read("/input/pull-request.md"))
            .answer("Reviewed.\n\n```json\n{\"outcome\":\"pass\"}\n```");
    Map<String, Script> scripts = new LinkedHashMap<>();
    scripts.put("builder", SCRIPT);
    scripts.put("reviewer", review);
    try (ScriptedModel router = ScriptedModel.forPersonas(scripts)) {
      String reviewer = post(router, "/v1/messages", persona("reviewer", conversation(0, false)));
      assertThat(reviewer).contains("pull-request.md").doesNotContain("issue.md");
      String builder = post(router, "/v1/messages", persona("builder", conversation(1, false)));
      assertThat(builder).contains("\"name\":\"Glob\"");
      String reviewed = post(router, "/v1/messages", persona("reviewer", reviewConversation()));
      assertThat(reviewed).contains("\"stop_reason\":\"end_turn\"", "Reviewed.");

      assertThat(router.stepsServed()).containsExactly(0, 1, 1);
      assertThat(router.results())
          .as("the builder's results first, then the reviewer's")
          .extracting(ToolResult::step, r -> r.call().name())
          .containsExactly(tuple(0, "Read"), tuple(0, "Read"));
      assertThat(router.results().get(1).call().input().toString()).contains("pull-request.md");
      assertThat(router.results("reviewer")).containsExactly(router.results().get(1));
      assertThat(router.results("security")).isEmpty();
      assertThat(router.script().name()).isEqualTo("t");
      assertThat(router.describe()).startsWith("t, review: (step, status)");
    }
  }

  @Test
  void aPersonaRouterRefusesAConversationThatNamesNoPersonaItPlays() throws Exception {
    try (ScriptedModel router = ScriptedModel.forPersonas(Map.of("builder", SCRIPT))) {
      for (ObjectNode request :
          List.of(persona("security", conversation(0, false)), conversation(0, false))) {
        HttpResponse<String> refused =
            client.send(
                HttpRequest.newBuilder(URI.create(router.baseUrl() + "/v1/messages"))
                    .header("x-api-key", KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("invalid_request_error", "names no persona", "builder");
      }
      assertThat(router.stepsServed()).isEmpty();
      assertThat(router.requests()).extracting(ScriptedModel.Request::status).containsOnly(400);
    }
    assertThatThrownBy(() -> ScriptedModel.forPersonas(Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScriptedModel.forPersonas(Map.of(" ", SCRIPT)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // The first user message as the CLI sends it: a system reminder, then agent-stage.sh's prompt.
  static ObjectNode persona(String role, ObjectNode request) {
    ArrayNode content = Json.mapper().createArrayNode();
    content.addObject().put("type", "text").put("text", "<system-reminder>x</system-reminder>");
    content
        .addObject()
        .put("type", "text")
        .put("text", "You are the Hydra " + role + " persona; follow the instructions.");
    ((ObjectNode) request.path("messages").get(0)).set("content", content);
    return request;
  }

  // The reviewer's conversation after its one Read.
  static ObjectNode reviewConversation() {
    ObjectNode request = conversation(0, false);
    ArrayNode messages = (ArrayNode) request.path("messages");
    String id = MessagesWire.toolId(0, 0);
    messages
        .addObject()
        .put("role", "assistant")
        .putArray("content")
        .addObject()
        .put("type", "tool_use")
        .put("id", id)
        .put("name", "Read");
    ObjectNode result =
        messages
            .addObject()
            .put("role", "user")
            .putArray("content")
            .addObject()
            .put("type", "tool_result")
            .put("tool_use_id", id);
    result.put("content", "# Pull request #2");
    return request;
  }

  String post(ScriptedModel to, String path, ObjectNode body) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(to.baseUrl() + path))
                .header("x-api-key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body.put("stream", true).toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  @Test
  void aScriptEndsWithItsOneAnswer() {
    assertThatThrownBy(() -> new Script("x", List.of(new Step.Tools(List.of(ToolCall.bash("ls"))))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Script("x", List.of(new Step.Answer("a"), new Step.Answer("b"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SCRIPT.turns()).as("one per tool call and the answer").isEqualTo(4);
  }

  // A conversation after `steps` steps: each step's tool_use blocks, then their results.
  static ObjectNode conversation(int steps, boolean firstResultIsError) {
    ObjectNode request = Json.mapper().createObjectNode().put("model", "claude-test");
    request.putArray("tools").addObject().put("name", "Read");
    ArrayNode messages = request.putArray("messages");
    messages.addObject().put("role", "user").put("content", "Go.");
    for (int step = 0; step < steps; step++) {
      ArrayNode calls = messages.addObject().put("role", "assistant").putArray("content");
      ArrayNode results = messages.addObject().put("role", "user").putArray("content");
      List<Step> all = SCRIPT.steps();
      int n = ((Step.Tools) all.get(step)).calls().size();
      for (int i = 0; i < n; i++) {
        String id = MessagesWire.toolId(step, i);
        calls.addObject().put("type", "tool_use").put("id", id).put("name", "x");
        ObjectNode result = results.addObject().put("type", "tool_result").put("tool_use_id", id);
        result.putArray("content").addObject().put("type", "text").put("text", "result of " + id);
        if (step == 0 && firstResultIsError) {
          result.put("is_error", true);
        }
      }
    }
    return request;
  }

  HttpResponse<String> post(String path, String key, ObjectNode body, boolean stream)
      throws Exception {
    ObjectNode copy = body.deepCopy().put("stream", stream);
    return client.send(
        HttpRequest.newBuilder(URI.create(model.baseUrl() + path))
            .header("x-api-key", key)
            .POST(HttpRequest.BodyPublishers.ofString(copy.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
