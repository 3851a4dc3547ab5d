package dev.hydra.supervise;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text) and {@code /healthz} on the JDK's {@link HttpServer}; bound to
 * loopback unless the operator names another address. Only {@code GET} and {@code HEAD} are
 * answered.
 */
public final class MetricsServer implements AutoCloseable {

  /** The Prometheus text format's content type. */
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts the server.
   *
   * @param address where to listen ({@code 127.0.0.1:9464} by default; port 0 picks a free one)
   * @param metrics the text of {@code /metrics}
   * @param healthy whether {@code /healthz} answers 200 (else 503: the supervisor drains)
   * @throws IOException when the address cannot be bound
   */
  public static MetricsServer start(
      InetSocketAddress address, Supplier<String> metrics, BooleanSupplier healthy)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext(
        "/metrics", exchange -> answer(exchange, "/metrics", 200, PROMETHEUS, metrics.get()));
    server.createContext(
        "/healthz",
        exchange -> {
          boolean ok = healthy.getAsBoolean();
          answer(
              exchange,
              "/healthz",
              ok ? 200 : 503,
              "text/plain; charset=utf-8",
              ok ? "ok\n" : "draining\n");
        });
    server.createContext(
        "/", exchange -> answer(exchange, "", 404, "text/plain; charset=utf-8", "not found\n"));
    server.start();
    return new MetricsServer(server);
  }

  private static void answer(
      HttpExchange exchange, String path, int status, String type, String body) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!path.isEmpty() && !exchange.getRequestURI().getPath().equals(path)) {
        status = 404;
        body = "not found\n";
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        status = 405;
        body = "method not allowed\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = method.equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** The address it listens on (with the port picked, when 0 was asked). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
