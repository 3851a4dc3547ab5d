package dev.hydra.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.FakeMessagesApi;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.container.docker.DockerSupport;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No secret in a stage container, proven for every persona stage (issue 10 item 5): {@link
 * StageRunner} starts a real container of a probe image ({@code probe-agent.sh} on the Debian base)
 * whose agent prints its environment, {@code /proc/1/environ} and every small readable file where a
 * token could have been put, then makes one real request through the stage's model gateway to a
 * loopback upstream. The test looks for every persona and Claude token, in every encoding the
 * masker knows, in {@code docker inspect} of the running container (its environment, host config
 * and mounts), in the env-file handed to {@code docker run}, and in what the container printed,
 * captured raw before the runner masks it; and it checks that the gateway answered 200 and the
 * upstream got the real token.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class StageRunnerIT {

  static final String RUN = DockerSupport.unique("hydra-it-probe");
  static final String NETWORK = RUN + "-net";
  static final String REPO = "https://github.com/hydra-it/" + RUN;
  static final String REPO_LABEL = "hydra.repo=github.com/hydra-it/" + RUN;
  static String image = "";

  @TempDir static Path shared;
  @TempDir Path dir;

  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final Random random = new Random();
  final ClaudeToken account1 =
      ClaudeToken.of(
          "account-1", Secret.of("HYDRA_CLAUDE_TOKEN_1", TestTokens.claude(random.nextLong())));
  final ClaudeToken account2 =
      ClaudeToken.of(
          "account-2", Secret.of("HYDRA_CLAUDE_TOKEN_2", TestTokens.claude(random.nextLong())));
  final Credentials credentials = credentials();
  final SecretMasker masker = SecretMasker.of(credentials.secrets());

  FakeMessagesApi upstream;

  /** What the test saw on the way to Docker: env-files, the container's inspect, raw output. */
  final Recording recording = new Recording();

  Credentials credentials() {
    Map<Persona, Secret> git = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      git.put(
          persona, Secret.of("git_tokens." + persona.id(), TestTokens.github(random.nextLong())));
    }
    return Credentials.of(List.of(account1, account2), git);
  }

  @BeforeAll
  static void buildProbeImage() throws Exception {
    DockerSupport.requireDocker();
    image =
        DockerSupport.buildImage(
            shared,
            "FROM "
                + DockerSupport.BASE_IMAGE
                + "\nCOPY agent.sh /agent.sh\nENTRYPOINT [\"/bin/bash\", \"/agent.sh\"]\n",
            Map.of("agent.sh", resource("/dev/hydra/stage/probe-agent.sh")));
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

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = new FakeMessagesApi();
    upstream.script(account1.token().reveal(), FakeMessagesApi.Reply.text("hello"));
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    upstream.close();
    assertThat(DockerSupport.containersLabelled(REPO_LABEL)).as("containers left behind").isEmpty();
    try (var files = Files.walk(dir.resolve("env"))) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("env-files left behind").isEmpty();
    }
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = StageRunnerIT.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Stage.class,
      names = {"BUILD", "CODE_REVIEW", "SECURITY_REVIEW", "APPLIER"})
  void noTokenReachesTheContainerAndTheGatewayDoes(Stage stage) throws Exception {
    StageProfile profile =
        StageProfile.from(stage, Map.of(StageProfile.timeoutVariable(stage), "3"));
    StageRequest request =
        new StageRequest(
            profile,
            ImageRef.parse(image),
            REPO,
            REPO + "/issues/917",
            stage == Stage.BUILD ? null : REPO + "/pull/918",
            stage == Stage.BUILD ? "build" : stage == Stage.APPLIER ? "apply" : "review",
            credentials);
    StageResult result;
    try (TemporaryMounts mounts =
        TemporaryMounts.create(
            Map.of(
                "HYDRA_BRANCH", "hydra/917-probe",
                "HYDRA_BASE_SHA", "0123456789abcdef0123456789abcdef01234567"))) {
      Files.writeString(mounts.mounts().input().resolve("issue.md"), "# Issue 917\nprobe\n");
      result = runner().run(request, mounts.mounts());
    }

    String raw = String.join("\n", recording.output);
    assertThat(raw)
        .as("the probe ran: %s", log)
        .contains("PROBE env", "PROBE /proc/1/environ", "PROBE file /input/issue.md")
        .contains("ANTHROPIC_BASE_URL=http://", "ANTHROPIC_API_KEY=hydra-gateway-placeholder-")
        .contains("PROBE gateway HTTP/1.1 200");
    assertThat(raw).doesNotContain("GIT_TOKEN=", "CLAUDE_CODE_OAUTH_TOKEN=");
    assertNoSecret("what the container printed", raw);

    assertThat(recording.inspect).as("docker inspect of the running container").isNotEmpty();
    String inspect = String.join("\n", recording.inspect);
    assertThat(inspect).contains("\"Env\"", "\"HostConfig\"", "\"Mounts\"", "/input");
    assertNoSecret("docker inspect", inspect);

    assertThat(recording.envFiles).hasSize(1);
    assertThat(recording.envFiles.get(0)).contains("ANTHROPIC_API_KEY=hydra-gateway-placeholder-");
    assertNoSecret("the env-file", recording.envFiles.get(0));

    assertThat(result.modelRequests()).isEqualTo(1);
    assertThat(result.callsByAccount()).containsExactly(Map.entry("account-1", 1));
    assertThat(upstream.requests())
        .singleElement()
        .satisfies(r -> assertThat(r.credential()).isEqualTo(account1.token().reveal()));
    assertThat(result.verdictValue()).get().extracting(v -> v.stage()).isEqualTo(stage);
    TestTokens.assertNoTokenIn(String.join("\n", log));
  }

  void assertNoSecret(String where, String text) {
    assertThat(masker.mask(text)).as("a token in %s", where).isEqualTo(text);
    assertThat(masker.maskDecoded(text)).as("a token (decoded) in %s", where).isEqualTo(text);
    TestTokens.assertNoTokenIn(text);
  }

  StageRunner runner() {
    DockerCliRuntime runtime =
        new DockerCliRuntime(recording, "docker", dir.resolve("env"), Clock.systemUTC());
    return new StageRunner(
        runtime,
        Clock.systemUTC(),
        wait -> Thread.sleep(wait.toMillis()),
        log::add,
        StageRunner.Options.defaults()
            .withNetwork(NETWORK)
            .withModelUpstream(URI.create(upstream.baseUrl())));
  }

  /**
   * The docker CLI as the runtime calls it, recording on the way: each env-file's content when
   * {@code docker run} starts, the running container's {@code docker inspect}, and every output
   * line as the container wrote it.
   */
  static final class Recording implements CommandRunner {
    final List<String> envFiles = Collections.synchronizedList(new ArrayList<>());
    final List<String> inspect = Collections.synchronizedList(new ArrayList<>());
    final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Result run(List<String> argv, Duration timeout)
        throws IOException, InterruptedException {
      return DockerSupport.RUNNER.run(argv, timeout);
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr)
        throws IOException, InterruptedException {
      int envFile = argv.indexOf("--env-file");
      if (envFile > 0) {
        envFiles.add(Files.readString(Path.of(argv.get(envFile + 1))));
      }
      String name = argv.get(argv.indexOf("--name") + 1);
      Thread inspector = new Thread(() -> inspect(name), "inspect-" + name);
      inspector.setDaemon(true);
      inspector.start();
      try {
        return DockerSupport.RUNNER.stream(
            argv,
            timeout,
            line -> {
              output.add(line);
              stdout.accept(line);
            },
            line -> {
              output.add(line);
              stderr.accept(line);
            });
      } finally {
        inspector.interrupt();
        inspector.join(10_000);
      }
    }

    // Polls until the container exists, then keeps its inspect (the probe sleeps 2 s first).
    private void inspect(String name) {
      try {
        for (int i = 0; i < 300 && inspect.isEmpty(); i++) {
          Result r =
              DockerSupport.RUNNER.run(
                  List.of("docker", "inspect", "--", name), Duration.ofSeconds(20));
          if (r.exitCode() == 0 && r.stdout().contains("\"Running\": true")) {
            inspect.add(r.stdout());
            return;
          }
          Thread.sleep(100);
        }
      } catch (IOException e) {
        inspect.add("inspect failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
