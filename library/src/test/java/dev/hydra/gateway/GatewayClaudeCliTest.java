package dev.hydra.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.FakeMessagesApi;
import dev.hydra.agent.FakeMessagesApi.Reply;
import dev.hydra.agent.RealClaudeCli;
import dev.hydra.agent.RealClaudeCli.Credential;
import dev.hydra.agent.RealClaudeCli.Recording;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.TestTokens;
import dev.hydra.secret.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI from npm with its {@code ANTHROPIC_BASE_URL} at the gateway and only the
 * placeholder as its credential; the gateway's upstream is the loopback {@link FakeMessagesApi}.
 * Skipped without the CLI, failed instead with {@code HYDRA_REQUIRE_FIXTURES=1}, as in {@code
 * ClaudeCliRecordingTest}.
 */
class GatewayClaudeCliTest {

  @TempDir static Path scratch;

  static RealClaudeCli cli;
  static FakeMessagesApi api;

  final String placeholder = GatewayConfig.newPlaceholder();

  @SuppressWarnings("NullAway.Init") // set by each test before it runs the CLI
  ModelGateway gateway;

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

  @AfterEach
  void closeGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  static String apiKey() {
    return ModelGatewayTest.apiKey();
  }

  void startGateway(String... tokens) throws Exception {
    startGateway(GatewayConfig.loopback(URI.create(api.baseUrl()), placeholder), tokens);
  }

  void startGateway(GatewayConfig config, String... tokens) throws Exception {
    List<ClaudeToken> named = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      named.add(ClaudeToken.of("account-" + (i + 1), Secret.of("claude", tokens[i])));
    }
    gateway =
        ModelGateway.start(
            config,
            named,
            new ClaudeTokenPool(named.stream().map(ClaudeToken::name).toList()),
            Clock.systemUTC(),
            d -> {},
            new Random(3));
  }

  Recording run(Credential credential) throws Exception {
    api.clearRequests();
    Recording r = cli.run(gateway.baseUrl().toString(), credential, placeholder);
    TestTokens.assertNoTokenIn(r.describe());
    return r;
  }

  @Test
  void aPlainRunSucceedsWithTheRealKeyUpstreamAndOnlyThePlaceholderInTheCli() throws Exception {
    String key = apiKey();
    api.script(key, Reply.text("Hello."));
    startGateway(key);

    Recording r = run(Credential.API_KEY);

    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Completed.class);
    assertThat(api.requests()).isNotEmpty();
    assertThat(api.requests())
        .allSatisfy(
            seen -> {
              assertThat(seen.credential()).isEqualTo(key);
              assertThat(seen.path()).startsWith("/v1/messages");
              assertThat(seen.beta()).doesNotContain(ClaudeAuth.OAUTH_BETA);
            });
    assertThat(r.describe()).doesNotContain(key);
    StageUsage usage = gateway.usage();
    assertThat(usage.requests()).isEqualTo(api.requests().size());
    assertThat(usage.tokens().input()).isPositive();
    assertThat(usage.tokens().output()).isPositive();
  }

  @Test
  void anOAuthTokenGoesUpstreamAsTheCliWouldSendItWhicheverPlaceholderFormTheCliHolds()
      throws Exception {
    String oauth = ModelGatewayTest.oauthToken();
    api.script(oauth, Reply.text("Hello."));
    startGateway(oauth);

    for (Credential form : List.of(Credential.OAUTH, Credential.API_KEY)) {
      Recording r = run(form);
      assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Completed.class);
      assertThat(api.requests())
          .isNotEmpty()
          .allSatisfy(
              seen -> {
                assertThat(seen.credential()).isEqualTo(oauth);
                assertThat(seen.beta()).contains(ClaudeAuth.OAUTH_BETA);
              });
    }
  }

  @Test
  void aRateLimitOnTheSecondRequestContinuesOnTheNextAccountWithNoTurnLost() throws Exception {
    String first = apiKey();
    String second = apiKey();
    long reset = java.time.Instant.now().plusSeconds(7200).getEpochSecond();
    // The first answer calls a tool, so the CLI asks again; that second request hits the limit.
    api.script(
        first,
        Reply.toolCall(),
        Reply.error(429, "rate_limit_error", "This request would exceed your rate limit.")
            .with(
                Map.of(
                    "anthropic-ratelimit-unified-status", "rejected",
                    "anthropic-ratelimit-unified-reset", Long.toString(reset),
                    "retry-after", "7200")));
    api.script(second, Reply.text("Done."));
    startGateway(first, second);

    Recording r = run(Credential.API_KEY);

    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Completed.class);
    assertThat(((AgentOutcome.Completed) r.outcome()).turns())
        .as("the tool call and the answer: no turn repeated\n%s", r.describe())
        .isEqualTo(2);
    assertThat(api.requests())
        .extracting(FakeMessagesApi.Request::credential)
        .containsExactly(first, first, second);
    StageUsage usage = gateway.usage();
    assertThat(usage.requests()).as("the CLI asked twice").isEqualTo(2);
    assertThat(usage.calls())
        .extracting(UpstreamCall::account, UpstreamCall::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("account-1", 200),
            org.assertj.core.groups.Tuple.tuple("account-1", 429),
            org.assertj.core.groups.Tuple.tuple("account-2", 200));
  }

  @Test
  void aSpentBudgetEndsTheRunWithTheGatewaysReasonInTheCliOutput() throws Exception {
    String key = apiKey();
    api.script(key, Reply.toolCall(), Reply.text("Done."));
    startGateway(
        GatewayConfig.loopback(URI.create(api.baseUrl()), placeholder).withTokenBudget(1), key);

    Recording r = run(Credential.API_KEY);

    assertThat(r.outcome()).as(r.describe()).isInstanceOf(AgentOutcome.Failed.class);
    assertThat(r.describe()).contains("token budget is spent");
    assertThat(gateway.usage().ended()).isPresent();
    assertThat(api.requests()).hasSize(1);
  }
}
