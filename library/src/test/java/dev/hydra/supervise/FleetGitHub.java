package dev.hydra.supervise;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hydra.forge.RepoRef;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Many GitHub repositories with many issues each, held in memory and served on loopback by the
 * JDK's {@link HttpServer}: only what the supervisor's poll reads, with GitHub's semantics — {@code
 * GET /repos/{owner}/{repo}/issues?state=open&sort=updated&direction=desc&per_page=N}, newest
 * update first, {@code Link: rel="next"} paging, an {@code ETag} over the first page and {@code 304
 * Not Modified} without a body when {@code If-None-Match} names it; a request without the token is
 * 401. Label changes ({@link #relabel}) are what a stage's claim and verdict would write; each one
 * makes the issue the most recently updated. For the supervisor benchmark and its test; {@code
 * FakeGitHub} holds one repository with one issue, too small for it.
 */
final class FleetGitHub implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern LIST = Pattern.compile("/repos/([^/]+)/([^/]+)/issues");
  private static final Pattern PAGE = Pattern.compile("(?:^|&)page=([0-9]+)");
  private static final Pattern PER_PAGE = Pattern.compile("(?:^|&)per_page=([0-9]+)");

  /** One open issue. */
  private record Item(int number, List<String> labels, long updated) {}

  private final String token;
  private final Map<RepoRef, Map<Integer, Item>> repos = new LinkedHashMap<>();
  private final HttpServer server;
  private final ExecutorService threads;
  private long clock;

  /** List requests answered, and how many of them were {@code 304}. */
  final AtomicInteger requests = new AtomicInteger();

  final AtomicInteger notModified = new AtomicInteger();

  private FleetGitHub(String token, HttpServer server, ExecutorService threads) {
    this.token = token;
    this.server = server;
    this.threads = threads;
  }

  /** Starts the server on a free loopback port; requests must carry {@code token}. */
  static FleetGitHub start(String token) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    FleetGitHub fleet = new FleetGitHub(token, server, threads);
    server.createContext("/", fleet::answer);
    server.setExecutor(threads);
    server.start();
    return fleet;
  }

  /** The API URL to give the feed. */
  URI apiUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Sets an issue's labels (a person labelled it, or a stage moved it on). */
  synchronized void relabel(RepoRef repo, int number, List<String> labels) {
    repos
        .computeIfAbsent(repo, r -> new LinkedHashMap<>())
        .put(number, new Item(number, List.copyOf(labels), ++clock));
  }

  /** An issue's labels now. */
  synchronized List<String> labels(RepoRef repo, int number) {
    Item item = repos.getOrDefault(repo, Map.of()).get(number);
    return item == null ? List.of() : item.labels();
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))
          && !("token " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        send(
            exchange,
            401,
            "{\"message\":\"Bad credentials\"}".getBytes(StandardCharsets.UTF_8),
            null,
            null);
        return;
      }
      Matcher m = LIST.matcher(exchange.getRequestURI().getPath());
      if (!exchange.getRequestMethod().equals("GET") || !m.matches()) {
        send(
            exchange,
            404,
            "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8),
            null,
            null);
        return;
      }
      RepoRef repo = RepoRef.of(m.group(1), m.group(2));
      String query = exchange.getRequestURI().getRawQuery();
      int page = number(PAGE, query == null ? "" : query, 1);
      int perPage = Math.min(100, number(PER_PAGE, query == null ? "" : query, 30));
      byte[] body;
      boolean more;
      synchronized (this) {
        List<Item> items = new ArrayList<>(repos.getOrDefault(repo, Map.of()).values());
        items.sort(Comparator.comparingLong(Item::updated).reversed());
        int from = Math.min(items.size(), (page - 1) * perPage);
        int to = Math.min(items.size(), from + perPage);
        body = MAPPER.writeValueAsBytes(json(items.subList(from, to)));
        more = to < items.size();
      }
      requests.incrementAndGet();
      String etag = "\"" + HexFormat.of().formatHex(sha256(body)) + "\"";
      @Nullable String link =
          more
              ? "<"
                  + apiUrl()
                  + exchange.getRequestURI().getPath()
                  + "?state=open&sort=updated&direction=desc&per_page="
                  + perPage
                  + "&page="
                  + (page + 1)
                  + ">; rel=\"next\""
              : null;
      if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        notModified.incrementAndGet();
        send(exchange, 304, new byte[0], etag, null);
        return;
      }
      send(exchange, 200, body, etag, link);
    }
  }

  private static ArrayNode json(List<Item> items) {
    ArrayNode list = MAPPER.createArrayNode();
    for (Item item : items) {
      ObjectNode node = list.addObject();
      node.put("number", item.number());
      node.put("title", "Issue " + item.number());
      node.put("body", "");
      node.put("state", "open");
      node.putObject("user").put("login", "mona");
      ArrayNode labels = node.putArray("labels");
      item.labels().forEach(l -> labels.addObject().put("name", l));
      node.put("updated_at", "2026-12-01T08:00:00Z");
    }
    return list;
  }

  private static void send(
      HttpExchange exchange, int status, byte[] body, @Nullable String etag, @Nullable String link)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    if (etag != null) {
      exchange.getResponseHeaders().set("ETag", etag);
    }
    if (link != null) {
      exchange.getResponseHeaders().set("Link", link);
    }
    exchange.sendResponseHeaders(status, status == 304 ? -1 : body.length);
    if (status != 304) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static int number(Pattern pattern, String query, int fallback) {
    Matcher m = pattern.matcher(query);
    return m.find() ? Integer.parseInt(m.group(1)) : fallback;
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
