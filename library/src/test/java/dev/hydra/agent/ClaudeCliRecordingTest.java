package dev.hydra.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.FakeMessagesApi.Reply;
import dev.hydra.agent.RealClaudeCli.Credential;
import dev.hydra.agent.RealClaudeCli.Recording;
import dev.hydra.credentials.TestTokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authority on what rotation does with what Claude Code prints: each case runs the real CLI
 * from npm against a loopback fake of the Messages API that answers like the real one (status,
 * error body, unified rate-limit headers), and classifies the stream-json the CLI printed. Nothing
 * here is hand-written stream-json.
 */
class ClaudeCliRecordingTest {

  @TempDir static Path scratch;

  static RealClaudeCli cli;
  static FakeMessagesApi api;

  /** When the spent subscription window resets (2030-03-17), and the overage period later. */
  static final long RESET = 1_900_000_000L;

  static final long OVERAGE_RESET = 1_901_000_000L;

  /** The window is spent and extra usage is paying: the CLI reports status rejected, in overage. */
  static final Map<String, String> OVERAGE_PAYING =
      Map.of(
          "anthropic-ratelimit-unified-status", "rejected",
          "anthropic-ratelimit-unified-reset", Long.toString(RESET),
          "anthropic-ratelimit-unified-representative-claim", "five_hour",
          "anthropic-ratelimit-unified-overage-status", "allowed",
          "anthropic-ratelimit-unified-overage-reset", Long.toString(OVERAGE_RESET),
          "anthropic-ratelimit-unified-overage-in-use", "true");

  /** The window is spent and extra usage is off: a real account limit. */
  static final Map<String, String> WINDOW_SPENT =
      Map.of(
          "anthropic-ratelimit-unified-status", "rejected",
          "anthropic-ratelimit-unified-reset", Long.toString(RESET),
          "anthropic-ratelimit-unified-representative-claim", "five_hour",
          "anthropic-ratelimit-unified-overage-status", "rejected",
          "anthropic-ratelimit-unified-overage-disabled-reason", "out_of_credits",
          "retry-after", "7200");

  static final Reply OK = Reply.text("Hello.");
  static final Reply OVERLOADED = Reply.error(529, "overloaded_error", "Overloaded");
  static final Reply SERVER_ERROR = Reply.error(500, "api_error", "Internal server error");
  static final Reply BAD_KEY = Reply.error(401, "authentication_error", "invalid x-api-key");
  static final Reply EXPIRED =
      Reply.error(
          401,
          "authentication_error",
          "OAuth token has expired. Please obtain a new token or refresh your existing token.");
  static final Reply REVOKED =
      Reply.error(401, "authentication_error", "OAuth token has been revoked.");
  static final Reply LIMIT =
      Reply.error(
              429,
              "rate_limit_error",
              "This request would exceed your account's rate limit. Please try again later.")
          .with(WINDOW_SPENT);

  private static int seed = 11_000;

  @BeforeAll
  static void start() throws Exception {
    cli = RealClaudeCli.require(scratch);
    api = new FakeMessagesApi();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  static String oauthToken() {
    return TestTokens.claude(seed++);
  }

  static String apiKey() {
    return TestTokens.issue("sk-" + "ant-" + "api03-" + TestTokens.claude(seed++).substring(14));
  }

  /** Runs the CLI with a fresh OAuth token that gets the replies, and checks it stayed local. */
  static Recording oauth(Reply... replies) throws Exception {
    return record(Credential.OAUTH, oauthToken(), replies);
  }

  static Recording record(Credential credential, String token, Reply... replies) throws Exception {
    api.script(token, replies);
    api.clearRequests();
    Recording recording = cli.run(api, credential, token);
    assertThat(api.requests())
        .as("the CLI asks the fake API for messages only\n%s", recording.describe())
        .allSatisfy(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.path()).startsWith("/v1/messages");
            });
    TestTokens.assertNoTokenIn(recording.outcome().describe());
    return recording;
  }

  static AgentOutcome outcome(Recording recording) {
    return recording.outcome();
  }

  @Test
  void aSuccessfulRunCompletes() throws Exception {
    Recording r = oauth(OK);
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Completed.class);
    Recording key = record(Credential.API_KEY, apiKey(), OK);
    assertThat(key.outcome()).as(key.describe()).isInstanceOf(AgentOutcome.Completed.class);
  }

  @Test
  void aSpentWindowWithoutOverageIsAnAccountLimitUntilItsReset() throws Exception {
    Recording r = oauth(LIMIT);
    assertThat(r.outcome())
        .as(r.describe())
        .isEqualTo(
            new AgentOutcome.AccountLimit(
                Instant.ofEpochSecond(RESET), "api_error_status 429, rate_limit"));
  }

  @Test
  void aSpentWindowAfterASuccessfulTurnIsAnAccountLimit() throws Exception {
    Recording r = oauth(Reply.toolCall(), LIMIT);
    assertThat(api.requests()).as("a turn, then the failing request").hasSizeGreaterThan(1);
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.AccountLimit.class);
    assertThat(((AgentOutcome.AccountLimit) r.outcome()).reset())
        .contains(Instant.ofEpochSecond(RESET));
  }

  @Test
  void anApiKeyThrottledWith429IsAnAccountLimit() throws Exception {
    Reply throttled =
        Reply.error(
                429,
                "rate_limit_error",
                "Number of request tokens has exceeded your per-minute rate limit")
            .with(Map.of("retry-after", "30"));
    Recording r = record(Credential.API_KEY, apiKey(), throttled);
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.AccountLimit.class);
    // The CLI prints neither retry-after nor a rate_limit_event for a Console key: the pool parks
    // the token for ClaudeTokenPool.UNKNOWN_RESET.
    assertThat(((AgentOutcome.AccountLimit) r.outcome()).reset()).as(r.describe()).isEmpty();
  }

  @Test
  void whileOverageIsPayingEveryTurnSaysRejectedAndTheRunStillCompletes() throws Exception {
    Recording r = oauth(Reply.toolCall().with(OVERAGE_PAYING), OK.with(OVERAGE_PAYING));
    assertThat(r.lines())
        .as("the CLI reports the spent window on a successful turn")
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("\"type\":\"rate_limit_event\"")
                    .contains("\"status\":\"rejected\"")
                    .contains("\"isUsingOverage\":true"));
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Completed.class);
  }

  @Test
  void whileOverageIsPayingAnOverloadIsAnOverloadNotALimit() throws Exception {
    Recording r = oauth(Reply.toolCall().with(OVERAGE_PAYING), OVERLOADED);
    assertThat(api.requests()).as("a turn, then the failing request").hasSizeGreaterThan(1);
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Overloaded.class);
  }

  @Test
  void whileOverageIsPayingAServerErrorIsBackedOffNotALimit() throws Exception {
    Recording r = oauth(Reply.toolCall().with(OVERAGE_PAYING), SERVER_ERROR);
    assertThat(api.requests()).as("a turn, then the failing request").hasSizeGreaterThan(1);
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Overloaded.class);
  }

  @Test
  void whileOverageIsPayingARefusedTokenIsABadCredentialNotALimit() throws Exception {
    Recording r = oauth(Reply.toolCall().with(OVERAGE_PAYING), REVOKED);
    assertThat(api.requests()).as("a turn, then the failing request").hasSizeGreaterThan(1);
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.BadCredential.class);
  }

  @Test
  void whenThePaidOverageRunsOutTheLimitCounts() throws Exception {
    Recording r = oauth(Reply.toolCall().with(OVERAGE_PAYING), LIMIT);
    assertThat(api.requests()).as("a turn, then the failing request").hasSizeGreaterThan(1);
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.AccountLimit.class);
    assertThat(((AgentOutcome.AccountLimit) r.outcome()).reset())
        .contains(Instant.ofEpochSecond(RESET));
  }

  @Test
  void a429WhileOverageStillSaysPayingIsAnAccountLimit() throws Exception {
    Reply refused =
        Reply.error(429, "rate_limit_error", "Extra usage spend limit reached.")
            .with(OVERAGE_PAYING);
    Recording r = oauth(Reply.toolCall().with(OVERAGE_PAYING), refused);
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.AccountLimit.class);
  }

  @Test
  void anUnreachableApiIsBackedOffNotALimitNorARefusal() throws Exception {
    int closed;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Recording r = cli.run("http://127.0.0.1:" + closed, Credential.OAUTH, oauthToken());
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Overloaded.class);
  }

  @Test
  void overloadAndServerErrorsAreBackedOff() throws Exception {
    for (Reply reply :
        List.of(
            OVERLOADED,
            SERVER_ERROR,
            Reply.error(503, "api_error", "Service unavailable"),
            Reply.error(529, "overloaded_error", "Overloaded").with(WINDOW_SPENT))) {
      Recording r = oauth(reply);
      assertThat(r.outcome())
          .as("%s\n%s", reply, r.describe())
          .isInstanceOf(AgentOutcome.Overloaded.class);
    }
  }

  @Test
  void refusedTokensAreBadCredentials() throws Exception {
    List<Recording> refused = new ArrayList<>();
    refused.add(record(Credential.API_KEY, apiKey(), BAD_KEY));
    refused.add(oauth(EXPIRED));
    refused.add(oauth(REVOKED));
    refused.add(oauth(BAD_KEY.with(WINDOW_SPENT)));
    refused.add(
        oauth(
            Reply.error(
                403,
                "permission_error",
                "OAuth authentication is currently not allowed for this organization.")));
    for (Recording r : refused) {
      assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.BadCredential.class);
      assertThat(r.outcome().describe())
          .contains("not a rate limit")
          .contains("regenerate it with `claude setup-token`");
    }
  }

  @Test
  void notLoggedInIsABadCredential() throws Exception {
    Recording r = record(Credential.NONE, "", OK);
    assertThat(r.lines()).anySatisfy(line -> assertThat(line).contains("Not logged in"));
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.BadCredential.class);
  }

  @Test
  void aLowCreditBalanceIsABillingProblem() throws Exception {
    Recording r =
        record(
            Credential.API_KEY,
            apiKey(),
            Reply.error(
                400,
                "invalid_request_error",
                "Your credit balance is too low to access the Anthropic API. Please go to Plans &"
                    + " Billing to upgrade or purchase credits."));
    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.BillingProblem.class);
    assertThat(r.outcome().describe()).contains("billing").doesNotContain("rate limit reached");
  }

  // Rotation driven by the real CLI: each token name maps to a token the fake API knows.

  final List<Duration> slept = new ArrayList<>();
  final List<String> used = new ArrayList<>();

  TokenRotation.Result rotate(ClaudeTokenPool pool, Map<String, String> tokens) throws Exception {
    TokenRotation rotation =
        new TokenRotation(
            pool, Clock.systemUTC(), slept::add, new Random(1), 1, Duration.ofSeconds(5));
    return rotation.run(
        name -> {
          used.add(name);
          try {
            Recording r = cli.run(api, Credential.OAUTH, tokens.getOrDefault(name, ""));
            return r.outcome();
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void anOverloadWhileOverageIsPayingBacksOffOnTheSameTokenAndParksNothing() throws Exception {
    String one = oauthToken();
    String two = oauthToken();
    api.script(one, Reply.toolCall().with(OVERAGE_PAYING), OVERLOADED);
    api.script(two, OK);
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r = rotate(pool, Map.of("account-1", one, "account-2", two));
    assertThat(used).containsExactly("account-1", "account-1");
    assertThat(slept).hasSize(1);
    assertThat(r.status()).isEqualTo(TokenRotation.Status.FAILED);
    assertThat(r.message()).contains("overloaded").doesNotContain("rate-limited");
    assertThat(pool.exhausted()).isEmpty();
    assertThat(pool.quarantined()).isEmpty();
  }

  @Test
  void aRevokedTokenIsQuarantinedAndTheNextOneRuns() throws Exception {
    String one = oauthToken();
    String two = oauthToken();
    api.script(one, Reply.toolCall().with(OVERAGE_PAYING), REVOKED);
    api.script(two, OK.with(OVERAGE_PAYING));
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r = rotate(pool, Map.of("account-1", one, "account-2", two));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.COMPLETED);
    assertThat(pool.quarantined()).containsOnlyKeys("account-1");
    assertThat(pool.exhausted()).isEmpty();
  }

  @Test
  void everyTokenRefusedIsReportedAsRefusedNotAsRateLimited() throws Exception {
    String one = oauthToken();
    String two = oauthToken();
    api.script(one, EXPIRED);
    api.script(two, REVOKED);
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    TokenRotation.Result r = rotate(pool, Map.of("account-1", one, "account-2", two));
    assertThat(r.status()).isEqualTo(TokenRotation.Status.ALL_TOKENS_REFUSED);
    assertThat(r.message())
        .contains("refused")
        .contains("account-1")
        .contains("account-2")
        .contains("regenerate")
        .contains("`claude setup-token`")
        .doesNotContain("rate-limited");
    assertThat(pool.exhausted()).isEmpty();
    TestTokens.assertNoTokenIn(r.message());
  }
}
