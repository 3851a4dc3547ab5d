package dev.hydra.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hydra.agent.AgentOutcome;
import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.TokenRotation;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model gateway of one stage (SPEC §5, issue 10 item 2): the Messages API served to the stage's
 * container, which holds only a placeholder credential.
 *
 * <ul>
 *   <li>Serves {@code POST /v1/messages} (and {@code /v1/messages/count_tokens}), the only requests
 *       the Claude Code CLI makes with {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1}; any
 *       other path is a 404, another method a 405.
 *   <li>A request must carry the placeholder, as {@code x-api-key} or as a bearer token; anything
 *       else is refused with a 401, since the container never had a real token.
 *   <li>The request goes upstream with an allow-list of its headers ({@link HeaderPolicy}) and the
 *       real token in the form it needs ({@link ClaudeAuth}).
 *   <li>Rotation is per request, through {@link TokenRotation}: a 429 parks the token until the
 *       reset its headers name ({@link RateLimitReset}) and replays the same request body on the
 *       next token; a 401 or 403 quarantines the token; a 529 or 5xx waits (bounded, jittered) and
 *       retries the same token. So a limit in the middle of a stage costs no turn. When no token is
 *       left, the client gets the upstream's last error as it was (or a 429 or 401 the gateway
 *       writes when no request went upstream), and the CLI ends with its own error.
 *   <li>Answers stream through unchanged: every read is written and flushed at once, and the usage
 *       is read on the way ({@link UsageTap}) into the stage's {@link StageUsage}.
 *   <li>Once the stage's token budget is spent, further requests get a 400 {@code
 *       invalid_request_error} that says so, and {@link StageUsage#ended()} holds the reason.
 *   <li>Log lines hold account names, statuses and counts, and pass the masker of every token;
 *       headers sent back are masked; the token is in no message or exception.
 * </ul>
 */
public final class ModelGateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelGateway.class);

  static final Set<String> PATHS = Set.of("/v1/messages", "/v1/messages/count_tokens");

  /** A request body larger than this is refused (the API's own limit is 32 MB). */
  static final int MAX_REQUEST = 32 * 1024 * 1024;

  /** An error body is held for a possible answer to the client, up to this size. */
  static final int MAX_ERROR = 1024 * 1024;

  private final GatewayConfig config;
  private final Map<String, Secret> tokens;
  private final SecretMasker masker;
  private final TokenRotation rotation;
  private final Clock clock;
  private final UsageLedger ledger;
  private final HttpClient client;
  private final ExecutorService workers;
  private final HttpServer server;
  private final AtomicInteger requestNumbers = new AtomicInteger();

  private ModelGateway(
      GatewayConfig config, Map<String, Secret> tokens, TokenRotation rotation, Clock clock)
      throws IOException {
    this.config = config;
    this.tokens = Map.copyOf(tokens);
    this.masker = SecretMasker.of(tokens.values());
    this.clock = clock;
    this.rotation = rotation;
    this.ledger = new UsageLedger(config.tokenBudget());
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "hydra-model-gateway");
              t.setDaemon(true);
              return t;
            });
    this.server = HttpServer.create(config.bind(), 0);
    server.createContext("/", this::handle);
    server.setExecutor(workers);
    server.start();
  }

  /**
   * Starts a gateway.
   *
   * @param config where it listens, its upstream, placeholder and budget
   * @param tokens the real tokens, named; the pool's accounts must be among them
   * @param pool the accounts in rotation order, with what is known about them (for example loaded
   *     by {@link dev.hydra.agent.TokenPoolState}); shared with other stages as the runner likes
   * @param clock the clock
   * @param sleeper how to wait between overload retries
   * @param jitter draws the overload waits; a seeded one in tests
   * @return the running gateway
   * @throws IOException when it cannot listen on the address
   */
  public static ModelGateway start(
      GatewayConfig config,
      List<ClaudeToken> tokens,
      ClaudeTokenPool pool,
      Clock clock,
      TokenRotation.Sleeper sleeper,
      RandomGenerator jitter)
      throws IOException {
    Map<String, Secret> byName = new LinkedHashMap<>();
    tokens.forEach(t -> byName.put(t.name(), t.token()));
    if (!byName.keySet().containsAll(pool.names())) {
      throw new IllegalArgumentException(
          "every account of the token pool needs its token: " + pool.names());
    }
    TokenRotation rotation =
        new TokenRotation(
            pool, clock, sleeper, jitter, config.maxOverloadRetries(), config.overloadBackoff());
    return new ModelGateway(config, byName, rotation, clock);
  }

  /** The URL for the container's {@code ANTHROPIC_BASE_URL}. */
  public URI baseUrl() {
    InetAddress address = server.getAddress().getAddress();
    String host = address.getHostAddress();
    return URI.create(
        "http://"
            + (address instanceof Inet6Address ? "[" + host + "]" : host)
            + ":"
            + server.getAddress().getPort());
  }

  /** What the stage used so far. */
  public StageUsage usage() {
    return ledger.snapshot();
  }

  /** Stops listening at once; requests in flight end. */
  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      serve(exchange);
    } catch (IOException e) {
      log("the client's connection failed: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error(masker.mask("the model gateway failed on a request: " + e));
    }
  }

  private void serve(HttpExchange exchange) throws IOException, InterruptedException {
    // Read the request before any answer, refusals included: an answer sent over an unread body
    // lets the server reset the connection, and the CLI then reports a dropped connection
    // (ECONNRESET) instead of the refusal's reason.
    byte[] body = readRequest(exchange.getRequestBody());
    String path = exchange.getRequestURI().getPath();
    if (!PATHS.contains(path)) {
      answer(exchange, 404, "not_found_error", "Hydra's model gateway serves /v1/messages only");
      return;
    }
    if (!exchange.getRequestMethod().equals("POST")) {
      answer(exchange, 405, "invalid_request_error", "only POST is served");
      return;
    }
    if (!carriesPlaceholder(exchange.getRequestHeaders())) {
      log("refused a request without the stage's placeholder credential");
      answer(
          exchange,
          401,
          "authentication_error",
          "Hydra's model gateway accepts only the placeholder credential it gave this stage");
      return;
    }
    Optional<String> over = ledger.overBudget();
    if (over.isPresent()) {
      log("refused a request: " + over.get());
      answer(exchange, 400, "invalid_request_error", "Hydra: " + over.get());
      return;
    }
    if (body == null) {
      answer(exchange, 413, "request_too_large", "the request is larger than 32 MB");
      return;
    }
    ledger.request();
    Forwarding forwarding = new Forwarding(exchange, body, requestNumbers.incrementAndGet());
    TokenRotation.Result result = rotation.run(forwarding::attempt);
    if (!forwarding.answered) {
      forwarding.answerWithoutToken(result);
    }
  }

  // The placeholder in either form the CLI sends a credential; compared in constant time.
  private boolean carriesPlaceholder(Map<String, List<String>> headers) {
    byte[] expected = config.placeholder().getBytes(StandardCharsets.UTF_8);
    List<String> keys = HeaderPolicy.values(headers, "x-api-key");
    List<String> auth = HeaderPolicy.values(headers, "authorization");
    String presented;
    if (keys.size() == 1 && auth.isEmpty()) {
      presented = keys.get(0);
    } else if (auth.size() == 1 && keys.isEmpty() && auth.get(0).startsWith("Bearer ")) {
      presented = auth.get(0).substring("Bearer ".length());
    } else {
      return false;
    }
    return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
  }

  private static byte @Nullable [] readRequest(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_REQUEST + 1);
    return body.length > MAX_REQUEST ? null : body;
  }

  private static byte[] readError(InputStream in) throws IOException {
    try (in) {
      return in.readNBytes(MAX_ERROR);
    }
  }

  private void answer(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    send(exchange, status, Map.of(), UpstreamErrors.body(type, message));
  }

  private static void send(
      HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().putAll(headers);
    if (exchange.getResponseHeaders().getFirst("content-type") == null) {
      exchange.getResponseHeaders().set("content-type", "application/json");
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void log(String line) {
    LOG.info(masker.mask(line));
  }

  /** One client request and its way through the rotation. */
  private final class Forwarding {
    private final HttpExchange exchange;
    private final byte[] body;
    private final int number;
    private boolean answered;
    private int heldStatus;
    private Map<String, List<String>> heldHeaders = Map.of();
    private byte[] heldBody = new byte[0];

    Forwarding(HttpExchange exchange, byte[] body, int number) {
      this.exchange = exchange;
      this.body = body;
      this.number = number;
    }

    // One upstream request with the named token. An error that rotation handles is held, not
    // sent: the same body goes to the next token, and the client sees only the final answer.
    AgentOutcome attempt(String account) throws InterruptedException {
      Secret token = tokens.get(account);
      if (token == null) {
        throw new IllegalStateException("no token for account " + account);
      }
      HttpResponse<InputStream> response;
      try {
        response = client.send(request(token), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        ledger.call(new UpstreamCall(account, 502, TokenUsage.ZERO));
        String why = "the upstream could not be reached (" + e.getClass().getSimpleName() + ")";
        hold(502, Map.of(), UpstreamErrors.body("api_error", why));
        log("model request " + number + " on " + account + ": " + why);
        return new AgentOutcome.Overloaded(why);
      }
      int status = response.statusCode();
      Map<String, List<String>> headers = response.headers().map();
      try {
        if (status < 400) {
          relay(response, account);
          return new AgentOutcome.Completed(0, 0);
        }
        byte[] error = readError(response.body());
        ledger.call(new UpstreamCall(account, status, TokenUsage.ZERO));
        Optional<AgentOutcome> rotate =
            UpstreamErrors.outcome(status, error, RateLimitReset.of(headers, clock.instant()));
        logCall(account, status, rotate.map(o -> ", " + o.describe()).orElse(""));
        if (rotate.isPresent()) {
          hold(status, headers, error);
          return rotate.get();
        }
        answered = true;
        send(exchange, status, HeaderPolicy.toClient(headers, masker), masked(error));
        return new AgentOutcome.Failed("HTTP " + status);
      } catch (IOException e) {
        answered = true; // the answer was under way: nothing can be replayed to this client
        log(
            "model request "
                + number
                + ": the answer broke off ("
                + e.getClass().getSimpleName()
                + ")");
        return new AgentOutcome.Failed("the answer broke off");
      }
    }

    private HttpRequest request(Secret token) {
      URI target =
          URI.create(
              config.upstream().toString().replaceAll("/+$", "")
                  + exchange.getRequestURI().getRawPath()
                  + (exchange.getRequestURI().getRawQuery() == null
                      ? ""
                      : "?" + exchange.getRequestURI().getRawQuery()));
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(target)
              .timeout(Duration.ofMinutes(10))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      Map<String, List<String>> clientHeaders = exchange.getRequestHeaders();
      HeaderPolicy.upstream(clientHeaders)
          .forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
      ClaudeAuth.headers(token, HeaderPolicy.values(clientHeaders, "anthropic-beta"))
          .forEach(builder::setHeader);
      return builder.build();
    }

    private void relay(HttpResponse<InputStream> response, String account) throws IOException {
      Map<String, List<String>> headers = response.headers().map();
      boolean events =
          response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream");
      UsageTap tap = new UsageTap(events);
      answered = true;
      exchange.getResponseHeaders().putAll(HeaderPolicy.toClient(headers, masker));
      exchange.sendResponseHeaders(response.statusCode(), 0);
      boolean counted = false;
      try (InputStream in = response.body();
          OutputStream out = exchange.getResponseBody()) {
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          out.write(buffer, 0, n);
          out.flush();
          tap.accept(buffer, 0, n);
        }
        // Counted before the answer is closed, so a client that has read it sees it counted.
        counted = count(account, response.statusCode(), tap);
      } finally {
        if (!counted) {
          count(account, response.statusCode(), tap);
        }
      }
    }

    private boolean count(String account, int status, UsageTap tap) {
      TokenUsage usage = tap.usage();
      ledger.call(new UpstreamCall(account, status, usage));
      logCall(
          account,
          status,
          ", " + usage.input() + " input and " + usage.output() + " output tokens");
      return true;
    }

    /** One log line per upstream call: the request, the account, the status and what followed. */
    private void logCall(String account, int status, String after) {
      log("model request " + number + " on " + account + ": HTTP " + status + after);
    }

    private void hold(int status, Map<String, List<String>> headers, byte[] error) {
      heldStatus = status;
      heldHeaders = headers;
      heldBody = error;
    }

    // Rotation ended without an answer sent: the last upstream error as it was, or, when no
    // request went upstream, an error in the API's shape that says why.
    void answerWithoutToken(TokenRotation.Result result) throws IOException {
      answered = true;
      log("model request " + number + ": " + result.message());
      if (heldStatus != 0) {
        send(exchange, heldStatus, HeaderPolicy.toClient(heldHeaders, masker), masked(heldBody));
      } else if (result.status() == TokenRotation.Status.ALL_TOKENS_REFUSED) {
        answer(exchange, 401, "authentication_error", "Hydra: " + Texts.oneLine(result.message()));
      } else {
        answer(exchange, 429, "rate_limit_error", "Hydra: " + Texts.oneLine(result.message()));
      }
    }

    private byte[] masked(byte[] error) {
      String text = new String(error, StandardCharsets.UTF_8);
      String masked = masker.maskDecoded(text);
      return masked.equals(text) ? error : masked.getBytes(StandardCharsets.UTF_8);
    }
  }
}
