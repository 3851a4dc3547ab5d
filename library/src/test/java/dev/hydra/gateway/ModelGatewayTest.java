package dev.hydra.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.TestTokens;
import dev.hydra.gateway.ScriptedUpstream.Answer;
import dev.hydra.gateway.ScriptedUpstream.Seen;
import dev.hydra.secret.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway over a scripted upstream: credentials, headers, streaming, rotation, budget. */
class ModelGatewayTest {

  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  static final String PLACEHOLDER = GatewayConfig.newPlaceholder();
  static final byte[] BODY =
      "{\"model\":\"claude-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
          .getBytes(StandardCharsets.UTF_8);

  static int seed = 41_000;

  static String apiKey() {
    return TestTokens.issue("sk-" + "ant-" + "api03-" + TestTokens.claude(seed++).substring(14));
  }

  static String oauthToken() {
    return TestTokens.claude(seed++);
  }

  final HttpClient client = HttpClient.newHttpClient();
  final List<Duration> waits = new ArrayList<>();
  final String key1 = apiKey();
  final String key2 = apiKey();
  ScriptedUpstream upstream;

  @SuppressWarnings("NullAway.Init") // set by start(), which every test calls first
  ClaudeTokenPool pool;

  @SuppressWarnings("NullAway.Init")
  ModelGateway gateway;

  @BeforeEach
  void upstream() throws IOException {
    upstream = new ScriptedUpstream();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    upstream.close();
  }

  ModelGateway start(GatewayConfig config, String... tokens) throws IOException {
    List<ClaudeToken> named = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      named.add(ClaudeToken.of("account-" + (i + 1), Secret.of("claude " + (i + 1), tokens[i])));
    }
    pool = new ClaudeTokenPool(named.stream().map(ClaudeToken::name).toList());
    gateway =
        ModelGateway.start(
            config, named, pool, Clock.fixed(NOW, ZoneOffset.UTC), waits::add, new Random(7));
    return gateway;
  }

  ModelGateway start(String... tokens) throws IOException {
    return start(GatewayConfig.loopback(upstream.url(), PLACEHOLDER), tokens);
  }

  HttpRequest.Builder post(String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages?beta=true"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(BODY));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> ask() throws Exception {
    return send(post("x-api-key", PLACEHOLDER, "anthropic-version", "2023-06-01"));
  }

  @Test
  void anApiKeyGoesUpstreamAsXApiKeyWithOnlyTheAllowedHeadersAndTheBodyAsSent() throws Exception {
    start(key1);
    upstream.answer(Answer.events("Hello."));
    HttpResponse<String> r =
        send(
            post(
                "x-api-key", PLACEHOLDER,
                "anthropic-version", "2023-06-01",
                "anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14",
                "x-stainless-os", "Linux",
                "x-app", "cli",
                "accept-encoding", "gzip",
                "cookie", "session=1",
                "x-forwarded-for", "10.0.0.1",
                "x-hydra-secret", "nope"));

    assertThat(r.statusCode()).isEqualTo(200);
    Seen seen = upstream.seen().get(0);
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.target()).isEqualTo("/v1/messages?beta=true");
    assertThat(seen.body()).isEqualTo(new String(BODY, StandardCharsets.UTF_8));
    assertThat(seen.header("x-api-key")).isEqualTo(key1);
    assertThat(seen.header("authorization")).isNull();
    assertThat(seen.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(seen.header("anthropic-beta"))
        .isEqualTo("claude-code-20250219,interleaved-thinking-2025-05-14");
    assertThat(seen.header("x-stainless-os")).isEqualTo("Linux");
    assertThat(seen.header("x-app")).isEqualTo("cli");
    assertThat(seen.headers())
        .doesNotContainKeys("cookie", "x-forwarded-for", "x-hydra-secret", "accept-encoding");
    assertThat(seen.headers().toString()).doesNotContain(PLACEHOLDER);
  }

  @Test
  void anOAuthTokenGoesAsABearerTokenWithTheOAuthBetaWhicheverFormTheClientUsed() throws Exception {
    String oauth = oauthToken();
    start(oauth);
    upstream.answer(Answer.events("a"), Answer.events("b"));
    send(
        post(
            "authorization", "Bearer " + PLACEHOLDER,
            "anthropic-beta", "claude-code-20250219," + ClaudeAuth.OAUTH_BETA));
    send(post("x-api-key", PLACEHOLDER, "anthropic-beta", "claude-code-20250219"));

    for (Seen seen : upstream.seen()) {
      assertThat(seen.header("authorization")).isEqualTo("Bearer " + oauth);
      assertThat(seen.header("x-api-key")).isNull();
      assertThat(seen.header("anthropic-beta"))
          .isEqualTo("claude-code-20250219," + ClaudeAuth.OAUTH_BETA);
    }
    assertThat(upstream.seen()).hasSize(2);
  }

  @Test
  void anythingButThePlaceholderIsRefusedAndNeverGoesUpstream() throws Exception {
    start(key1);
    upstream.answer(Answer.events("never"));
    assertThat(send(post("x-api-key", key1)).statusCode()).isEqualTo(401);
    assertThat(send(post("x-api-key", PLACEHOLDER + "x")).statusCode()).isEqualTo(401);
    assertThat(send(post()).statusCode()).isEqualTo(401);
    assertThat(send(post("authorization", "Basic " + PLACEHOLDER)).statusCode()).isEqualTo(401);
    HttpResponse<String> both =
        send(post("x-api-key", PLACEHOLDER, "authorization", "Bearer " + key1));
    assertThat(both.statusCode()).isEqualTo(401);
    assertThat(both.body()).contains("authentication_error").contains("placeholder");
    assertThat(upstream.seen()).isEmpty();
    assertThat(gateway.usage().requests()).isZero();
  }

  @Test
  void otherPathsAreNotFoundAndOtherMethodsNotAllowed() throws Exception {
    start(key1);
    HttpResponse<String> models =
        send(
            HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models"))
                .header("x-api-key", PLACEHOLDER)
                .GET());
    assertThat(models.statusCode()).isEqualTo(404);
    HttpResponse<String> get =
        send(
            HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", PLACEHOLDER)
                .GET());
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<String> around =
        send(
            HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages/../../admin"))
                .header("x-api-key", PLACEHOLDER)
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)));
    assertThat(around.statusCode()).isEqualTo(404);
    assertThat(upstream.seen()).isEmpty();
  }

  @Test
  void eventsStreamThroughByteForByteAsTheyComeAndTheirUsageIsCounted() throws Exception {
    start(key1);
    CountDownLatch gate = new CountDownLatch(1);
    Answer answer = Answer.events("Hello, \\u00e9 world.").gated(gate);
    upstream.answer(answer);
    HttpResponse<InputStream> r =
        client.send(
            post("x-api-key", PLACEHOLDER).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (InputStream in = r.body()) {
      byte[] first = answer.chunks().get(0);
      // The upstream holds the rest back until the gate opens: the first event must arrive alone.
      got.write(in.readNBytes(first.length));
      assertThat(got.toByteArray()).isEqualTo(first);
      gate.countDown();
      got.write(in.readAllBytes());
    }
    assertThat(got.toByteArray()).isEqualTo(answer.bytes());
    StageUsage usage = gateway.usage();
    assertThat(usage.requests()).isEqualTo(1);
    assertThat(usage.tokens()).isEqualTo(new TokenUsage(12, 5, 0, 0));
    assertThat(usage.calls()).containsExactly(new UpstreamCall("account-1", 200, usage.tokens()));
  }

  @Test
  void aJsonAnswerIsCountedToo() throws Exception {
    start(key1);
    String json =
        "{\"id\":\"m\",\"type\":\"message\",\"content\":[],\"usage\":{\"input_tokens\":7,"
            + "\"output_tokens\":3,\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":11}}";
    upstream.answer(Answer.json(200, json, Map.of()));
    HttpResponse<String> r = ask();
    assertThat(r.body()).isEqualTo(json);
    assertThat(gateway.usage().tokens()).isEqualTo(new TokenUsage(7, 3, 2, 11));
  }

  @Test
  void aRateLimitParksTheTokenUntilItsResetAndReplaysTheSameRequestOnTheNext() throws Exception {
    start(key1, key2);
    Instant unified = NOW.plus(Duration.ofHours(5));
    upstream.answer(
        Answer.error(
            429,
            "rate_limit_error",
            Map.of(
                "retry-after",
                "120",
                "anthropic-ratelimit-unified-reset",
                Long.toString(unified.getEpochSecond()))),
        Answer.events("from the second account"));

    HttpResponse<String> r = ask();

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("from the second account");
    List<Seen> seen = upstream.seen();
    assertThat(seen).extracting(Seen::credential).containsExactly(key1, key2);
    assertThat(seen.get(1).body())
        .isEqualTo(seen.get(0).body())
        .isEqualTo(new String(BODY, StandardCharsets.UTF_8));
    assertThat(pool.exhausted()).containsEntry("account-1", unified);
    StageUsage usage = gateway.usage();
    assertThat(usage.requests()).as("the client asked once").isEqualTo(1);
    assertThat(usage.calls())
        .extracting(UpstreamCall::account, UpstreamCall::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("account-1", 429),
            org.assertj.core.groups.Tuple.tuple("account-2", 200));
    assertThat(usage.callsByAccount())
        .containsExactly(Map.entry("account-1", 1), Map.entry("account-2", 1));

    upstream.answer(Answer.events("again"));
    ask();
    assertThat(upstream.seen().get(2).credential())
        .as("the parked token is skipped until it resets")
        .isEqualTo(key2);
  }

  @Test
  void requestsInParallelShareThePoolAndAreEachAnsweredAndCounted() throws Exception {
    start(key1, key2);
    upstream.answer(Answer.error(429, "rate_limit_error", Map.of("retry-after", "60")));
    for (int i = 0; i < 8; i++) {
      upstream.answer(Answer.events("parallel"));
    }
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(
          client.sendAsync(
              post("x-api-key", PLACEHOLDER).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    StageUsage usage = gateway.usage();
    assertThat(usage.requests()).isEqualTo(8);
    assertThat(usage.calls()).hasSize(9);
    assertThat(usage.calls()).extracting(UpstreamCall::status).containsOnlyOnce(429);
    assertThat(usage.tokens().total()).isEqualTo(8 * 17);
    assertThat(pool.exhausted()).containsKey("account-1");
    assertThat(upstream.seen()).hasSize(9);
  }

  @Test
  void aRefusedTokenIsQuarantinedAndTheNextServes() throws Exception {
    start(key1, key2, apiKey());
    upstream.answer(
        Answer.error(401, "authentication_error", Map.of()),
        Answer.error(403, "permission_error", Map.of()),
        Answer.events("third"));
    assertThat(ask().statusCode()).isEqualTo(200);
    assertThat(pool.quarantined()).containsOnlyKeys("account-1", "account-2");
    assertThat(pool.quarantined().get("account-1")).contains("HTTP 401 authentication_error");
    assertThat(upstream.seen()).hasSize(3);
  }

  @Test
  void anOverloadWaitsAndRetriesTheSameToken() throws Exception {
    start(key1, key2);
    upstream.answer(
        Answer.error(529, "overloaded_error", Map.of()),
        Answer.error(500, "api_error", Map.of()),
        Answer.events("ok"));
    assertThat(ask().statusCode()).isEqualTo(200);
    assertThat(upstream.seen()).extracting(Seen::credential).containsExactly(key1, key1, key1);
    assertThat(waits).hasSize(2);
    assertThat(waits.get(0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(waits.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(pool.exhausted()).isEmpty();
  }

  @Test
  void anOverloadThatStaysEndsWithTheUpstreamsLastError() throws Exception {
    start(key1);
    for (int i = 0; i < 4; i++) {
      upstream.answer(Answer.error(529, "overloaded_error", Map.of()));
    }
    HttpResponse<String> r = ask();
    assertThat(r.statusCode()).isEqualTo(529);
    assertThat(r.body()).contains("overloaded_error");
    assertThat(upstream.seen()).hasSize(4);
    assertThat(waits).hasSize(3);
  }

  @Test
  void whenEveryTokenIsSpentTheClientGetsTheLastErrorAsTheUpstreamSentIt() throws Exception {
    start(key1, key2);
    String reset = Long.toString(NOW.plus(Duration.ofHours(2)).getEpochSecond());
    Map<String, String> headers =
        Map.of(
            "anthropic-ratelimit-unified-status", "rejected",
            "anthropic-ratelimit-unified-reset", reset,
            "retry-after", "7200");
    upstream.answer(
        Answer.error(429, "rate_limit_error", headers),
        Answer.error(429, "rate_limit_error", headers));
    HttpResponse<String> r = ask();
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body())
        .isEqualTo(
            "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"scripted\"}}");
    assertThat(r.headers().firstValue("anthropic-ratelimit-unified-status")).hasValue("rejected");
    assertThat(r.headers().firstValue("anthropic-ratelimit-unified-reset")).hasValue(reset);

    HttpResponse<String> later = ask();
    assertThat(later.statusCode()).isEqualTo(429);
    assertThat(later.body()).contains("rate_limit_error").contains("rate-limited on all accounts");
    assertThat(upstream.seen()).as("nothing left to ask upstream").hasSize(2);
  }

  @Test
  void whenEveryTokenWasRefusedTheClientIsToldSoAndNothingGoesUpstream() throws Exception {
    start(key1);
    pool.quarantine("account-1", "refused: HTTP 401");
    HttpResponse<String> r = ask();
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("authentication_error").contains("account-1");
    assertThat(upstream.seen()).isEmpty();
  }

  @Test
  void anErrorThatNoOtherTokenCanFixGoesToTheClientAtOnce() throws Exception {
    start(key1, key2);
    upstream.answer(Answer.error(400, "invalid_request_error", Map.of()));
    HttpResponse<String> r = ask();
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("invalid_request_error");
    assertThat(upstream.seen()).hasSize(1);
    assertThat(pool.exhausted()).isEmpty();
    assertThat(pool.quarantined()).isEmpty();
  }

  @Test
  void aSpentBudgetEndsFurtherRequestsWithAClearReason() throws Exception {
    start(GatewayConfig.loopback(upstream.url(), PLACEHOLDER).withTokenBudget(20), key1);
    upstream.answer(Answer.events("one"), Answer.events("two"), Answer.events("three"));
    assertThat(ask().statusCode()).isEqualTo(200); // 17 tokens: under 20
    assertThat(ask().statusCode()).isEqualTo(200); // 34: this one overshoots, the next is refused
    HttpResponse<String> third = ask();

    assertThat(third.statusCode()).isEqualTo(400);
    assertThat(third.body())
        .contains("invalid_request_error")
        .contains("token budget is spent: 34 tokens used of 20");
    assertThat(upstream.seen()).hasSize(2);
    StageUsage usage = gateway.usage();
    assertThat(usage.ended()).hasValue("the stage's token budget is spent: 34 tokens used of 20");
    assertThat(usage.requests()).isEqualTo(2);
    assertThat(usage.tokens().total()).isEqualTo(34);
  }

  @Test
  void aRefusalOfALargeRequestArrivesAsAnAnswerNotAsADroppedConnection() throws Exception {
    // The CLI sends its whole conversation each time: a refusal must read it before answering, or
    // the server resets the connection and the CLI reports ECONNRESET instead of the reason.
    start(GatewayConfig.loopback(upstream.url(), PLACEHOLDER).withTokenBudget(1), key1);
    upstream.answer(Answer.events("one"));
    assertThat(ask().statusCode()).isEqualTo(200);
    byte[] large = new byte[4 << 20];
    java.util.Arrays.fill(large, (byte) ' ');
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> refused =
          send(
              HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(large))
                  .headers("x-api-key", PLACEHOLDER, "anthropic-version", "2023-06-01"));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("token budget is spent");
    }
  }

  @Test
  @SuppressWarnings("SystemOut") // slf4j-simple logs to standard error: the test reads it there
  void theRealTokenIsInNoAnswerHeaderBodyOrLogLine() throws Exception {
    start(key1, key2);
    // An upstream that echoes the credential it was sent, in a header and in its error body.
    upstream.answer(
        Answer.json(
            401,
            "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"bad key "
                + key1
                + "\"}}",
            Map.of("x-echo", key1)),
        Answer.json(
            401,
            "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"bad key "
                + key2
                + "\"}}",
            Map.of("x-echo", "Bearer " + key2, "set-cookie", "k=" + key2)));
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HttpResponse<String> r;
    try {
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      r = ask();
    } finally {
      System.setErr(err);
    }
    String logged = log.toString(StandardCharsets.UTF_8);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("bad key ***");
    assertThat(r.headers().firstValue("x-echo")).hasValue("Bearer ***");
    assertThat(r.headers().map()).doesNotContainKey("set-cookie");
    TestTokens.assertNoTokenIn(r.body() + r.headers().map());
    assertThat(logged).as("the log was captured").contains("account-1").contains("HTTP 401");
    TestTokens.assertNoTokenIn(logged);
  }

  @Test
  void anUnreachableUpstreamIsAnOverloadAndEndsWithA502() throws Exception {
    URI closed = upstream.url();
    upstream.close();
    start(
        new GatewayConfig(
            GatewayConfig.loopback(closed, PLACEHOLDER).bind(),
            closed,
            PLACEHOLDER,
            java.util.OptionalLong.empty(),
            1,
            Duration.ofMillis(1)),
        key1);
    HttpResponse<String> r = ask();
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("api_error").contains("could not be reached");
    assertThat(waits).hasSize(1);
    assertThat(gateway.usage().calls()).extracting(UpstreamCall::status).containsExactly(502, 502);
  }

  @Test
  void theConfigurationRefusesAPlainHttpUpstreamAwayFromLoopbackAndAShortPlaceholder() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(
            () -> GatewayConfig.loopback(URI.create("http://api.anthropic.com"), PLACEHOLDER))
        .withMessageContaining("https");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> GatewayConfig.loopback(GatewayConfig.ANTHROPIC, "short"));
    assertThat(GatewayConfig.newPlaceholder())
        .startsWith(GatewayConfig.PLACEHOLDER_PREFIX)
        .hasSize(GatewayConfig.PLACEHOLDER_PREFIX.length() + 32)
        .isNotEqualTo(GatewayConfig.newPlaceholder());
  }
}
