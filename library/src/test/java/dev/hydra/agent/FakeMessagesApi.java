package dev.hydra.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hydra.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Anthropic Messages API on loopback, for recording what the real Claude Code CLI prints.
 *
 * <p>Each credential (the {@code x-api-key} or the bearer token the CLI sends) has a script: its
 * n-th request gets the n-th {@link Reply}, and the last one repeats. A reply carries the HTTP
 * status and the response headers, so the CLI sees the unified rate-limit headers it reads from the
 * real API. Every request is recorded, so a test can check that nothing but {@code POST
 * /v1/messages} was asked for.
 */
public final class FakeMessagesApi implements AutoCloseable {

  /**
   * One response.
   *
   * @param status the HTTP status
   * @param headers response headers, for example {@code anthropic-ratelimit-unified-status}
   * @param kind {@code text}, {@code tool} (a Glob tool call, so that the CLI makes another
   *     request) or an API error type such as {@code overloaded_error}
   * @param message the text, or the error message
   */
  public record Reply(int status, Map<String, String> headers, String kind, String message) {
    public Reply {
      headers = Map.copyOf(headers);
    }

    /** A successful text answer. */
    public static Reply text(String text) {
      return new Reply(200, Map.of(), "text", text);
    }

    /** A successful answer that calls the read-only Glob tool, so that a second turn follows. */
    public static Reply toolCall() {
      return new Reply(200, Map.of(), "tool", "");
    }

    /** An API error: {@code {"type":"error","error":{"type":…,"message":…}}}. */
    public static Reply error(int status, String type, String message) {
      return new Reply(status, Map.of(), type, message);
    }

    /** The same reply with more headers. */
    public Reply with(Map<String, String> more) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.putAll(more);
      return new Reply(status, all, kind, message);
    }
  }

  /**
   * One request the CLI made.
   *
   * @param method the HTTP method
   * @param path the path and query
   * @param credential the key or bearer token it carried; empty when none
   * @param beta its {@code anthropic-beta} flags; empty when none
   */
  public record Request(String method, String path, String credential, String beta) {}

  private final HttpServer server;
  private final Map<String, List<Reply>> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public FakeMessagesApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URL for {@code ANTHROPIC_BASE_URL}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Sets what a credential's requests get, in order; the last reply repeats. */
  public FakeMessagesApi script(String credential, Reply... replies) {
    scripts.put(credential, List.of(replies));
    served.remove(credential);
    return this;
  }

  /** Every request so far. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the requests seen so far. */
  public void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String credential = credential(exchange);
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              credential,
              String.join(
                  ",", exchange.getRequestHeaders().getOrDefault("anthropic-beta", List.of()))));
      List<Reply> script = scripts.get(credential);
      if (!exchange.getRequestURI().getPath().equals("/v1/messages") || script == null) {
        send(exchange, 404, Map.of(), "application/json", error("not_found_error", "no script"));
        return;
      }
      int n = served.computeIfAbsent(credential, c -> new AtomicInteger()).getAndIncrement();
      Reply reply = script.get(Math.min(n, script.size() - 1));
      JsonNode request = body.length == 0 ? Json.mapper().createObjectNode() : read(body);
      String model = request.path("model").asText("claude-test");
      if (reply.status() != 200) {
        send(
            exchange,
            reply.status(),
            reply.headers(),
            "application/json",
            error(reply.kind(), reply.message()));
      } else if (request.path("stream").asBoolean(false)) {
        send(exchange, 200, reply.headers(), "text/event-stream", events(reply, model));
      } else {
        send(exchange, 200, reply.headers(), "application/json", message(reply, model));
      }
    }
  }

  private static JsonNode read(byte[] body) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      return Json.mapper().createObjectNode();
    }
  }

  private static String credential(HttpExchange exchange) {
    String key = exchange.getRequestHeaders().getFirst("x-api-key");
    if (key != null) {
      return key;
    }
    String authorization = exchange.getRequestHeaders().getFirst("authorization");
    if (authorization != null && authorization.startsWith("Bearer ")) {
      return authorization.substring("Bearer ".length());
    }
    return "";
  }

  private static void send(
      HttpExchange exchange, int status, Map<String, String> headers, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", type);
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String error(String type, String message) {
    ObjectNode root = Json.mapper().createObjectNode().put("type", "error");
    root.putObject("error").put("type", type).put("message", message);
    return root.toString();
  }

  private static ObjectNode content(Reply reply) {
    ObjectNode block = Json.mapper().createObjectNode();
    if (reply.kind().equals("tool")) {
      block.put("type", "tool_use").put("id", "toolu_01").put("name", "Glob");
      block.putObject("input").put("pattern", "*.md");
    } else {
      block.put("type", "text").put("text", reply.message());
    }
    return block;
  }

  private static String stopReason(Reply reply) {
    return reply.kind().equals("tool") ? "tool_use" : "end_turn";
  }

  private static String message(Reply reply, String model) {
    ObjectNode m = messageStart(model);
    m.putArray("content").add(content(reply));
    m.put("stop_reason", stopReason(reply));
    return m.toString();
  }

  private static ObjectNode messageStart(String model) {
    ObjectNode m = Json.mapper().createObjectNode();
    m.put("id", "msg_01").put("type", "message").put("role", "assistant").put("model", model);
    m.putArray("content");
    m.putNull("stop_reason");
    m.putNull("stop_sequence");
    m.putObject("usage").put("input_tokens", 12).put("output_tokens", 1);
    return m;
  }

  // The streaming form the CLI asks for: message_start, one content block, message_delta, stop.
  private static String events(Reply reply, String model) {
    List<String> out = new ArrayList<>();
    ObjectNode start = Json.mapper().createObjectNode().put("type", "message_start");
    start.set("message", messageStart(model));
    out.add(event("message_start", start));
    ObjectNode block = content(reply);
    ObjectNode empty = block.deepCopy();
    ObjectNode delta = Json.mapper().createObjectNode();
    if (reply.kind().equals("tool")) {
      empty.putObject("input");
      delta.put("type", "input_json_delta").put("partial_json", block.get("input").toString());
    } else {
      empty.put("text", "");
      delta.put("type", "text_delta").put("text", reply.message());
    }
    ObjectNode blockStart =
        Json.mapper().createObjectNode().put("type", "content_block_start").put("index", 0);
    blockStart.set("content_block", empty);
    out.add(event("content_block_start", blockStart));
    ObjectNode blockDelta =
        Json.mapper().createObjectNode().put("type", "content_block_delta").put("index", 0);
    blockDelta.set("delta", delta);
    out.add(event("content_block_delta", blockDelta));
    out.add(
        event(
            "content_block_stop",
            Json.mapper().createObjectNode().put("type", "content_block_stop").put("index", 0)));
    ObjectNode messageDelta = Json.mapper().createObjectNode().put("type", "message_delta");
    messageDelta.putObject("delta").put("stop_reason", stopReason(reply)).putNull("stop_sequence");
    messageDelta.putObject("usage").put("output_tokens", 5);
    out.add(event("message_delta", messageDelta));
    out.add(event("message_stop", Json.mapper().createObjectNode().put("type", "message_stop")));
    return String.join("", out);
  }

  private static String event(String name, JsonNode data) {
    return "event: " + name + "\ndata: " + data + "\n\n";
  }
}
