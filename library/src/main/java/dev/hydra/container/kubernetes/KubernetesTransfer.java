package dev.hydra.container.kubernetes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stage's transfer endpoint in the runner process (docs/kubernetes.md): {@code GET /<fetch
 * nonce>} answers once with a tar of the workspace and input folders, {@code PUT /<upload nonce>}
 * accepts once a bundle of at most the limit. Every other request is a 404. The nonces are 256
 * random bits each and die with the stage; neither ever reaches the agent container.
 */
final class KubernetesTransfer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesTransfer.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final ExecutorService executor;
  private final String fetchNonce = nonce();
  private final String uploadNonce = nonce();
  private final @Nullable Path workspace;
  private final @Nullable Path input;
  private final long uploadLimit;
  private final AtomicBoolean fetched = new AtomicBoolean();
  private final AtomicBoolean uploading = new AtomicBoolean();
  private volatile byte @Nullable [] bundle;

  private KubernetesTransfer(
      HttpServer server, @Nullable Path workspace, @Nullable Path input, long uploadLimit) {
    this.server = server;
    this.workspace = workspace;
    this.input = input;
    this.uploadLimit = uploadLimit;
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "hydra-transfer");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts the endpoint on a free port of the address.
   *
   * @param address the runner pod's IP
   * @param workspace the folder sent as {@code workspace/…}, if any
   * @param input the folder sent as {@code input/…}, if any
   * @param uploadLimit the largest bundle accepted
   */
  static KubernetesTransfer start(
      InetAddress address, @Nullable Path workspace, @Nullable Path input, long uploadLimit)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
    KubernetesTransfer transfer = new KubernetesTransfer(server, workspace, input, uploadLimit);
    server.setExecutor(transfer.executor);
    server.createContext("/", transfer::handle);
    server.start();
    return transfer;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The fetch container's URL. */
  String fetchUrl() {
    return base() + fetchNonce;
  }

  /** The upload container's URL. */
  String uploadUrl() {
    return base() + uploadNonce;
  }

  /** Whether the workspace has been sent. */
  boolean fetched() {
    return fetched.get();
  }

  /** The bundle the pod sent back, if it sent one. */
  Optional<byte[]> bundle() {
    byte[] b = bundle;
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  private String base() {
    InetAddress address = server.getAddress().getAddress();
    String host = address.getHostAddress();
    if (address instanceof Inet6Address) {
      int zone = host.indexOf('%');
      host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
    }
    return "http://" + host + ":" + port() + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (method.equals("GET") && is(path, fetchNonce) && fetched.compareAndSet(false, true)) {
        sendTar(exchange);
      } else if (method.equals("PUT")
          && is(path, uploadNonce)
          && uploading.compareAndSet(false, true)) {
        receive(exchange);
      } else {
        LOG.warn("transfer endpoint refused {} of an unknown or spent path", method);
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  private void sendTar(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-tar");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream body = exchange.getResponseBody()) {
      TarWriter tar = new TarWriter(body);
      if (workspace != null) {
        tar.writeTree(workspace, "workspace");
      }
      if (input != null) {
        tar.writeTree(input, "input");
      }
      tar.finish();
    }
    LOG.info("the stage pod fetched its workspace");
  }

  private void receive(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        received.write(buffer, 0, n);
        if (received.size() > uploadLimit) {
          LOG.warn("the stage pod's bundle is larger than {} bytes; refused", uploadLimit);
          exchange.sendResponseHeaders(413, -1);
          return;
        }
      }
    }
    bundle = received.toByteArray();
    exchange.sendResponseHeaders(204, -1);
    LOG.info("the stage pod sent a bundle of {} bytes", received.size());
  }

  // Constant time: the nonce is the only thing that guards the path.
  private static boolean is(String path, String nonce) {
    return MessageDigest.isEqual(
        path.getBytes(StandardCharsets.UTF_8), ("/" + nonce).getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the bundle, if one came back, to {@code <workspace>/out/changes.bundle}. */
  void writeBundle(Path workspaceFolder) throws IOException {
    byte[] b = bundle;
    if (b == null) {
      return;
    }
    Path out = Files.createDirectories(workspaceFolder.resolve("out"));
    Files.write(out.resolve("changes.bundle"), b);
  }

  private static String nonce() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
