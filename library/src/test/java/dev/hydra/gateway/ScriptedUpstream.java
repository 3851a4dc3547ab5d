package dev.hydra.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A Messages API double on loopback for the gateway's unit tests: it records every request exactly
 * (headers, body) and answers from a queue of scripted answers, each written as raw chunks, so a
 * test decides the bytes and when they are sent.
 */
final class ScriptedUpstream implements AutoCloseable {

  /**
   * One answer.
   *
   * @param status the HTTP status
   * @param headers response headers
   * @param chunks the body, written and flushed chunk by chunk
   * @param gate when set, the second chunk waits until it is opened
   */
  record Answer(
      int status, Map<String, String> headers, List<byte[]> chunks, @Nullable CountDownLatch gate) {

    static Answer json(int status, String body, Map<String, String> headers) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put("content-type", "application/json");
      return new Answer(status, all, List.of(body.getBytes(StandardCharsets.UTF_8)), null);
    }

    static Answer error(int status, String type, Map<String, String> headers) {
      return json(
          status,
          "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"scripted\"}}",
          headers);
    }

    /** A streamed answer: message_start (12 in, 1 out), a text delta, message_delta (5 out). */
    static Answer events(String text) {
      return new Answer(200, Map.of("content-type", "text/event-stream"), sse(text), null);
    }

    static List<byte[]> sse(String text) {
      return List.of(
          ("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                  + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"usage\":"
                  + "{\"input_tokens\":12,\"output_tokens\":1}}}\n\n")
              .getBytes(StandardCharsets.UTF_8),
          ("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                  + "\"delta\":{\"type\":\"text_delta\",\"text\":\""
                  + text
                  + "\"}}\n\n")
              .getBytes(StandardCharsets.UTF_8),
          ("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                  + "\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n"
                  + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
              .getBytes(StandardCharsets.UTF_8));
    }

    Answer gated(CountDownLatch latch) {
      return new Answer(status, headers, chunks, latch);
    }

    byte[] bytes() {
      int length = chunks.stream().mapToInt(c -> c.length).sum();
      byte[] out = new byte[length];
      int at = 0;
      for (byte[] chunk : chunks) {
        System.arraycopy(chunk, 0, out, at, chunk.length);
        at += chunk.length;
      }
      return out;
    }
  }

  /**
   * One request as it arrived.
   *
   * @param method the method
   * @param target the path and query
   * @param headers the headers, names in lower case
   * @param body the body, as UTF-8
   */
  record Seen(String method, String target, Map<String, List<String>> headers, String body) {

    @Nullable String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : String.join(",", values);
    }

    /** The credential: the API key, or the bearer token. */
    String credential() {
      String key = header("x-api-key");
      String auth = header("authorization");
      return key != null ? key : auth == null ? "" : auth.replaceFirst("^Bearer ", "");
    }
  }

  private final HttpServer server;
  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  ScriptedUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  ScriptedUpstream answer(Answer... next) {
    answers.addAll(List.of(next));
    return this;
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
      seen.add(
          new Seen(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              headers,
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      Answer answer = answers.poll();
      if (answer == null) {
        answer = Answer.error(500, "api_error", Map.of());
      }
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(answer.status(), 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < answer.chunks().size(); i++) {
          if (i == 1 && answer.gate() != null && !answer.gate().await(20, TimeUnit.SECONDS)) {
            return; // the test never opened the gate: end the answer short
          }
          out.write(answer.chunks().get(i));
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
