package dev.hydra.workspace;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hydra.secret.Secret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A real git remote for tests: git's own {@code git http-backend} (CGI) behind the JDK's {@code
 * HttpServer} on a loopback port, one process per request, bare repositories in a folder. HTTP
 * Basic authentication with a token per user and rights per user (read, or read and push = {@code
 * receive-pack}); anonymous requests and wrong tokens get 401 with {@code WWW-Authenticate}, a
 * read-only user pushing gets 403. Every request is recorded (user, service, whether it carried an
 * {@code Authorization} header, the ref updates of a push), so tests assert who pushed what.
 */
public final class GitHttpRemote implements AutoCloseable {

  private static final String BACKEND = "/usr/lib/git-core/git-http-backend";
  private static final PersonIdent SEEDER =
      new PersonIdent(
          "Seeder", "seeder@example.test", java.time.Instant.EPOCH, java.time.ZoneOffset.UTC);

  /** One request as the remote saw it; {@code user} is null when anonymous or refused. */
  public record Request(
      @Nullable String user,
      String method,
      String path,
      String service,
      boolean hadAuthorization,
      int status,
      List<String> refUpdates) {}

  private record Account(String token, boolean push) {}

  private final Path repos;
  private final HttpServer server;
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private GitHttpRemote(Path repos) throws IOException {
    this.repos = repos;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  /** Starts a remote serving the bare repositories under the folder. */
  public static GitHttpRemote start(Path repos) throws IOException {
    Files.createDirectories(repos);
    return new GitHttpRemote(repos);
  }

  /** Adds a user with a token; {@code push} grants receive-pack. */
  public GitHttpRemote user(String name, String token, boolean push) {
    accounts.put(name, new Account(token, push));
    return this;
  }

  /** The HTTP URL of a repository, {@code http://127.0.0.1:<port>/<name>.git}. */
  public URI url(String name) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + ".git");
  }

  /** A {@link GitRemote} for a repository as one of the users. */
  public GitRemote remote(String name, String user) {
    Account account = java.util.Objects.requireNonNull(accounts.get(user), user);
    return new GitRemote(url(name), user, Secret.of("test." + user, account.token()));
  }

  /** The requests so far, oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The pushes (receive-pack POSTs that were let through), oldest first. */
  public List<Request> pushes() {
    return requests.stream()
        .filter(r -> r.method().equals("POST") && r.service().equals("git-receive-pack"))
        .filter(r -> r.status() == 200)
        .toList();
  }

  /** The bare repository's folder. */
  public Path repository(String name) {
    return repos.resolve(name + ".git");
  }

  /**
   * Creates a bare repository with one commit on {@code main} ({@code README.md}) and a second
   * branch {@code feature} one commit further ({@code feature.txt}).
   */
  public GitHttpRemote seed(String name) throws IOException {
    try (Repository repo = FileRepositoryBuilder.create(repository(name).toFile())) {
      repo.create(true);
      repo.updateRef(Constants.HEAD).link("refs/heads/main");
    }
    ObjectId main = commit(name, "main", Map.of("README.md", "hello\n"), "initial");
    try (Repository repo = open(name)) {
      RefUpdate feature = repo.updateRef("refs/heads/feature");
      feature.setNewObjectId(main);
      feature.update();
    }
    commit(name, "feature", Map.of("feature.txt", "feature\n"), "feature");
    return this;
  }

  /**
   * Adds a commit on a branch of a bare repository (created from nothing when absent), keeping the
   * files of its parent and writing the given ones (paths may have folders).
   *
   * @return the new commit
   */
  public ObjectId commit(String name, String branch, Map<String, String> files, String message)
      throws IOException {
    try (Repository repo = open(name);
        ObjectInserter inserter = repo.newObjectInserter()) {
      Ref ref = repo.exactRef("refs/heads/" + branch);
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      if (ref != null) {
        builder.addTree(
            new byte[0], 0, repo.newObjectReader(), repo.parseCommit(ref.getObjectId()).getTree());
      }
      builder.finish();
      DirCacheEditor editor = index.editor();
      for (Map.Entry<String, String> file : files.entrySet()) {
        ObjectId blob =
            inserter.insert(Constants.OBJ_BLOB, file.getValue().getBytes(StandardCharsets.UTF_8));
        editor.add(
            new DirCacheEditor.PathEdit(file.getKey()) {
              @Override
              public void apply(DirCacheEntry entry) {
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(blob);
              }
            });
      }
      editor.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(inserter));
      commit.setAuthor(SEEDER);
      commit.setCommitter(SEEDER);
      commit.setMessage(message);
      if (ref != null) {
        commit.setParentId(ref.getObjectId());
      }
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repo.updateRef("refs/heads/" + branch);
      update.setNewObjectId(id);
      update.setForceUpdate(true);
      update.update();
      return id;
    }
  }

  /** The commit a branch of a bare repository points at, or null. */
  public @Nullable String head(String name, String branch) throws IOException {
    try (Repository repo = open(name)) {
      Ref ref = repo.exactRef("refs/heads/" + branch);
      return ref == null ? null : ref.getObjectId().name();
    }
  }

  /** The commit a branch of a bare repository points at; the branch must exist. */
  public String tip(String name, String branch) throws IOException {
    return java.util.Objects.requireNonNull(head(name, branch), branch);
  }

  /** Opens a bare repository (the caller closes it). */
  public Repository open(String name) throws IOException {
    return FileRepositoryBuilder.create(repository(name).toFile());
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String service = service(path, query);
      String header = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] body = body(exchange);
      String user = authenticate(header);
      if (user == null) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"hydra-test\"");
        answer(exchange, 401, "authentication required\n");
        record(null, exchange, path, service, header, 401, body);
        return;
      }
      if (service.equals("git-receive-pack")
          && !java.util.Objects.requireNonNull(accounts.get(user)).push()) {
        answer(exchange, 403, user + " may not push\n");
        record(user, exchange, path, service, header, 403, body);
        return;
      }
      int status = runBackend(exchange, path, query, user, body);
      record(user, exchange, path, service, header, status, body);
    }
  }

  private void record(
      @Nullable String user,
      HttpExchange exchange,
      String path,
      String service,
      @Nullable String header,
      int status,
      byte[] body) {
    List<String> updates =
        exchange.getRequestMethod().equals("POST") && service.equals("git-receive-pack")
            ? refUpdates(body)
            : List.of();
    requests.add(
        new Request(
            user, exchange.getRequestMethod(), path, service, header != null, status, updates));
  }

  private @Nullable String authenticate(@Nullable String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded =
        new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String name = decoded.substring(0, colon);
    byte[] given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
    Account account = accounts.get(name);
    if (account != null) {
      return MessageDigest.isEqual(account.token().getBytes(StandardCharsets.UTF_8), given)
          ? name
          : null;
    }
    // Any other user name (`x-access-token` on GitHub, anything on Forgejo, whose basic auth takes
    // a password that is an access token as that token): the token alone names the account.
    for (var entry : accounts.entrySet()) {
      if (MessageDigest.isEqual(entry.getValue().token().getBytes(StandardCharsets.UTF_8), given)) {
        return entry.getKey();
      }
    }
    return null;
  }

  private static String service(String path, @Nullable String query) {
    if (query != null && query.startsWith("service=")) {
      return query.substring("service=".length());
    }
    int slash = path.lastIndexOf('/');
    return path.substring(slash + 1);
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
      in = new GZIPInputStream(in);
    }
    return in.readAllBytes();
  }

  private int runBackend(
      HttpExchange exchange, String path, @Nullable String query, String user, byte[] body)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("GIT_PROJECT_ROOT", repos.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("PATH_INFO", path);
    env.put("QUERY_STRING", query == null ? "" : query);
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("REMOTE_USER", user);
    env.put("REMOTE_ADDR", "127.0.0.1");
    env.put("CONTENT_LENGTH", Integer.toString(body.length));
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      env.put("CONTENT_TYPE", type);
    }
    String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
    if (protocol != null) {
      env.put("GIT_PROTOCOL", protocol);
    }
    env.put("HOME", repos.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setStreamHandler(new PumpStreamHandler(out, err, new ByteArrayInputStream(body)));
    executor.setWatchdog(
        ExecuteWatchdog.builder().setTimeout(java.time.Duration.ofMinutes(1)).get());
    executor.setExitValues(null);
    executor.execute(CommandLine.parse(BACKEND), env);
    return relay(exchange, out.toByteArray());
  }

  /** Sends the CGI's answer: its header lines, then its body. */
  private static int relay(HttpExchange exchange, byte[] cgi) throws IOException {
    int end = indexOf(cgi, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    int skip = 4;
    if (end < 0) {
      end = indexOf(cgi, "\n\n".getBytes(StandardCharsets.US_ASCII));
      skip = 2;
    }
    if (end < 0) {
      answer(exchange, 502, "the backend sent no headers\n");
      return 502;
    }
    int status = 200;
    for (String line : new String(cgi, 0, end, StandardCharsets.ISO_8859_1).lines().toList()) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.substring(0, 3));
      } else {
        exchange.getResponseHeaders().add(name, value);
      }
    }
    int length = cgi.length - end - skip;
    exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    try (OutputStream body = exchange.getResponseBody()) {
      body.write(cgi, end + skip, length);
    }
    return status;
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** The {@code old new ref} commands at the start of a receive-pack request. */
  static List<String> refUpdates(byte[] body) {
    List<String> updates = new ArrayList<>();
    int at = 0;
    while (at + 4 <= body.length) {
      int length;
      try {
        length = Integer.parseInt(new String(body, at, 4, StandardCharsets.US_ASCII), 16);
      } catch (NumberFormatException e) {
        break;
      }
      if (length == 0 || length < 4 || at + length > body.length) {
        break;
      }
      String line = new String(body, at + 4, length - 4, StandardCharsets.UTF_8);
      int nul = line.indexOf('\0');
      updates.add((nul >= 0 ? line.substring(0, nul) : line).trim());
      at += length;
    }
    return updates;
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
