package dev.hydra.model.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hydra.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted model: a Messages API double on loopback that plays a {@link Script} turn by turn, in
 * the real API's wire format, and records what came back for each of its tool calls.
 *
 * <p>What the Claude Code CLI 2.1.332 sends (recorded against this double, headless {@code -p},
 * {@code --output-format stream-json}, {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1}):
 *
 * <ul>
 *   <li>Only {@code POST /v1/messages?beta=true}, one per assistant turn, always {@code "stream":
 *       true}: no count_tokens, title or quota call was seen. The body holds {@code model}, {@code
 *       system}, {@code tools} (Agent, Bash, Edit, Glob, Grep, Read, Write, … whatever the
 *       permissions leave, and a ToolSearch for deferred ones), {@code messages} (the first user
 *       message is the prompt after {@code <system-reminder>} text blocks), {@code max_tokens},
 *       {@code thinking} and {@code metadata}. A request is about 90 KB.
 *   <li>Headers: {@code x-api-key} (or {@code authorization: Bearer} for an OAuth token), {@code
 *       anthropic-version: 2023-06-01}, {@code anthropic-beta: claude-code-20250219,
 *       interleaved-thinking-2025-05-14, context-management-2025-06-27, …}, {@code x-app: cli},
 *       {@code user-agent: claude-cli/2.1.332 (external, sdk-cli)}, {@code
 *       X-Claude-Code-Session-Id}, the {@code X-Stainless-*} set ({@code X-Stainless-Retry-Count},
 *       {@code X-Stainless-Timeout: 600}).
 *   <li>Tool results come back in the next request as the last user message: blocks {@code
 *       {"type":"tool_result","tool_use_id":…,"content":"…","is_error":true}} ({@code is_error}
 *       only when set). A denied permission reads {@code Permission to use Bash with command env
 *       has been denied.}; an Edit under a denied directory {@code <tool_use_error>File is in a
 *       directory that is denied by your permission settings.</tool_use_error>}; the Read tool
 *       refuses {@code /proc/…} by itself ({@code this path names a device or process file that
 *       this tool does not read}) before any rule; a failed command {@code Exit code N\n…}. A Read
 *       result is the file with line numbers ({@code 1\t# title}).
 *   <li>The CLI's {@code num_turns} counts one turn per tool call plus the final answer (two calls
 *       in one message are two turns; {@link Script#turns()}). It prints one stream-json {@code
 *       assistant} line per content block, and appends a {@code <system-reminder>} (tokens left) to
 *       some tool results. Bash commands inherit the CLI's environment ({@code ANTHROPIC_API_KEY},
 *       {@code CLAUDE_CODE_*}), so {@code cat /proc/self/environ} shows what the container was
 *       given: it must hold no secret.
 * </ul>
 *
 * <p>Which step answers is read from the conversation (the step after the latest whose tool call
 * ids it holds), so a request the gateway replays on another account gets the same step. Other
 * calls are answered without playing a step: {@code count_tokens} with a count, a request without
 * tools (a title or quota call) with a short text. A {@link Failure} for an account (the credential
 * the gateway sends upstream) answers a step with an API error instead. Tool results are recorded
 * only from requests that a step answered, once per step.
 *
 * <p>One double can also play a script per persona ({@link #forPersonas}), as the demo with the
 * real persona images needs one upstream for all its stage gateways: each request plays the script
 * of the persona its first user message names ({@code You are the Hydra <role> persona}, the prompt
 * of {@code images/base/agent-stage.sh}); a request that names none it plays is refused with a 400.
 */
public final class ScriptedModel implements AutoCloseable {

  /**
   * One request the double answered.
   *
   * @param path the path and query
   * @param credential the {@code x-api-key} or bearer token it carried; empty when none
   * @param step the script step it asked for; -1 for calls that play no step
   * @param status the HTTP status of the answer
   */
  public record Request(String path, String credential, int step, int status) {}

  private record Rule(String credential, int fromStep, Failure failure, AtomicInteger left) {}

  // The persona the agent-stage.sh prompt names in the first user message.
  private static final Pattern PERSONA = Pattern.compile("You are the Hydra ([a-z]+) persona");

  // The key of the one script of start(Script): every conversation plays it.
  private static final String ANY = "";

  private final Map<String, Script> scripts;
  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  // By the scripts' keys, in their order; each by step.
  private final Map<String, NavigableMap<Integer, List<ToolResult>>> results;

  private ScriptedModel(Map<String, Script> scripts) throws IOException {
    if (scripts.isEmpty()) {
      throw new IllegalArgumentException("the scripted model needs a script");
    }
    this.scripts = Collections.unmodifiableMap(new LinkedHashMap<>(scripts));
    Map<String, NavigableMap<Integer, List<ToolResult>>> byScript = new LinkedHashMap<>();
    scripts.keySet().forEach(key -> byScript.put(key, new ConcurrentSkipListMap<>()));
    this.results = Collections.unmodifiableMap(byScript);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts the double on a free loopback port. */
  public static ScriptedModel start(Script script) throws IOException {
    return new ScriptedModel(Map.of(ANY, script));
  }

  /**
   * Starts a double on a free loopback port that plays, for each conversation, the script of the
   * persona its first user message names ({@code You are the Hydra builder persona}, …).
   *
   * @param byPersona the script of each persona ({@code builder}, {@code reviewer}, {@code
   *     security}, {@code applier}), in the order {@link #results()} lists their results
   * @throws IllegalArgumentException when no script is given or a persona name is blank
   */
  public static ScriptedModel forPersonas(Map<String, Script> byPersona) throws IOException {
    if (byPersona.keySet().stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("a persona name must not be blank");
    }
    return new ScriptedModel(byPersona);
  }

  /** The base URL, for the gateway's upstream or {@code ANTHROPIC_BASE_URL}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The script it plays; with {@link #forPersonas}, the first persona's. */
  public Script script() {
    return scripts.values().iterator().next();
  }

  /**
   * Fails an account's requests for a step (counted from 0) instead of answering it.
   *
   * @param credential the credential the gateway sends upstream for the account
   * @param step the first step that fails
   * @param failure what to answer
   */
  public ScriptedModel fail(String credential, int step, Failure failure) {
    int times = failure instanceof Failure.OverloadedOnce ? 1 : Integer.MAX_VALUE;
    rules.add(new Rule(credential, step, failure, new AtomicInteger(times)));
    return this;
  }

  /** Every request so far, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The steps answered with a step (status 200), in order; a replayed step appears again. */
  public List<Integer> stepsServed() {
    return requests.stream()
        .filter(r -> r.step() >= 0 && r.status() == 200)
        .map(Request::step)
        .toList();
  }

  /** What came back for every tool call, in step order (by persona, in their order). */
  public List<ToolResult> results() {
    List<ToolResult> out = new ArrayList<>();
    results.values().forEach(steps -> steps.values().forEach(out::addAll));
    return out;
  }

  /**
   * What came back for the tool calls of one persona's script ({@link #forPersonas}), in step
   * order; empty for a persona it does not play.
   */
  public List<ToolResult> results(String persona) {
    List<ToolResult> out = new ArrayList<>();
    results.getOrDefault(persona, new ConcurrentSkipListMap<>()).values().forEach(out::addAll);
    return out;
  }

  /** The result of the first call to the tool whose input mentions the text. */
  public Optional<ToolResult> result(String tool, String inputContains) {
    return results().stream()
        .filter(r -> r.call().name().equals(tool))
        .filter(r -> r.call().input().toString().contains(inputContains))
        .findFirst();
  }

  /** The steps asked for and every result, one a line, for assertion messages; no credential. */
  public String describe() {
    StringBuilder out =
        new StringBuilder(String.join(", ", scripts.values().stream().map(Script::name).toList()))
            .append(": (step, status)");
    requests.forEach(
        r -> out.append(" (").append(r.step()).append(", ").append(r.status()).append(')'));
    results().forEach(r -> out.append('\n').append(r.describe()));
    return out.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String credential = credential(exchange);
      String where = exchange.getRequestURI().toString();
      if (path.equals("/v1/messages/count_tokens")) {
        send(exchange, 200, Map.of(), "application/json", MessagesWire.tokenCount());
        requests.add(new Request(where, credential, -1, 200));
        return;
      }
      if (!path.equals("/v1/messages") || !exchange.getRequestMethod().equals("POST")) {
        int status = error(exchange, 404, "not_found_error", "no such path: " + path);
        requests.add(new Request(where, credential, -1, status));
        return;
      }
      JsonNode request = Json.mapper().readTree(body);
      String model = request.path("model").asText("claude-scripted");
      boolean stream = request.path("stream").asBoolean(false);
      if (request.path("tools").isEmpty()) {
        answer(exchange, model, stream, new Step.Answer("OK"), -1);
        requests.add(new Request(where, credential, -1, 200));
        return;
      }
      String key = scriptKey(request);
      Script script = scripts.get(key);
      NavigableMap<Integer, List<ToolResult>> played = results.get(key);
      if (script == null || played == null) {
        int status =
            error(
                exchange,
                400,
                "invalid_request_error",
                "the first user message names no persona this scripted model plays: "
                    + String.join(", ", scripts.keySet()));
        requests.add(new Request(where, credential, -1, status));
        return;
      }
      int index = nextStep(request);
      Optional<Rule> rule = rules.stream().filter(r -> applies(r, credential, index)).findFirst();
      if (rule.isPresent()) {
        int status = failWith(exchange, rule.get().failure());
        requests.add(new Request(where, credential, index, status));
        return;
      }
      record(request, index, script, played);
      answer(exchange, model, stream, script.step(index), index);
      requests.add(new Request(where, credential, index, 200));
    }
  }

  private static boolean applies(Rule rule, String credential, int step) {
    return rule.credential().equals(credential)
        && step >= rule.fromStep()
        && rule.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  // The step after the latest one whose tool calls the conversation holds (by their ids): robust
  // against the CLI joining or splitting assistant messages.
  private static int nextStep(JsonNode request) {
    int next = 0;
    for (JsonNode message : request.path("messages")) {
      if (!message.path("role").asText().equals("assistant")) {
        continue;
      }
      for (JsonNode block : message.path("content")) {
        OptionalInt step = MessagesWire.stepOf(block.path("id").asText());
        if (block.path("type").asText().equals("tool_use") && step.isPresent()) {
          next = Math.max(next, step.getAsInt() + 1);
        }
      }
    }
    return next;
  }

  // The key of the script a conversation plays: the only one's, or the persona's it names (which
  // may be one it does not play).
  private String scriptKey(JsonNode request) {
    if (scripts.containsKey(ANY)) {
      return ANY;
    }
    for (JsonNode message : request.path("messages")) {
      if (message.path("role").asText().equals("user")) {
        Matcher m = PERSONA.matcher(MessagesWire.text(message.path("content")));
        return m.find() ? m.group(1) : ANY;
      }
    }
    return ANY;
  }

  // The user messages answer the previous step's calls, by the ids this double gave them.
  private static void record(
      JsonNode request, int index, Script script, NavigableMap<Integer, List<ToolResult>> results) {
    JsonNode messages = request.path("messages");
    if (index == 0 || messages.isEmpty()) {
      return;
    }
    int previous = index - 1;
    if (!(script.step(previous) instanceof Step.Tools tools)) {
      return;
    }
    List<ToolResult> found = new ArrayList<>();
    // Any user message may hold them: the CLI can add a message of its own after the results.
    List<JsonNode> blocks = new ArrayList<>();
    for (JsonNode message : messages) {
      if (message.path("role").asText().equals("user")) {
        message.path("content").forEach(blocks::add);
      }
    }
    for (JsonNode block : blocks) {
      if (!block.path("type").asText().equals("tool_result")) {
        continue;
      }
      String id = block.path("tool_use_id").asText();
      for (int i = 0; i < tools.calls().size(); i++) {
        if (id.equals(MessagesWire.toolId(previous, i))) {
          found.add(
              new ToolResult(
                  previous,
                  tools.calls().get(i),
                  MessagesWire.text(block.path("content")),
                  block.path("is_error").asBoolean(false)));
        }
      }
    }
    // A replay that carries fewer results never hides those recorded already.
    results.merge(previous, List.copyOf(found), (old, now) -> now.size() >= old.size() ? now : old);
  }

  private static void answer(HttpExchange exchange, String model, boolean stream, Step step, int i)
      throws IOException {
    if (stream) {
      send(exchange, 200, Map.of(), "text/event-stream", MessagesWire.events(model, step, i));
    } else {
      send(exchange, 200, Map.of(), "application/json", MessagesWire.message(model, step, i));
    }
  }

  private static int failWith(HttpExchange exchange, Failure failure) throws IOException {
    if (failure instanceof Failure.RateLimited limited) {
      Instant reset = limited.reset();
      long seconds = Math.max(0, reset.getEpochSecond() - Instant.now().getEpochSecond());
      send(
          exchange,
          429,
          Map.of(
              "retry-after", Long.toString(seconds),
              "anthropic-ratelimit-unified-status", "rejected",
              "anthropic-ratelimit-unified-reset", Long.toString(reset.getEpochSecond()),
              "anthropic-ratelimit-requests-reset", reset.toString()),
          "application/json",
          MessagesWire.error("rate_limit_error", "This request would exceed your rate limit."));
      return 429;
    }
    return failure instanceof Failure.OverloadedOnce
        ? error(exchange, 529, "overloaded_error", "Overloaded")
        : error(exchange, 401, "authentication_error", "invalid x-api-key");
  }

  private static int error(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    send(exchange, status, Map.of(), "application/json", MessagesWire.error(type, message));
    return status;
  }

  private static String credential(HttpExchange exchange) {
    String key = exchange.getRequestHeaders().getFirst("x-api-key");
    if (key != null) {
      return key;
    }
    String authorization = exchange.getRequestHeaders().getFirst("authorization");
    return authorization != null && authorization.startsWith("Bearer ")
        ? authorization.substring("Bearer ".length())
        : "";
  }

  private static void send(
      HttpExchange exchange, int status, Map<String, String> headers, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", type);
    exchange.getResponseHeaders().set("request-id", "req_scripted");
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
