package dev.hydra.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real OCI registry for one test class: Debian's {@code docker-registry} (distribution 2.8) on a
 * free loopback port, with htpasswd (bcrypt) authentication and its storage in a temporary
 * directory. Modelled on jib's {@code LocalRegistry}, but a process rather than a container, since
 * no registry image can be pulled on these machines.
 *
 * <p>Plain HTTP on 127.0.0.1 is enough: Docker treats {@code 127.0.0.0/8} as an insecure registry
 * by default, so {@code docker login} and {@code docker push} work without TLS, and basic auth is
 * enforced all the same (an unauthenticated request gets 401).
 */
final class LocalRegistry {

  static final String USER = "hydra-it";

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .proxy(HttpClient.Builder.NO_PROXY)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final Process process;
  private final int port;
  private final String password;
  private final Path log;

  private LocalRegistry(Process process, int port, String password, Path log) {
    this.process = process;
    this.port = port;
    this.password = password;
    this.log = log;
  }

  /**
   * What is missing to run a registry here ({@code docker-registry}, {@code htpasswd}), or null.
   */
  static @Nullable String missingTools() {
    for (String tool : List.of("docker-registry", "htpasswd")) {
      if (which(tool) == null) {
        return tool
            + " is not installed (apt-get install "
            + (tool.equals("htpasswd") ? "apache2-utils" : tool)
            + ")";
      }
    }
    return null;
  }

  /**
   * Starts a registry with one user and the given password; retries on another port if the one
   * picked was taken in between.
   */
  static LocalRegistry start(Path dir, String password) throws Exception {
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, bcrypt(password), StandardCharsets.UTF_8);
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      Path config = dir.resolve("config-" + port + ".yml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "version: 0.1",
              "log:",
              "  level: warn",
              "storage:",
              "  filesystem:",
              "    rootdirectory: " + dir.resolve("data-" + port),
              "  delete:",
              "    enabled: true",
              "http:",
              "  addr: 127.0.0.1:" + port,
              "auth:",
              "  htpasswd:",
              "    realm: hydra-it",
              "    path: " + htpasswd,
              ""),
          StandardCharsets.UTF_8);
      Path log = dir.resolve("registry-" + port + ".log");
      Process process =
          new ProcessBuilder("docker-registry", "serve", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      LocalRegistry registry = new LocalRegistry(process, port, password, log);
      try {
        registry.awaitReady();
        return registry;
      } catch (IOException e) {
        registry.stop();
        last = e;
      }
    }
    throw new IllegalStateException("the registry did not start", last);
  }

  /** {@code 127.0.0.1:<port>}, the registry part of an image name. */
  String host() {
    return "127.0.0.1:" + port;
  }

  String password() {
    return password;
  }

  /**
   * A manifest as the registry serves it.
   *
   * @param status the HTTP status
   * @param digest the {@code Docker-Content-Digest} header, or empty
   * @param contentDigest {@code sha256:} of the body as received
   */
  record Manifest(int status, String digest, String contentDigest) {}

  /** GET {@code /v2/<name>/manifests/<reference>}, with the test user's credentials or without. */
  Manifest manifest(String name, String reference, boolean authenticated) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://" + host() + "/v2/" + name + "/manifests/" + reference))
            .timeout(Duration.ofSeconds(10))
            .header(
                "Accept",
                "application/vnd.docker.distribution.manifest.v2+json,"
                    + " application/vnd.oci.image.manifest.v1+json");
    if (authenticated) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<byte[]> response =
        HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    String body =
        "sha256:"
            + HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(response.body()));
    return new Manifest(
        response.statusCode(),
        response.headers().firstValue("Docker-Content-Digest").orElse(""),
        body);
  }

  /** Whether the registry process still runs. */
  boolean alive() {
    return process.isAlive();
  }

  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpRequest ping =
        HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "docker-registry exited " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        if (HTTP.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException("docker-registry did not answer on " + host() + " within 20 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** {@code htpasswd -niB}: one bcrypt line, the password read from stdin, never in an argv. */
  private static String bcrypt(String password) throws Exception {
    Process p = new ProcessBuilder("htpasswd", "-niB", USER).redirectErrorStream(false).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(password.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.startsWith(USER + ":$2")) {
      throw new IllegalStateException(
          "htpasswd failed: "
              + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    return out.strip() + "\n";
  }

  private static @Nullable Path which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":", -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
