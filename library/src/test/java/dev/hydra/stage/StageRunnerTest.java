package dev.hydra.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.FakeMessagesApi;
import dev.hydra.agent.FakeMessagesApi.Reply;
import dev.hydra.agent.TokenPoolState;
import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerSpec;
import dev.hydra.container.FakeContainerRuntime;
import dev.hydra.container.Mount;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.gateway.GatewayConfig;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.pipeline.RunRecord;
import dev.hydra.secret.Secret;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.verdict.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every branch of {@link StageRunner}, against a hand-written fake container runtime whose
 * containers play the agent: they call the stage's real {@link dev.hydra.gateway.ModelGateway} (on
 * loopback: the fake network's gateway) with the placeholder the spec carries, and the gateway
 * forwards to a {@link FakeMessagesApi} scripted per real token.
 */
class StageRunnerTest {

  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
  static final String TS = "2026-11-22T08:00:00.000Z ";
  static final ImageRef IMAGE = ImageRef.parse("localhost/hydra-reviewer:test");
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final List<Duration> slept = new ArrayList<>();
  final List<String> log = Collections.synchronizedList(new ArrayList<>());

  final String git = TestTokens.special(41);
  final String builderGit = TestTokens.github(42);
  final ClaudeToken account1 =
      ClaudeToken.of("account-1", Secret.of("HYDRA_CLAUDE_TOKEN_1", TestTokens.claude(43)));
  final ClaudeToken account2 =
      ClaudeToken.of("account-2", Secret.of("HYDRA_CLAUDE_TOKEN_2", TestTokens.claude(44)));
  final Credentials credentials =
      Credentials.of(
          List.of(account1, account2),
          Map.of(
              Persona.REVIEWER,
              Secret.of("git_tokens.reviewer", git),
              Persona.BUILDER,
              Secret.of("git_tokens.builder", builderGit)));

  @TempDir Path dir;

  /** The upstream the stage's gateway forwards to; each real token has its script. */
  final FakeMessagesApi upstream = newUpstream();

  /** What the one container of a run does; by default it prints nothing and exits 1. */
  FakeContainerRuntime.Container container = FakeContainerRuntime.printing(List.of(), 1);

  final FakeContainerRuntime runtime = new FakeContainerRuntime(spec -> container);

  /** The HTTP statuses the fake agent saw from the gateway, in order. */
  final List<Integer> seen = Collections.synchronizedList(new ArrayList<>());

  static FakeMessagesApi newUpstream() {
    try {
      return new FakeMessagesApi();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stopUpstream() {
    upstream.close();
  }

  /** Lines of a recorded stream-json fixture shared with the agent tests. */
  static List<String> fixture(String name) {
    try (InputStream in = StageRunnerTest.class.getResourceAsStream("/dev/hydra/agent/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String verdict(String stage, String outcome, String summary) {
    return "HYDRA-VERDICT {\"schema\":1,\"stage\":\""
        + stage
        + "\",\"outcome\":\""
        + outcome
        + "\",\"summary\":\""
        + summary
        + "\",\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],\"turns\":12,\"cost_usd\":0.42}";
  }

  static List<String> concat(List<String> a, String... more) {
    return Stream.concat(a.stream(), Stream.of(more)).toList();
  }

  static FakeContainerRuntime.Container passing() {
    return FakeContainerRuntime.printing(
        concat(fixture("success.jsonl"), verdict("code-review", "pass", "no findings")), 0);
  }

  /**
   * A container whose agent makes {@code requests} model requests through the gateway the spec
   * names, with the placeholder it carries, one after the other (each a turn), and then prints the
   * lines and exits with the code.
   */
  FakeContainerRuntime.Container agent(int requests, List<String> lines, int exitCode) {
    return (spec, out, err) -> {
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < requests; i++) {
        try {
          HttpResponse<String> response =
              client.send(
                  HttpRequest.newBuilder(
                          URI.create(spec.env().get("ANTHROPIC_BASE_URL") + "/v1/messages"))
                      .header("x-api-key", spec.env().get("ANTHROPIC_API_KEY"))
                      .header("content-type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"model\":\"claude-test\",\"max_tokens\":8,\"messages\":[]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          seen.add(response.statusCode());
        } catch (IOException e) {
          throw new IllegalStateException("the gateway could not be reached", e);
        }
      }
      lines.forEach(out);
      return new ContainerResult(exitCode, false, Duration.ofMillis(10));
    };
  }

  StageRequest request(Stage stage) {
    return request(StageProfile.defaults(stage));
  }

  StageRequest request(StageProfile profile) {
    return new StageRequest(
        profile,
        IMAGE,
        "https://github.com/acme/app",
        "https://github.com/acme/app/issues/7",
        "https://github.com/acme/app/pull/9",
        "review",
        credentials);
  }

  StageRequest review() {
    return request(Stage.CODE_REVIEW);
  }

  StageMounts mounts() {
    return mounts(Map.of());
  }

  StageMounts mounts(Map<String, String> env) {
    try {
      Path workspace = Files.createDirectories(dir.resolve("workspace"));
      Path input = Files.createDirectories(dir.resolve("input"));
      return new StageMounts(workspace, input, env);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  StageRunner runner() {
    return runner(false);
  }

  StageRunner runner(boolean actions) {
    return new StageRunner(
        runtime,
        clock,
        slept::add,
        new Random(42),
        log::add,
        StageRunner.Options.defaults()
            .withActions(actions)
            .withModelUpstream(URI.create(upstream.baseUrl())));
  }

  StageResult run(StageRequest request) throws InterruptedException {
    return run(request, runner());
  }

  StageResult run(StageRequest request, StageRunner runner) throws InterruptedException {
    return runner.run(request, mounts());
  }

  ClaudeTokenPool pool() {
    return new ClaudeTokenPool(List.of("account-1", "account-2"));
  }

  @Nested
  class TheContainer {

    @Test
    void isHardenedMountsTheFoldersAndHoldsNoSecret() throws Exception {
      container = passing();
      StageMounts mounts =
          mounts(Map.of("HYDRA_BRANCH", "hydra/7-add-health", "HYDRA_BASE_SHA", SHA));
      StageResult result = runner().run(review(), mounts);

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(runtime.calls).hasSize(3).startsWith("sweep", "network hydra-net");
      ContainerSpec spec = runtime.runs.get(0);
      assertThat(spec.image()).isEqualTo("localhost/hydra-reviewer:test");
      assertThat(spec.name()).matches("hydra-code-review-7-[0-9a-f]{8}");
      assertThat(spec.network()).isEqualTo("hydra-net");
      assertThat(spec.cpus()).isEqualTo(2);
      assertThat(spec.memoryBytes()).isEqualTo(4L << 30);
      assertThat(spec.pidsLimit()).isEqualTo(1024);
      assertThat(spec.tmpBytes()).isEqualTo(512L << 20);
      assertThat(spec.capAdd())
          .containsExactlyInAnyOrder("NET_ADMIN", "SETUID", "SETGID", "SETPCAP");
      assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(20));
      String placeholder = spec.env().get("ANTHROPIC_API_KEY");
      assertThat(placeholder).startsWith(GatewayConfig.PLACEHOLDER_PREFIX).hasSizeGreaterThan(40);
      assertThat(spec.env().get("ANTHROPIC_BASE_URL")).matches("http://127\\.0\\.0\\.1:[0-9]+");
      assertThat(spec.env())
          .containsExactlyInAnyOrderEntriesOf(
              Map.ofEntries(
                  Map.entry("HYDRA_STAGE", "code-review"),
                  Map.entry("HYDRA_MODE", "review"),
                  Map.entry("HYDRA_MODEL", "sonnet"),
                  Map.entry("HYDRA_FALLBACK_MODEL", "opus"),
                  Map.entry("HYDRA_BRANCH", "hydra/7-add-health"),
                  Map.entry("HYDRA_BASE_SHA", SHA),
                  Map.entry("HYDRA_INPUT", "/input"),
                  Map.entry("REPO_URL", "https://github.com/acme/app"),
                  Map.entry("ISSUE_URL", "https://github.com/acme/app/issues/7"),
                  Map.entry("PR_URL", "https://github.com/acme/app/pull/9"),
                  Map.entry("ANTHROPIC_BASE_URL", spec.env().get("ANTHROPIC_BASE_URL")),
                  Map.entry("ANTHROPIC_API_KEY", placeholder),
                  Map.entry("HYDRA_EGRESS_PINNED", "1")));
      assertThat(spec.mounts())
          .containsExactly(
              new Mount(mounts.workspace(), "/workspace", false),
              new Mount(mounts.input(), "/input", true));
      assertThat(spec.labels())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "hydra.stage", "code-review",
                  "hydra.repo", "github.com/acme/app",
                  "hydra.issue", "7"));
      // No token of any persona or account, in any form the masker knows.
      TestTokens.assertNoTokenIn(spec.toString() + spec.env());
      for (Secret secret : credentials.secrets()) {
        assertThat(dev.hydra.secret.SecretMasker.of(List.of(secret)).mask(spec.env().toString()))
            .isEqualTo(spec.env().toString());
      }
    }

    @Test
    void eachStageGetsAFreshPlaceholderAndItsOwnLimits() throws Exception {
      container = FakeContainerRuntime.printing(fixture("success.jsonl"), 0);
      run(request(Stage.BUILD));
      run(review());

      ContainerSpec build = runtime.runs.get(0);
      assertThat(build.name()).startsWith("hydra-build-7-");
      assertThat(build.cpus()).isEqualTo(4);
      assertThat(build.memoryBytes()).isEqualTo(8L << 30);
      assertThat(build.timeout()).isEqualTo(Duration.ofMinutes(35));
      assertThat(build.env())
          .doesNotContainKey("SPEC_PATH")
          .containsEntry("HYDRA_FALLBACK_MODEL", "haiku");
      assertThat(build.env().get("ANTHROPIC_API_KEY"))
          .isNotEqualTo(runtime.runs.get(1).env().get("ANTHROPIC_API_KEY"));
    }

    @Test
    void theMountsAcceptOnlyTheContractsVariables() {
      assertThat(mounts(Map.of("SPEC_PATH", "/input/spec")).env())
          .containsEntry("SPEC_PATH", "/input/spec");
      for (Map<String, String> bad :
          List.of(
              Map.of("GIT_TOKEN", "x"),
              Map.of("ANTHROPIC_API_KEY", "x"),
              Map.of("HYDRA_BASE_SHA", "abc"),
              Map.of("SPEC_PATH", "/etc"),
              Map.of("HYDRA_BRANCH", "-x"),
              Map.of("HYDRA_BRANCH", "a/../b"))) {
        assertThatThrownBy(() -> mounts(bad)).isInstanceOf(IllegalArgumentException.class);
      }
    }

    @Test
    void containersPastTheirDeadlineAreSweptFirstAndSaidSo() throws Exception {
      runtime.sweeping(List.of("hydra-build-3-0badc0de"));
      container = passing();
      run(review());
      assertThat(runtime.calls.get(0)).isEqualTo("sweep");
      assertThat(log)
          .anyMatch(
              l -> l.contains("removed containers past their deadline: hydra-build-3-0badc0de"));
    }

    @Test
    void aFolderThatIsNotADirectoryIsRefused() {
      StageMounts missing = StageMounts.of(dir.resolve("nope"), dir);
      assertThatThrownBy(() -> runner().run(review(), missing))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("workspace folder")
          .hasMessageContaining("is not a directory");
      assertThat(runtime.calls).isEmpty();
    }

    @Test
    void temporaryMountsAreEmptyPrivateWorldWritableFoldersDeletedAfterwards() throws Exception {
      Path root;
      try (TemporaryMounts temporary = TemporaryMounts.create(Map.of())) {
        StageMounts m = temporary.mounts();
        root = m.workspace().getParent();
        assertThat(m.input().getParent()).isEqualTo(root);
        assertThat(Files.getPosixFilePermissions(root))
            .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(m.workspace()))
            .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createDirectories(m.workspace().resolve("out"));
        Files.writeString(m.workspace().resolve("out/changes.bundle"), "x");
      }
      assertThat(root).doesNotExist();
    }
  }

  @Nested
  class Plans {

    @Test
    void thePlanIsTheContainerWithoutRunningAnythingAndWithoutASecret() {
      StagePlan plan = runner().plan(review(), mounts());

      assertThat(runtime.calls).containsExactly("plan " + plan.container());
      assertThat(plan.container()).matches("hydra-code-review-7-[0-9a-f]{8}");
      assertThat(plan.image()).isEqualTo(IMAGE);
      assertThat(plan.command())
          .containsExactly("fake-run", plan.container(), "localhost/hydra-reviewer:test");
      assertThat(plan.environment())
          .containsEntry("HYDRA_STAGE", "code-review")
          .containsEntry("PR_URL", "https://github.com/acme/app/pull/9")
          .containsEntry("ANTHROPIC_BASE_URL", "http://<gateway of hydra-net>:<port>")
          .doesNotContainKeys("GIT_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN");
      assertThat(plan.environment().get("ANTHROPIC_API_KEY"))
          .startsWith(GatewayConfig.PLACEHOLDER_PREFIX);
      TestTokens.assertNoTokenIn(plan.toString());
      assertThat(log).isEmpty();
    }

    @Test
    void aSecretARuntimePutsInItsPlanIsMaskedInEveryForm() {
      String b64 = Base64.getEncoder().encodeToString(git.getBytes(StandardCharsets.UTF_8));
      dev.hydra.container.ContainerRuntime leaky =
          new dev.hydra.container.ContainerRuntime() {
            @Override
            public ContainerResult run(
                ContainerSpec spec,
                java.util.function.Consumer<String> stdout,
                java.util.function.Consumer<String> stderr) {
              throw new AssertionError("a plan runs nothing");
            }

            @Override
            public dev.hydra.container.ContainerPlan plan(ContainerSpec spec) {
              return new dev.hydra.container.ContainerPlan(
                  List.of("leaky", "--token=" + git, b64),
                  Map.of("COPY", URLEncoder.encode(git, StandardCharsets.UTF_8)));
            }

            @Override
            public java.net.InetAddress ensureNetwork(String name) {
              throw new AssertionError("a plan needs no network");
            }

            @Override
            public List<String> sweepExpired(Instant now) {
              return List.of();
            }
          };
      StagePlan plan =
          new StageRunner(leaky, clock, slept::add, log::add, StageRunner.Options.defaults())
              .plan(review(), mounts());

      assertThat(plan.command()).containsExactly("leaky", "--token=***", "***");
      assertThat(plan.environment()).containsEntry("COPY", "***");
      TestTokens.assertNoTokenIn(plan.toString());
    }

    @Test
    void theCommandLineQuotesWhatAShellWouldSplit() {
      StagePlan plan =
          new StagePlan("c", IMAGE, List.of("docker", "{{.Names}} x", "it's", "a=b"), Map.of());
      assertThat(plan.commandLine()).isEqualTo("docker '{{.Names}} x' 'it'\\''s' a=b");
    }
  }

  @Nested
  class TheGateway {

    Reply limited() {
      return Reply.error(429, "rate_limit_error", "limit")
          .with(Map.of("retry-after", "600", "anthropic-ratelimit-unified-status", "rejected"));
    }

    @Test
    void a429MidStageRotatesInTheGatewayAndTheContainerIsNotRestarted() throws Exception {
      upstream.script(account1.token().reveal(), Reply.text("one"), limited());
      upstream.script(account2.token().reveal(), Reply.text("more"));
      container =
          agent(3, concat(fixture("success.jsonl"), verdict("code-review", "pass", "ok")), 0);
      ClaudeTokenPool pool = pool();

      StageResult result = runner().run(review(), mounts(), pool);

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(runtime.runs).hasSize(1);
      assertThat(seen).containsExactly(200, 200, 200);
      assertThat(result.modelRequests()).isEqualTo(3);
      assertThat(result.callsByAccount())
          .containsExactly(Map.entry("account-1", 2), Map.entry("account-2", 2));
      assertThat(result.tokenName()).contains("account-1, account-2");
      assertThat(result.tokensUsed()).isEqualTo(3 * 13);
      assertThat(result.attempts())
          .singleElement()
          .satisfies(a -> assertThat(a.token()).isEqualTo("account-1, account-2"));
      assertThat(pool.exhausted()).containsEntry("account-1", NOW.plusSeconds(600));
      assertThat(result.turns()).isEqualTo(12);
      assertThat(slept).isEmpty();
      // The gateway never reached upstream with the placeholder, only with the real tokens.
      assertThat(upstream.requests())
          .extracting(FakeMessagesApi.Request::credential)
          .containsExactly(
              account1.token().reveal(),
              account1.token().reveal(),
              account2.token().reveal(),
              account2.token().reveal());
      RunRecord record = RunRecord.of(result);
      assertThat(record.tokenName()).isEqualTo("account-1, account-2");
      assertThat(record.tokens()).isEqualTo(39);
      assertThat(result.describe())
          .contains("Claude account account-1, account-2, 3 model requests, 39 tokens");
    }

    @Test
    void allAccountsExhaustedIsRateLimitedOnAllAccounts() throws Exception {
      upstream.script(account1.token().reveal(), limited());
      upstream.script(account2.token().reveal(), limited());
      container = agent(1, fixture("rejected.jsonl"), 1);

      StageResult result = run(review());

      assertThat(seen).containsExactly(429);
      assertThat(result.status()).isEqualTo(StageResult.Status.RATE_LIMITED);
      assertThat(result.message())
          .startsWith("rate-limited on all accounts, next reset at " + NOW.plusSeconds(600));
      assertThat(runtime.runs).hasSize(1);
      assertThat(result.callsByAccount())
          .containsExactly(Map.entry("account-1", 1), Map.entry("account-2", 1));
      assertThat(result.passed()).isFalse();
    }

    @Test
    void aLimitTheCliReportsWhileAnAccountIsLeftIsAFailureInItsWords() throws Exception {
      upstream.script(account1.token().reveal(), Reply.text("fine"));
      container = agent(1, fixture("rejected.jsonl"), 1);
      StageResult result = run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      assertThat(result.message()).contains("account limit reached");
    }

    @Test
    void everyAccountRefusedIsCredentialsRefusedNotRateLimited() throws Exception {
      upstream.script(
          account1.token().reveal(), Reply.error(401, "authentication_error", "invalid"));
      upstream.script(
          account2.token().reveal(), Reply.error(401, "authentication_error", "invalid"));
      container = agent(1, fixture("unauthorized.jsonl"), 1);
      ClaudeTokenPool pool = pool();

      StageResult result = runner().run(review(), mounts(), pool);

      assertThat(seen).containsExactly(401);
      assertThat(result.status()).isEqualTo(StageResult.Status.CREDENTIALS_REFUSED);
      assertThat(result.message())
          .contains("account-1", "account-2", "were refused", "`claude setup-token`")
          .doesNotContain("rate-limited");
      assertThat(pool.quarantined()).containsOnlyKeys("account-1", "account-2");
    }

    @Test
    void nothingRunsWhenEveryTokenIsAlreadyOut() throws Exception {
      ClaudeTokenPool pool = pool();
      pool.quarantine("account-1", "api_error_status 401");
      pool.markExhausted("account-2", NOW.plusSeconds(600), NOW);
      StageResult result = runner().run(review(), mounts(), pool);
      assertThat(result.status()).isEqualTo(StageResult.Status.RATE_LIMITED);
      assertThat(result.attempts()).isEmpty();
      assertThat(result.noVerdictReason()).contains("no container ran");
      assertThat(runtime.calls).isEmpty();
    }

    @Test
    void theTokenBudgetEndsTheStageCleanlyWithItsReason() throws Exception {
      upstream.script(account1.token().reveal(), Reply.text("ok"));
      container = agent(2, fixture("max-turns.jsonl"), 1);
      StageProfile budgeted =
          StageProfile.from(Stage.CODE_REVIEW, Map.of("HYDRA_CODE_REVIEW_TOKEN_BUDGET", "10"));

      StageResult result = run(request(budgeted));

      assertThat(seen).containsExactly(200, 400);
      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      assertThat(result.message())
          .isEqualTo("the stage's token budget is spent: 13 tokens used of 10");
      assertThat(result.modelRequests()).isEqualTo(1);
      assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void anOverloadIsRetriedOnTheSameAccountInTheGateway() throws Exception {
      upstream.script(
          account1.token().reveal(),
          Reply.error(529, "overloaded_error", "busy"),
          Reply.text("ok"));
      container =
          agent(1, concat(fixture("success.jsonl"), verdict("code-review", "pass", "ok")), 0);
      StageResult result = run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(seen).containsExactly(200);
      assertThat(result.callsByAccount()).containsExactly(Map.entry("account-1", 2));
      assertThat(slept)
          .singleElement()
          .satisfies(w -> assertThat(w).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }

    @Test
    void theTokenStateIsReadBeforeAndWrittenAfterTheStage() throws Exception {
      Path state = dir.resolve("tokens.json");
      ClaudeTokenPool before = pool();
      before.markExhausted("account-1", NOW.plusSeconds(900), NOW);
      TokenPoolState.save(state, before, NOW);
      upstream.script(account2.token().reveal(), limited());
      container = agent(1, fixture("rejected.jsonl"), 1);
      StageRunner remembering =
          runner().withOptions(runner().options().withTokenState(Optional.of(state)));

      StageResult result = remembering.run(review(), mounts());

      assertThat(result.status()).isEqualTo(StageResult.Status.RATE_LIMITED);
      assertThat(upstream.requests())
          .extracting(FakeMessagesApi.Request::credential)
          .containsExactly(account2.token().reveal());
      ClaudeTokenPool after = pool();
      TokenPoolState.load(state, after);
      assertThat(after.exhausted())
          .containsEntry("account-1", NOW.plusSeconds(900))
          .containsEntry("account-2", NOW.plusSeconds(600));
      assertThat(Files.readString(state)).doesNotContain(account2.token().reveal());
    }

    @Test
    void theGatewayIsStoppedWhenTheStageEndsWhateverHappens() throws Exception {
      List<String> urls = new ArrayList<>();
      container =
          (spec, out, err) -> {
            urls.add(spec.env().get("ANTHROPIC_BASE_URL"));
            throw new ContainerException("'docker run' failed: boom");
          };
      StageResult result = run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.RUNTIME_ERROR);
      assertThat(urls).hasSize(1);
      HttpClient client = HttpClient.newHttpClient();
      assertThatThrownBy(
              () ->
                  client.send(
                      HttpRequest.newBuilder(URI.create(urls.get(0) + "/v1/messages"))
                          .POST(HttpRequest.BodyPublishers.ofString("{}"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }

    @Test
    void aPoolNamingAnUnknownTokenIsRefused() {
      assertThatThrownBy(
              () -> runner().run(review(), mounts(), new ClaudeTokenPool(List.of("account-9"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("account-9");
    }

    @Test
    void aZeroOverloadBackOffIsRefusedSoRetriesCannotSpin() {
      assertThatThrownBy(
              () ->
                  StageRunner.Options.defaults()
                      .withNetwork("n")
                      .equals(
                          new StageRunner.Options(
                              "hydra-net",
                              false,
                              2,
                              Duration.ZERO,
                              GatewayConfig.ANTHROPIC,
                              Optional.empty(),
                              EgressPins.Resolver.system())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least 1 ms");
    }
  }

  @Nested
  class ContainerEndings {

    @Test
    void aTimeoutIsReportedAsSuch() throws Exception {
      // The agent saw a rejected rate limit before the deadline: still a timeout, not a limit.
      container = FakeContainerRuntime.timingOut(fixture("spliced.jsonl"));
      ClaudeTokenPool pool = pool();
      StageResult result = runner().run(review(), mounts(), pool);
      assertThat(result.status()).isEqualTo(StageResult.Status.TIMED_OUT);
      assertThat(result.message()).contains("timeout of PT20M", "killed and removed");
      assertThat(result.attempts()).hasSize(1);
      assertThat(result.container()).get().matches(ContainerResult::timedOut);
      assertThat(pool.exhausted()).isEmpty();
    }

    @Test
    void outOfMemoryIsReportedAsSuch() throws Exception {
      container = FakeContainerRuntime.printing(fixture("killed.jsonl"), 137);
      StageResult result = run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.OUT_OF_MEMORY);
      assertThat(result.message()).contains("out of memory (limit 4096 MiB)");
      assertThat(result.container()).get().matches(ContainerResult::outOfMemory);
    }

    @Test
    void aContainerThatCannotStartIsARuntimeError() throws Exception {
      container =
          FakeContainerRuntime.failingToStart(
              "'docker run' failed for image x: pull access denied");
      StageResult result = run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.RUNTIME_ERROR);
      assertThat(result.message()).contains("pull access denied");
      assertThat(result.container()).isEmpty();
      assertThat(result.noVerdictReason()).contains("no container ran");
    }

    @Test
    void aFailedSweepStopsBeforeAnyContainer() throws Exception {
      runtime.failSweep(
          new ContainerException("'docker ps' failed: Cannot connect to the Docker daemon"));
      StageResult result = run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.RUNTIME_ERROR);
      assertThat(result.message()).contains("Cannot connect to the Docker daemon");
      assertThat(runtime.calls).containsExactly("sweep");
    }

    @Test
    void aMissingNetworkThatCannotBeCreatedStopsBeforeAnyContainer() throws Exception {
      runtime.failNetwork(new ContainerException("'docker network create hydra-net' failed: nope"));
      StageResult result = run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.RUNTIME_ERROR);
      assertThat(runtime.calls).containsExactly("sweep", "network hydra-net");
    }

    @Test
    void anInterruptPropagates() {
      container =
          (spec, out, err) -> {
            throw new InterruptedException();
          };
      assertThatThrownBy(() -> run(review())).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aBudgetOfTurnsRunOutIsAFailure() throws Exception {
      container = FakeContainerRuntime.printing(fixture("max-turns.jsonl"), 1);
      StageResult result = run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      assertThat(result.message()).contains("budget exhausted (error_max_turns)");
      assertThat(result.turns()).isEqualTo(80);
    }
  }

  @Nested
  class Verdicts {

    StageResult runWith(List<String> lines, int exitCode) throws Exception {
      container = FakeContainerRuntime.printing(lines, exitCode);
      return run(review());
    }

    @Test
    void aMissingVerdictIsAFailureWithTheReason() throws Exception {
      StageResult result = runWith(fixture("success.jsonl"), 0);
      assertThat(result.status()).isEqualTo(StageResult.Status.NO_VERDICT);
      assertThat(result.passed()).isFalse();
      assertThat(result.message()).contains("printed no line starting with `HYDRA-VERDICT `");
      assertThat(result.noVerdictReason()).isPresent();
      assertThat(result.turns()).as("from the agent's result").isEqualTo(12);
    }

    @Test
    void aMalformedVerdictIsAFailure() throws Exception {
      StageResult result =
          runWith(concat(fixture("success.jsonl"), "HYDRA-VERDICT {\"schema\":1,"), 0);
      assertThat(result.status()).isEqualTo(StageResult.Status.NO_VERDICT);
      assertThat(result.message()).contains("is not valid JSON");
    }

    @Test
    void aSchemaInvalidVerdictIsAFailure() throws Exception {
      StageResult result =
          runWith(
              concat(
                  fixture("success.jsonl"),
                  "HYDRA-VERDICT {\"schema\":1,\"stage\":\"code-review\",\"outcome\":\"pass\"}"),
              0);
      assertThat(result.status()).isEqualTo(StageResult.Status.NO_VERDICT);
      assertThat(result.message()).contains("breaks verdict-v1.schema.json");
    }

    @Test
    void aVerdictForAnotherStageIsAFailure() throws Exception {
      StageResult result =
          runWith(concat(fixture("success.jsonl"), verdict("applier", "pass", "x")), 0);
      assertThat(result.status()).isEqualTo(StageResult.Status.NO_VERDICT);
      assertThat(result.message()).contains("reported a verdict for stage applier");
    }

    @Test
    void aFailVerdictIsAFailureAndKeepsItsFindings() throws Exception {
      String fail =
          "HYDRA-VERDICT {\"schema\":1,\"stage\":\"code-review\",\"outcome\":\"fail\",\"summary\":\"SQL"
              + " injection\",\"findings\":[{\"severity\":\"CRITICAL\",\"file\":\"src/Db.java\",\"line\":12,"
              + "\"rule\":\"CWE-89\",\"message\":\"query built from input\"}],\"fixes_applied\":[],"
              + "\"unfixed\":[],\"turns\":7,\"cost_usd\":0.2}";
      StageResult result = runWith(concat(fixture("success.jsonl"), fail), 0);
      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      assertThat(result.message()).isEqualTo("the verdict is fail: SQL injection");
      assertThat(result.verdictValue())
          .get()
          .satisfies(
              v -> {
                assertThat(v.findings()).hasSize(1);
                assertThat(v.findings().get(0).severity()).isEqualTo(Severity.CRITICAL);
              });
      assertThat(result.turns()).isEqualTo(7);
    }

    @Test
    void onlyTheLastVerdictLineCounts() throws Exception {
      StageResult result =
          runWith(
              concat(
                  fixture("success.jsonl"),
                  verdict("code-review", "pass", "quoted by the agent"),
                  verdict("code-review", "fail", "the entrypoint's word")),
              0);
      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      assertThat(result.message()).contains("the entrypoint's word");
    }

    @Test
    void aPassVerdictWithANonZeroExitIsAFailure() throws Exception {
      StageResult result =
          runWith(concat(fixture("success.jsonl"), verdict("code-review", "pass", "ok")), 3);
      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      assertThat(result.message())
          .isEqualTo("the container exited with code 3 after a verdict of pass");
      assertThat(result.verdictValue()).isPresent();
    }

    @Test
    void passing() throws Exception {
      StageResult result =
          runWith(concat(fixture("success.jsonl"), verdict("code-review", "pass", "ok")), 0);
      assertThat(result.passed()).isTrue();
      assertThat(result.message()).isEqualTo("the verdict is pass: ok");
      assertThat(result.describe())
          .startsWith(
              "stage code-review passed: the verdict is pass: ok (image localhost/hydra-reviewer:test")
          .contains("12 turns", "$0.42")
          .doesNotContain("Claude account", "model requests");
    }
  }

  @Nested
  class Output {

    /** The git token in the forms an agent or a tool may print it. */
    List<String> leaks(String token) {
      String b64 = Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
      String basic =
          Base64.getEncoder()
              .encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8));
      String url = URLEncoder.encode(token, StandardCharsets.UTF_8);
      String json = token.replace("\\", "\\\\").replace("\"", "\\\"");
      return List.of(
          "raw " + token,
          "base64 " + b64,
          "basic Authorization: Basic " + basic,
          "url https://x/?t=" + url,
          "json {\"token\":\"" + json + "\"}");
    }

    @Test
    void everyLineIsMaskedAndTimestamped() throws Exception {
      List<String> lines = new ArrayList<>(leaks(git));
      lines.add(
          "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"token "
              + account1.token().reveal()
              + "\"}]}}");
      lines.addAll(fixture("success.jsonl"));
      lines.add(
          verdict(
              "code-review", "pass", "found " + git.replace("\\", "\\\\").replace("\"", "\\\"")));
      container =
          (spec, out, err) -> {
            lines.forEach(out);
            leaks(git).forEach(err);
            return new ContainerResult(0, false, Duration.ofSeconds(1));
          };

      StageResult result = run(review());

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      String all = String.join("\n", log);
      TestTokens.assertNoTokenIn(all);
      TestTokens.assertNoTokenIn(result.toString());
      TestTokens.assertNoTokenIn(result.describe());
      assertThat(result.verdictValue()).get().extracting(v -> v.summary()).isEqualTo("found ***");
      assertThat(log).allMatch(l -> l.startsWith(TS));
      assertThat(log).filteredOn(l -> l.startsWith(TS + "code-review | ")).hasSize(lines.size());
      assertThat(log)
          .filteredOn(l -> l.startsWith(TS + "code-review ! "))
          .hasSize(5)
          .allMatch(l -> l.contains("***"));
      assertThat(log).contains(TS + "code-review | raw ***", TS + "code-review | base64 ***");
      assertThat(log).noneMatch(l -> l.startsWith("::"));
    }

    /** Every character as a JSON {@code \}{@code uXXXX} escape. */
    static String allEscaped(String value) {
      StringBuilder out = new StringBuilder();
      value.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
      return out.toString();
    }

    /** Every other character escaped, {@code /} as {@code \/}, the rest as JSON needs. */
    static String mixedEscapes(String value) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '/') {
          out.append("\\/");
        } else if (i % 2 == 0) {
          out.append(String.format("\\u%04X", (int) c));
        } else if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    @Test
    void aTokenWrittenWithJsonEscapesIsMaskedOnceTheVerdictIsDecoded() throws Exception {
      String line =
          "HYDRA-VERDICT {\"schema\":1,\"stage\":\"code-review\",\"outcome\":\"fail\","
              + "\"summary\":\"leaked "
              + allEscaped(git)
              + " and "
              + mixedEscapes(builderGit)
              + "\",\"findings\":[{\"severity\":\"CRITICAL\",\"file\":\"src/"
              + allEscaped(builderGit)
              + ".java\",\"line\":3,\"rule\":\""
              + mixedEscapes(account1.token().reveal())
              + "\",\"message\":\"x"
              + allEscaped(account2.token().reveal())
              + "y\"}],\"fixes_applied\":[{\"severity\":\"INFO\",\"file\":\"\",\"line\":0,"
              + "\"rule\":\"\",\"message\":\""
              + mixedEscapes(git)
              + "\"}],\"unfixed\":[],\"turns\":1,\"cost_usd\":0}";
      container = FakeContainerRuntime.printing(concat(fixture("success.jsonl"), line), 0);

      StageResult result = run(review());

      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      var verdict = result.verdictValue().orElseThrow();
      assertThat(verdict.summary()).isEqualTo("leaked *** and ***");
      assertThat(verdict.findings().get(0).file()).isEqualTo("src/***.java");
      assertThat(verdict.findings().get(0).rule()).isEqualTo("***");
      assertThat(verdict.findings().get(0).message()).isEqualTo("x***y");
      assertThat(verdict.fixesApplied().get(0).message()).isEqualTo("***");
      TestTokens.assertNoTokenIn(result.toString());
      TestTokens.assertNoTokenIn(result.message());
      TestTokens.assertNoTokenIn(String.join("\n", log));
    }

    @Test
    void theBuildersPullRequestTitleAndBodyAreMaskedOnceDecoded() throws Exception {
      String line =
          "HYDRA-VERDICT {\"schema\":1,\"stage\":\"build\",\"outcome\":\"pass\","
              + "\"summary\":\"ok\",\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],"
              + "\"turns\":1,\"cost_usd\":0,\"branch\":\"hydra/7-fix\",\"pr_title\":\"T "
              + allEscaped(builderGit)
              + "\",\"pr_body\":\"B\\n"
              + mixedEscapes(git)
              + "\\n"
              + allEscaped(account2.token().reveal())
              + "\"}";
      container = FakeContainerRuntime.printing(concat(fixture("success.jsonl"), line), 0);

      StageResult result = run(request(Stage.BUILD));

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      var built = result.verdictValue().orElseThrow().builder().orElseThrow();
      assertThat(built.prTitle()).isEqualTo("T ***");
      assertThat(built.prBody()).isEqualTo("B\n***\n***");
      assertThat(built.branch()).isEqualTo("hydra/7-fix");
    }

    @Test
    void workflowCommandsInContainerLinesAreNeutralisedFenceOrNot() throws Exception {
      List<String> lines =
          List.of(
              "progress\r::add-mask::x",
              "done ##[add-mask]y",
              "##[set-output name=stage;]pass",
              "a\r  ::stop-commands::z",
              verdict("code-review", "pass", "ok ##[error]mid-line"));
      container =
          (spec, out, err) -> {
            concat(fixture("success.jsonl"), lines.toArray(String[]::new)).forEach(out);
            err.accept("warn\r::error file=a::b");
            return new ContainerResult(0, false, Duration.ofSeconds(1));
          };

      StageResult result = run(review());

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(dev.hydra.secret.RunnerCommands.commands(String.join("\n", log))).isEmpty();
      assertThat(log).anyMatch(l -> l.endsWith("code-review | done ##\\[add-mask]y"));
    }

    @Test
    void hydrasOwnMessagesAreMaskedToo() throws Exception {
      container =
          FakeContainerRuntime.failingToStart("docker said: bad value " + git + "\nsecond line");
      StageResult result = run(review());
      TestTokens.assertNoTokenIn(String.join("\n", log));
      TestTokens.assertNoTokenIn(result.message());
      assertThat(log).allMatch(l -> !l.contains("\n"));
    }

    @Test
    void inActionsMasksComeFirstAndContainerOutputIsFenced() throws Exception {
      container =
          FakeContainerRuntime.printing(
              concat(
                  fixture("success.jsonl"),
                  "::error::forged by the agent",
                  "::add-mask::x",
                  verdict("code-review", "pass", "ok")),
              0);

      StageResult result = run(review(), runner(true));

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      List<String> masks = WorkflowCommands.addMaskLines(credentials.secrets());
      assertThat(log.subList(0, masks.size())).containsExactlyElementsOf(masks);
      List<String> rest = log.subList(masks.size(), log.size());
      assertThat(rest).noneMatch(l -> l.startsWith("::add-mask::"));
      List<String> stops = rest.stream().filter(l -> l.startsWith("::stop-commands::")).toList();
      assertThat(stops).hasSize(1);
      String stop = stops.get(0);
      int open = rest.indexOf(stop);
      int close = rest.indexOf("::" + stop.substring("::stop-commands::".length()) + "::");
      assertThat(close).isGreaterThan(open);
      assertThat(rest.subList(open + 1, close)).allMatch(l -> l.startsWith(TS + "code-review "));
      assertThat(indexOf(rest, "::error::forged")).isBetween(open, close);
    }

    int indexOf(List<String> lines, String part) {
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(part)) {
          return i;
        }
      }
      return -1;
    }
  }

  @Nested
  class Requests {

    StageRequest with(
        String repo, String issue, @Nullable String pr, String mode, Credentials creds) {
      return new StageRequest(
          StageProfile.defaults(Stage.CODE_REVIEW), IMAGE, repo, issue, pr, mode, creds);
    }

    @Test
    void theIssueNumberAndRepositoryComeFromTheUrls() {
      StageRequest r =
          with(
              "https://codeberg.org/conduction/app.git",
              "https://codeberg.org/conduction/app/issues/123",
              null,
              "review",
              credentials);
      assertThat(r.issue()).isEqualTo(123);
      assertThat(r.repository()).isEqualTo("codeberg.org/conduction/app");
      assertThat(r.pullRequest()).isEmpty();
      assertThat(
              with(
                      "http://localhost:3000/a/b",
                      "http://localhost:3000/a/b/issues/1",
                      null,
                      "fix",
                      credentials)
                  .issue())
          .isEqualTo(1);
      TestTokens.assertNoTokenIn(r.toString());
    }

    @Test
    void badUrlsAreRefused() {
      String ok = "https://github.com/acme/app/issues/7";
      assertThatThrownBy(() -> with("http://github.com/acme/app", ok, null, "review", credentials))
          .hasMessageContaining("must be an https URL");
      assertThatThrownBy(() -> with("github.com/acme/app", ok, null, "review", credentials))
          .hasMessageContaining("must be an https URL");
      assertThatThrownBy(
              () ->
                  with(
                      "https://github.com/acme/app",
                      "https://github.com/acme/app/pull/7",
                      null,
                      "review",
                      credentials))
          .hasMessageContaining("does not end in /issues/<number>");
      assertThatThrownBy(
              () ->
                  with(
                      "https://github.com/acme/app",
                      ok,
                      "https://github.com/x y",
                      "review",
                      credentials))
          .hasMessageContaining("without spaces");
      assertThatThrownBy(
              () -> with("https://github.com/acme/app?x=1", ok, null, "review", credentials))
          .hasMessageContaining("query");
      assertThatThrownBy(
              () ->
                  with(
                      "https://x-access-token:" + git + "@github.com/acme/app",
                      ok,
                      null,
                      "review",
                      credentials))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> TestTokens.assertNoTokenIn(e));
      assertThatThrownBy(
              () -> with("https://github.com/acme/app", ok, null, "Review!", credentials))
          .hasMessageContaining("mode");
    }

    @Test
    void aClaudeTokenIsRequiredButNoGitToken() {
      String repo = "https://github.com/acme/app";
      String issue = repo + "/issues/7";
      Credentials claudeOnly = Credentials.of(List.of(account1), Map.of());
      assertThat(with(repo, issue, null, "review", claudeOnly).credentials()).isEqualTo(claudeOnly);
      Credentials noClaude =
          Credentials.withoutClaude(Map.of(Persona.REVIEWER, Secret.of("r", git)));
      assertThatThrownBy(() -> with(repo, issue, null, "review", noClaude))
          .hasMessageContaining("no Claude token");
    }
  }
}
