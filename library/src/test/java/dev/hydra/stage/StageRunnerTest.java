package dev.hydra.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerSpec;
import dev.hydra.container.FakeContainerRuntime;
import dev.hydra.container.Mount;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.secret.Secret;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.verdict.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every branch of {@link StageRunner}, against a hand-written fake container runtime. */
class StageRunnerTest {

  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
  static final String TS = "2026-11-22T08:00:00.000Z ";
  static final ImageRef IMAGE = ImageRef.parse("localhost/hydra-reviewer:test");

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

  @TempDir Path specDir;

  /** Which fake container each Claude token gets; the default prints nothing and exits 1. */
  final Map<String, FakeContainerRuntime.Container> byToken = new HashMap<>();

  final FakeContainerRuntime runtime =
      new FakeContainerRuntime(
          spec ->
              byToken.getOrDefault(claudeOf(spec), FakeContainerRuntime.printing(List.of(), 1)));

  static String claudeOf(ContainerSpec spec) {
    String oauth = spec.secretEnv().get("CLAUDE_CODE_OAUTH_TOKEN");
    return oauth != null ? oauth : spec.secretEnv().getOrDefault("ANTHROPIC_API_KEY", "");
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

  StageRequest request(Stage stage, @Nullable Path spec) {
    return new StageRequest(
        StageProfile.defaults(stage),
        IMAGE,
        "https://github.com/acme/app",
        "https://github.com/acme/app/issues/7",
        "https://github.com/acme/app/pull/9",
        spec,
        "review",
        credentials);
  }

  StageRequest review() {
    return request(Stage.CODE_REVIEW, specDir);
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
        StageRunner.Options.defaults().withActions(actions));
  }

  @Nested
  class TheContainer {

    @Test
    void isHardenedAndCarriesOnlyThisAttemptsTwoSecrets() throws Exception {
      byToken.put(account1.token().reveal(), passing());
      StageResult result = runner().run(review());

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
      assertThat(spec.workspaceBytes()).isEqualTo(2L << 30);
      assertThat(spec.capAdd())
          .containsExactlyInAnyOrder("NET_ADMIN", "SETUID", "SETGID", "SETPCAP");
      assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(20));
      assertThat(spec.secretEnv())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("GIT_TOKEN", git, "CLAUDE_CODE_OAUTH_TOKEN", account1.token().reveal()));
      assertThat(spec.env())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "HYDRA_STAGE", "code-review",
                  "HYDRA_MODE", "review",
                  "REPO_URL", "https://github.com/acme/app",
                  "ISSUE_URL", "https://github.com/acme/app/issues/7",
                  "PR_URL", "https://github.com/acme/app/pull/9",
                  "SPEC_PATH", "/spec",
                  "HYDRA_MODEL", "sonnet",
                  "HYDRA_FALLBACK_MODEL", "opus"));
      assertThat(spec.mounts())
          .containsExactly(new Mount(specDir.toAbsolutePath().normalize(), "/spec", true));
      assertThat(spec.labels())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "hydra.stage", "code-review",
                  "hydra.repo", "github.com/acme/app",
                  "hydra.issue", "7"));
      TestTokens.assertNoTokenIn(spec.toString());
    }

    @Test
    void theBuilderGetsItsOwnTokenAndTheBuilderLimits() throws Exception {
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.printing(fixture("success.jsonl"), 0));
      runner().run(request(Stage.BUILD, null));

      ContainerSpec spec = runtime.runs.get(0);
      assertThat(spec.name()).startsWith("hydra-build-7-");
      assertThat(spec.secretEnv()).containsEntry("GIT_TOKEN", builderGit).hasSize(2);
      assertThat(spec.secretEnv().values()).doesNotContain(git);
      assertThat(spec.cpus()).isEqualTo(4);
      assertThat(spec.memoryBytes()).isEqualTo(8L << 30);
      assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(35));
      assertThat(spec.mounts()).isEmpty();
      assertThat(spec.env())
          .doesNotContainKey("SPEC_PATH")
          .containsEntry("HYDRA_FALLBACK_MODEL", "haiku");
    }

    @Test
    void aConsoleApiKeyGoesInAnthropicApiKey() throws Exception {
      String key = TestTokens.issue("sk-" + "ant-api03-" + "x".repeat(40));
      ClaudeToken api = ClaudeToken.of("api", Secret.of("HYDRA_CLAUDE_TOKEN_1", key));
      assertThat(StageContainers.claudeVariable(api)).isEqualTo("ANTHROPIC_API_KEY");
      assertThat(StageContainers.claudeVariable(account1)).isEqualTo("CLAUDE_CODE_OAUTH_TOKEN");
    }

    @Test
    void everyAttemptIsAFreshContainer() throws Exception {
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.printing(fixture("rejected.jsonl"), 1));
      byToken.put(account2.token().reveal(), passing());
      runner().run(review());
      assertThat(runtime.runs).extracting(ContainerSpec::name).doesNotHaveDuplicates().hasSize(2);
    }

    @Test
    void containersPastTheirDeadlineAreSweptFirstAndSaidSo() throws Exception {
      runtime.sweeping(List.of("hydra-build-3-0badc0de"));
      byToken.put(account1.token().reveal(), passing());
      runner().run(review());
      assertThat(runtime.calls.get(0)).isEqualTo("sweep");
      assertThat(log)
          .anyMatch(
              l -> l.contains("removed containers past their deadline: hydra-build-3-0badc0de"));
    }

    @Test
    void aSpecFolderThatIsNotADirectoryIsRefused() {
      assertThatThrownBy(() -> runner().run(request(Stage.CODE_REVIEW, specDir.resolve("missing"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a directory");
      assertThat(runtime.calls).isEmpty();
    }
  }

  @Nested
  class Plans {

    @Test
    void thePlanIsTheFirstAttemptsContainerWithoutRunningAnything() {
      StagePlan plan = runner().plan(review());

      assertThat(runtime.calls).containsExactly("plan " + plan.container());
      assertThat(plan.container()).matches("hydra-code-review-7-[0-9a-f]{8}");
      assertThat(plan.image()).isEqualTo(IMAGE);
      assertThat(plan.command())
          .containsExactly("fake-run", plan.container(), "localhost/hydra-reviewer:test");
      assertThat(plan.environment())
          .containsEntry("GIT_TOKEN", "***")
          .containsEntry("CLAUDE_CODE_OAUTH_TOKEN", "***")
          .containsEntry("HYDRA_STAGE", "code-review")
          .containsEntry("PR_URL", "https://github.com/acme/app/pull/9")
          .containsEntry("SPEC_PATH", StageRunner.SPEC_MOUNT);
      assertThat(plan.environmentLines()).first().isEqualTo("CLAUDE_CODE_OAUTH_TOKEN=***");
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
            public void ensureNetwork(String name) {}

            @Override
            public List<String> sweepExpired(Instant now) {
              return List.of();
            }
          };
      StagePlan plan =
          new StageRunner(leaky, clock, slept::add, log::add, StageRunner.Options.defaults())
              .plan(review());

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
  class Rotation {

    @Test
    void rejectedOnTheFirstTokenRunsAgainWithTheSecond() throws Exception {
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.printing(fixture("rejected.jsonl"), 1));
      byToken.put(account2.token().reveal(), passing());
      ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));

      StageResult result = runner().run(review(), pool);

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(result.attempts())
          .extracting(StageResult.Attempt::token)
          .containsExactly("account-1", "account-2");
      assertThat(result.tokenName()).contains("account-2");
      assertThat(runtime.runs)
          .extracting(StageRunnerTest::claudeOf)
          .containsExactly(account1.token().reveal(), account2.token().reveal());
      assertThat(pool.exhausted()).containsEntry("account-1", Instant.ofEpochSecond(1795338000));
      assertThat(slept).isEmpty();
      assertThat(result.turns()).isEqualTo(12);
      assertThat(result.costUsd()).isEqualTo(0.42);
    }

    @Test
    void aRateLimitEventSplicedIntoAnotherLineStillRotates() throws Exception {
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.printing(fixture("spliced.jsonl"), 1));
      byToken.put(account2.token().reveal(), passing());
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(result.attempts()).hasSize(2);
    }

    @Test
    void allTokensExhaustedFailsOnceWithTheNextReset() throws Exception {
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.printing(fixture("rejected.jsonl"), 1));
      byToken.put(
          account2.token().reveal(), FakeContainerRuntime.printing(fixture("spliced.jsonl"), 1));
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.RATE_LIMITED);
      assertThat(result.message())
          .startsWith(
              "rate-limited on all accounts, next reset at " + Instant.ofEpochSecond(1795338000));
      assertThat(result.attempts()).hasSize(2);
      assertThat(result.verdictValue()).isEmpty();
      assertThat(result.passed()).isFalse();
    }

    @Test
    void tokensExhaustedBeforeTheRunAreSkipped() throws Exception {
      byToken.put(account2.token().reveal(), passing());
      ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
      pool.markExhausted("account-1", NOW.plusSeconds(600), NOW);
      StageResult result = runner().run(review(), pool);
      assertThat(result.attempts())
          .extracting(StageResult.Attempt::token)
          .containsExactly("account-2");
    }

    @Test
    void nothingRunsWhenEveryTokenIsAlreadyOut() throws Exception {
      ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
      pool.quarantine("account-1", "api_error_status 401");
      pool.markExhausted("account-2", NOW.plusSeconds(600), NOW);
      StageResult result = runner().run(review(), pool);
      assertThat(result.status()).isEqualTo(StageResult.Status.RATE_LIMITED);
      assertThat(result.attempts()).isEmpty();
      assertThat(result.noVerdictReason()).contains("no container ran");
      assertThat(runtime.runs).isEmpty();
    }

    @Test
    void everyTokenRefusedIsReportedAsRefusedNotAsRateLimited() throws Exception {
      byToken.put(
          account1.token().reveal(),
          FakeContainerRuntime.printing(fixture("unauthorized.jsonl"), 1));
      ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
      pool.quarantine("account-2", "api_error_status 401");
      StageResult result = runner().run(review(), pool);
      assertThat(result.status()).isEqualTo(StageResult.Status.CREDENTIALS_REFUSED);
      assertThat(result.message())
          .contains("account-1", "account-2", "were refused", "`claude setup-token`")
          .doesNotContain("rate-limited");
      assertThat(result.attempts())
          .extracting(StageResult.Attempt::token)
          .containsExactly("account-1");
      assertThat(result.passed()).isFalse();
    }

    @Test
    void overloadBacksOffOnTheSameTokenAndGivesUp() throws Exception {
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.printing(fixture("overloaded.jsonl"), 1));
      byToken.put(account2.token().reveal(), passing());
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      assertThat(result.message()).contains("the provider stayed overloaded after 3 attempts");
      assertThat(result.attempts())
          .extracting(StageResult.Attempt::token)
          .containsExactly("account-1", "account-1", "account-1");
      assertThat(slept).hasSize(2);
      assertThat(slept.get(0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
      assertThat(slept.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
    }

    @Test
    void aZeroOverloadBackOffIsRefusedSoRetriesCannotSpin() {
      assertThatThrownBy(() -> new StageRunner.Options("hydra-net", false, 2, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least 1 ms");
    }

    @Test
    void overloadThenSuccessOnTheSameToken() throws Exception {
      AtomicInteger calls = new AtomicInteger();
      byToken.put(
          account1.token().reveal(),
          (spec, out, err) ->
              (calls.getAndIncrement() == 0
                      ? FakeContainerRuntime.printing(fixture("overloaded.jsonl"), 1)
                      : passing())
                  .play(spec, out, err));
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(result.attempts())
          .extracting(StageResult.Attempt::token)
          .containsExactly("account-1", "account-1");
      assertThat(slept)
          .singleElement()
          .satisfies(w -> assertThat(w).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }

    @Test
    void aRefusedTokenIsQuarantinedNotTakenForARateLimit() throws Exception {
      byToken.put(
          account1.token().reveal(),
          FakeContainerRuntime.printing(fixture("unauthorized.jsonl"), 1));
      byToken.put(account2.token().reveal(), passing());
      ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
      StageResult result = runner().run(review(), pool);
      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(pool.quarantined()).containsKey("account-1");
      assertThat(pool.exhausted()).isEmpty();
      assertThat(log).anyMatch(l -> l.contains("token refused") && l.contains("not a rate limit"));
    }

    @Test
    void anAllowedWarningIsOnlyInformational() throws Exception {
      byToken.put(
          account1.token().reveal(),
          FakeContainerRuntime.printing(
              concat(fixture("allowed-warning.jsonl"), verdict("code-review", "pass", "ok")), 0));
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(result.attempts()).hasSize(1);
    }

    @Test
    void aBudgetRunOutIsAFailureWithoutRetry() throws Exception {
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.printing(fixture("max-turns.jsonl"), 1));
      byToken.put(account2.token().reveal(), passing());
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
      assertThat(result.message()).contains("budget exhausted (error_max_turns)");
      assertThat(result.attempts()).hasSize(1);
      assertThat(result.turns()).isEqualTo(80);
    }

    @Test
    void aPoolNamingAnUnknownTokenIsRefused() {
      assertThatThrownBy(() -> runner().run(review(), new ClaudeTokenPool(List.of("account-9"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("account-9");
    }
  }

  @Nested
  class ContainerEndings {

    @Test
    void aTimeoutIsReportedAsSuchAndNeverRotates() throws Exception {
      // The agent saw a rejected rate limit before the deadline: still a timeout, not a limit.
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.timingOut(fixture("spliced.jsonl")));
      byToken.put(account2.token().reveal(), passing());
      ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
      StageResult result = runner().run(review(), pool);
      assertThat(result.status()).isEqualTo(StageResult.Status.TIMED_OUT);
      assertThat(result.message()).contains("timeout of PT20M", "killed and removed");
      assertThat(result.attempts()).hasSize(1);
      assertThat(result.container()).get().matches(ContainerResult::timedOut);
      assertThat(pool.exhausted()).isEmpty();
    }

    @Test
    void outOfMemoryIsReportedAsSuchAndNeverRotates() throws Exception {
      byToken.put(
          account1.token().reveal(), FakeContainerRuntime.printing(fixture("killed.jsonl"), 137));
      byToken.put(account2.token().reveal(), passing());
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.OUT_OF_MEMORY);
      assertThat(result.message()).contains("out of memory (limit 4096 MiB)");
      assertThat(result.attempts()).hasSize(1);
      assertThat(result.container()).get().matches(ContainerResult::outOfMemory);
    }

    @Test
    void aContainerThatCannotStartIsARuntimeError() throws Exception {
      byToken.put(
          account1.token().reveal(),
          FakeContainerRuntime.failingToStart(
              "'docker run' failed for image x: pull access denied"));
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.RUNTIME_ERROR);
      assertThat(result.message()).contains("pull access denied");
      assertThat(result.attempts()).hasSize(1);
      assertThat(result.container()).isEmpty();
      assertThat(result.noVerdictReason()).contains("no container ran");
    }

    @Test
    void aFailedSweepStopsBeforeAnyContainer() throws Exception {
      runtime.failSweep(
          new ContainerException("'docker ps' failed: Cannot connect to the Docker daemon"));
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.RUNTIME_ERROR);
      assertThat(result.message()).contains("Cannot connect to the Docker daemon");
      assertThat(runtime.calls).containsExactly("sweep");
    }

    @Test
    void aMissingNetworkThatCannotBeCreatedStopsBeforeAnyContainer() throws Exception {
      runtime.failNetwork(new ContainerException("'docker network create hydra-net' failed: nope"));
      StageResult result = runner().run(review());
      assertThat(result.status()).isEqualTo(StageResult.Status.RUNTIME_ERROR);
      assertThat(runtime.calls).containsExactly("sweep", "network hydra-net");
    }

    @Test
    void anInterruptPropagates() {
      byToken.put(
          account1.token().reveal(),
          (spec, out, err) -> {
            throw new InterruptedException();
          });
      assertThatThrownBy(() -> runner().run(review())).isInstanceOf(InterruptedException.class);
    }
  }

  @Nested
  class Verdicts {

    StageResult runWith(List<String> lines, int exitCode) throws Exception {
      byToken.put(account1.token().reveal(), FakeContainerRuntime.printing(lines, exitCode));
      return runner().run(review());
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
          .contains("Claude token account-1", "1 attempt,", "12 turns", "$0.42");
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
      byToken.put(
          account1.token().reveal(),
          (spec, out, err) -> {
            lines.forEach(out);
            leaks(spec.secretEnv().getOrDefault("GIT_TOKEN", "")).forEach(err);
            return new ContainerResult(0, false, Duration.ofSeconds(1));
          });

      StageResult result = runner().run(review());

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
      byToken.put(
          account1.token().reveal(),
          FakeContainerRuntime.printing(concat(fixture("success.jsonl"), line), 0));

      StageResult result = runner().run(review());

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
      byToken.put(
          account1.token().reveal(),
          FakeContainerRuntime.printing(concat(fixture("success.jsonl"), line), 0));

      StageResult result = runner().run(request(Stage.BUILD, null));

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
      byToken.put(
          account1.token().reveal(),
          (spec, out, err) -> {
            concat(fixture("success.jsonl"), lines.toArray(String[]::new)).forEach(out);
            err.accept("warn\r::error file=a::b");
            return new ContainerResult(0, false, Duration.ofSeconds(1));
          });

      StageResult result = runner().run(review());

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      assertThat(dev.hydra.secret.RunnerCommands.commands(String.join("\n", log))).isEmpty();
      assertThat(log).anyMatch(l -> l.endsWith("code-review | done ##\\[add-mask]y"));
    }

    @Test
    void hydrasOwnMessagesAreMaskedToo() throws Exception {
      byToken.put(
          account1.token().reveal(),
          FakeContainerRuntime.failingToStart("docker said: bad value " + git + "\nsecond line"));
      StageResult result = runner().run(review());
      TestTokens.assertNoTokenIn(String.join("\n", log));
      TestTokens.assertNoTokenIn(result.message());
      assertThat(log).allMatch(l -> !l.contains("\n"));
    }

    @Test
    void inActionsMasksComeFirstAndContainerOutputIsFenced() throws Exception {
      byToken.put(
          account1.token().reveal(),
          FakeContainerRuntime.printing(
              concat(fixture("rejected.jsonl"), "::error::forged by the agent"), 1));
      byToken.put(
          account2.token().reveal(),
          FakeContainerRuntime.printing(
              concat(
                  fixture("success.jsonl"), "::add-mask::x", verdict("code-review", "pass", "ok")),
              0));

      StageResult result = runner(true).run(review());

      assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
      List<String> masks = WorkflowCommands.addMaskLines(credentials.secrets());
      assertThat(log.subList(0, masks.size())).containsExactlyElementsOf(masks);
      List<String> rest = log.subList(masks.size(), log.size());
      assertThat(rest).noneMatch(l -> l.startsWith("::add-mask::"));
      List<String> stops = rest.stream().filter(l -> l.startsWith("::stop-commands::")).toList();
      assertThat(stops).hasSize(2).doesNotHaveDuplicates();
      for (String stop : stops) {
        String token = stop.substring("::stop-commands::".length());
        int open = rest.indexOf(stop);
        int close = rest.indexOf("::" + token + "::");
        assertThat(close).isGreaterThan(open);
        assertThat(rest.subList(open + 1, close)).allMatch(l -> l.startsWith(TS + "code-review "));
      }
      int forged = indexOf(rest, "::error::forged");
      int firstStop = rest.indexOf(stops.get(0));
      int firstResume = rest.indexOf("::" + stops.get(0).substring(17) + "::");
      assertThat(forged).isBetween(firstStop, firstResume);
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
          StageProfile.defaults(Stage.CODE_REVIEW), IMAGE, repo, issue, pr, null, mode, creds);
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
    void thePersonasOwnTokenAndAClaudeTokenAreRequired() {
      String repo = "https://github.com/acme/app";
      String issue = repo + "/issues/7";
      Credentials builderOnly =
          Credentials.of(List.of(account1), Map.of(Persona.BUILDER, Secret.of("b", builderGit)));
      assertThatThrownBy(() -> with(repo, issue, null, "review", builderOnly))
          .hasMessageContaining("no git token for persona reviewer")
          .hasMessageContaining("never borrows another persona's");
      Credentials noClaude =
          Credentials.withoutClaude(Map.of(Persona.REVIEWER, Secret.of("r", git)));
      assertThatThrownBy(() -> with(repo, issue, null, "review", noClaude))
          .hasMessageContaining("no Claude token");
    }
  }
}
