package dev.hydra.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.container.docker.DockerSupport;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.secret.Secret;
import dev.hydra.verdict.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StageRunner} against a real Docker engine, with a fake agent image built from the local
 * base image: its entrypoint replays a recorded {@code stream-json} run chosen by the Claude token
 * it receives, and prints the git token in several encodings.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StageRunnerIT {

  static final String RUN = DockerSupport.unique("hydra-it-stage");
  static final String NETWORK = RUN + "-net";
  static final String REPO = "https://github.com/hydra-it/" + RUN;
  static final String REPO_LABEL = "hydra.repo=github.com/hydra-it/" + RUN;
  static String image = "";

  @TempDir static Path shared;
  @TempDir Path dir;

  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final List<Duration> slept = new ArrayList<>();
  final String git = TestTokens.special(new Random().nextLong());

  @BeforeAll
  static void buildFakeAgentImage() throws Exception {
    DockerSupport.requireDocker();
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("agent.sh", resource("/dev/hydra/stage/fake-agent.sh"));
    for (String fixture :
        List.of(
            "rejected.jsonl",
            "overloaded.jsonl",
            "unauthorized.jsonl",
            "allowed-warning.jsonl",
            "spliced.jsonl",
            "success.jsonl")) {
      files.put("fixtures/" + fixture, resource("/dev/hydra/agent/" + fixture));
    }
    image =
        DockerSupport.buildImage(
            shared,
            "FROM "
                + DockerSupport.BASE_IMAGE
                + "\nCOPY fixtures/ /fixtures/\nCOPY agent.sh /agent.sh\n"
                + "ENTRYPOINT [\"/bin/sh\", \"/agent.sh\"]\n",
            files);
  }

  @AfterAll
  static void removeImageAndNetwork() throws Exception {
    if (image.isEmpty()) {
      return;
    }
    for (String name : DockerSupport.containersLabelled(REPO_LABEL)) {
      DockerSupport.RUNNER.run(List.of("docker", "rm", "--force", name), Duration.ofMinutes(1));
    }
    DockerSupport.removeNetwork(NETWORK);
    DockerSupport.removeImage(image);
    assertThat(DockerSupport.networkExists(NETWORK)).as("network left behind").isFalse();
    assertThat(DockerSupport.imageExists(image)).as("image left behind").isFalse();
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    assertThat(DockerSupport.containersLabelled(REPO_LABEL)).as("containers left behind").isEmpty();
    try (var files = Files.walk(dir.resolve("secrets"))) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("env-files left behind").isEmpty();
    }
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = StageRunnerIT.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  /** The random part of every Claude token handed out by {@link #claude}. */
  final List<String> claudeSecrets = new ArrayList<>();

  /**
   * A Claude token that tells the fake agent which recorded run to replay. Not registered with
   * {@link TestTokens}: the scenario word in it appears in the fixtures, so the leak check looks
   * for the whole token and its random part instead.
   */
  ClaudeToken claude(String account, String scenario) {
    String random = Long.toHexString(new Random().nextLong()) + "Xy9Zq";
    claudeSecrets.add(random);
    String value = "sk-" + "ant-oat01-" + scenario + "-" + random;
    return ClaudeToken.of(account, Secret.of(account, value));
  }

  /**
   * The stage's profile with its real CPU limit, capabilities and tmpfs, and memory sized for a
   * test machine. The CPU limit may exceed the machine's: the runtime clamps it to the engine's.
   */
  static StageProfile profile(Stage stage, Duration timeout) {
    StageProfile d = StageProfile.defaults(stage);
    return new StageProfile(
        d.stage(),
        d.persona(),
        d.cpus(),
        512L << 20,
        128,
        d.tmpBytes(),
        d.workspaceBytes(),
        d.capabilities(),
        timeout,
        d.model(),
        d.fallbackModel());
  }

  StageRunner runner(boolean actions, int overloadRetries) {
    DockerCliRuntime runtime =
        new DockerCliRuntime(
            new CommonsExecCommandRunner(), "docker", dir.resolve("secrets"), Clock.systemUTC());
    return new StageRunner(
        runtime,
        Clock.systemUTC(),
        slept::add,
        log::add,
        new StageRunner.Options(NETWORK, actions, overloadRetries, Duration.ofSeconds(1)));
  }

  StageRequest request(Duration timeout, ClaudeToken... tokens) throws IOException {
    Path spec = Files.createDirectories(dir.resolve("spec"));
    Files.writeString(spec.resolve("proposal.md"), "add a health endpoint");
    return new StageRequest(
        profile(Stage.CODE_REVIEW, timeout),
        ImageRef.parse(image),
        REPO,
        REPO + "/issues/7",
        REPO + "/pull/9",
        spec,
        "review",
        Credentials.of(List.of(tokens), Map.of(Persona.REVIEWER, Secret.of("reviewer", git))));
  }

  StageRequest request(ClaudeToken... tokens) throws IOException {
    return request(Duration.ofMinutes(2), tokens);
  }

  /** The lines of the log that are not add-mask registrations (which hold the secrets). */
  List<String> shown() {
    return log.stream().filter(l -> !l.startsWith("::add-mask::")).toList();
  }

  void assertNothingLeaked() {
    String all = String.join("\n", shown());
    TestTokens.assertNoTokenIn(all);
    String b64 = Base64.getEncoder().encodeToString(git.getBytes(StandardCharsets.UTF_8));
    String basic =
        Base64.getEncoder()
            .encodeToString(("x-access-token:" + git).getBytes(StandardCharsets.UTF_8));
    assertThat(all)
        .doesNotContain(git, b64, basic, URLEncoder.encode(git, StandardCharsets.UTF_8))
        .contains("| raw ***", "| base64 ***", "| basic Authorization: Basic ***")
        .contains("| url https://example.test/?t=***", "| json {\"token\":\"***\"}")
        .contains("| claude ***", "! stderr ***");
    for (String random : claudeSecrets) {
      assertThat(all).doesNotContain(random);
    }
  }

  int indexOf(String part) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aRejectedTokenRotatesToTheNextAndNothingLeaks() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    StageResult result =
        runner(false, 2)
            .run(request(claude("account-1", "rejected"), claude("account-2", "success")), pool);

    assertThat(result.status()).as(String.join("\n", log)).isEqualTo(StageResult.Status.PASSED);
    assertThat(result.attempts())
        .extracting(StageResult.Attempt::token)
        .containsExactly("account-1", "account-2");
    assertThat(result.attempts().get(0).result()).extracting(r -> r.exitCode()).isEqualTo(1);
    assertThat(result.container()).get().extracting(r -> r.exitCode()).isEqualTo(0);
    assertThat(result.tokenName()).contains("account-2");
    assertThat(result.verdictValue())
        .get()
        .extracting(v -> v.summary())
        .isEqualTo("fake agent passed");
    assertThat(pool.exhausted()).containsKey("account-1");
    // Each attempt's container replayed the run its own token chose.
    int first = indexOf("Claude token account-1");
    int second = indexOf("Claude token account-2");
    assertThat(indexOf("replaying rejected.jsonl")).isBetween(first, second);
    assertThat(indexOf("replaying success.jsonl")).isGreaterThan(second);
    // The profile's capabilities (NET_ADMIN, SETUID, SETGID, SETPCAP = 0x11c0) and the read-only
    // spec mount really hold.
    assertThat(log)
        .anyMatch(l -> l.endsWith("| CapBnd:\t00000000000011c0"))
        .anyMatch(l -> l.endsWith("| NoNewPrivs:\t1"))
        .anyMatch(l -> l.endsWith("| spec: add a health endpoint"))
        .anyMatch(l -> l.contains("Read-only file system"));
    assertThat(dir.resolve("spec").resolve("written-by-agent")).doesNotExist();
    assertNothingLeaked();
    assertThat(slept).isEmpty();
  }

  @Test
  void theBuilderRunsWithItsFourCpusClampedToTheEngines() throws Exception {
    StageProfile builder = profile(Stage.BUILD, Duration.ofMinutes(2));
    assertThat(builder.cpus()).isEqualTo(4);
    StageRequest request =
        new StageRequest(
            builder,
            ImageRef.parse(image),
            REPO,
            REPO + "/issues/7",
            null,
            null,
            "build",
            Credentials.of(
                List.of(claude("account-1", "success")),
                Map.of(Persona.BUILDER, Secret.of("builder", git))));
    StageResult result = runner(false, 2).run(request);

    assertThat(result.status()).as(String.join("\n", log)).isEqualTo(StageResult.Status.PASSED);
    assertThat(result.verdictValue().flatMap(Verdict::builder))
        .get()
        .extracting(Verdict.BuilderResult::branch)
        .isEqualTo("hydra/7-fake-agent");
    int cpus = Math.min(4, DockerSupport.engineCpus());
    assertThat(log).anyMatch(l -> l.endsWith("| cpu: " + DockerSupport.cpuQuota(cpus)));
  }

  @Test
  void aRateLimitEventSplicedMidLineRotates() throws Exception {
    StageResult result =
        runner(false, 2)
            .run(request(claude("account-1", "spliced"), claude("account-2", "success")));
    assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
    assertThat(result.attempts())
        .extracting(StageResult.Attempt::token)
        .containsExactly("account-1", "account-2");
  }

  @Test
  void allAccountsRateLimitedEndsWithoutSpinning() throws Exception {
    StageResult result =
        runner(false, 2)
            .run(request(claude("account-1", "rejected"), claude("account-2", "spliced")));
    assertThat(result.status()).isEqualTo(StageResult.Status.RATE_LIMITED);
    assertThat(result.message()).startsWith("rate-limited on all accounts, next reset at ");
    assertThat(result.attempts()).hasSize(2);
  }

  @Test
  void overloadBacksOffOnTheSameToken() throws Exception {
    StageResult result =
        runner(false, 1)
            .run(request(claude("account-1", "overloaded"), claude("account-2", "success")));
    assertThat(result.status()).isEqualTo(StageResult.Status.FAILED);
    assertThat(result.message()).contains("overloaded after 2 attempts");
    assertThat(result.attempts())
        .extracting(StageResult.Attempt::token)
        .containsExactly("account-1", "account-1");
    assertThat(slept).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void aRefusedTokenIsQuarantined() throws Exception {
    ClaudeTokenPool pool = new ClaudeTokenPool(List.of("account-1", "account-2"));
    StageResult result =
        runner(false, 2)
            .run(
                request(claude("account-1", "unauthorized"), claude("account-2", "success")), pool);
    assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
    assertThat(pool.quarantined()).containsOnlyKeys("account-1");
    assertThat(pool.exhausted()).isEmpty();
  }

  @Test
  void anAllowedWarningPassesOnTheFirstToken() throws Exception {
    StageResult result =
        runner(false, 2)
            .run(request(claude("account-1", "warning"), claude("account-2", "success")));
    assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);
    assertThat(result.attempts()).hasSize(1);
  }

  @Test
  void noVerdictIsAFailureWithTheReason() throws Exception {
    StageResult result = runner(false, 2).run(request(claude("account-1", "noverdict")));
    assertThat(result.status()).isEqualTo(StageResult.Status.NO_VERDICT);
    assertThat(result.message()).contains("printed no line starting with `HYDRA-VERDICT `");
  }

  @Test
  void theTimeoutKillsAndRemovesTheContainerAndIsNoRateLimit() throws Exception {
    long started = System.nanoTime();
    StageResult result =
        runner(false, 2)
            .run(
                request(
                    Duration.ofSeconds(3),
                    claude("account-1", "hang"),
                    claude("account-2", "success")));
    assertThat(result.status()).isEqualTo(StageResult.Status.TIMED_OUT);
    assertThat(result.attempts()).hasSize(1);
    assertThat(log).anyMatch(l -> l.endsWith("| fake-agent: hanging"));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void inActionsMasksComeFirstAndTheAgentCannotIssueCommands() throws Exception {
    StageResult result =
        runner(true, 2)
            .run(request(claude("account-1", "rejected"), claude("account-2", "success")));
    assertThat(result.status()).isEqualTo(StageResult.Status.PASSED);

    int masks = 0;
    while (log.get(masks).startsWith("::add-mask::")) {
      masks++;
    }
    assertThat(masks).isGreaterThan(10);
    assertThat(log.subList(masks, log.size())).noneMatch(l -> l.startsWith("::add-mask::"));
    List<String> stops = log.stream().filter(l -> l.startsWith("::stop-commands::")).toList();
    assertThat(stops).hasSize(2).doesNotHaveDuplicates();
    for (String stop : stops) {
      int open = log.indexOf(stop);
      int close = log.indexOf("::" + stop.substring("::stop-commands::".length()) + "::");
      assertThat(close).isGreaterThan(open);
      List<String> fenced = log.subList(open + 1, close);
      assertThat(fenced).anyMatch(l -> l.endsWith("| ::error::forged by the agent"));
    }
    assertThat(log)
        .filteredOn(l -> l.contains("::error::forged"))
        .hasSize(2)
        .allMatch(l -> !l.startsWith("::"));
    assertNothingLeaked();
  }
}
