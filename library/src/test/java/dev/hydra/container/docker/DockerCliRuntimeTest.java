package dev.hydra.container.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerPlan;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerSpec;
import dev.hydra.container.HostPin;
import dev.hydra.container.Mount;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerCliRuntimeTest {

  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
  static final String SECRET = "s3cr3t-value-for-the-builder-token";

  @TempDir Path dir;

  /**
   * Records every argv; answers streamed runs and plain runs from canned values. {@code docker
   * info} calls are kept apart, in {@link #infoCalls}, and answered with {@link #info}: an engine
   * with 8 CPUs unless a test says otherwise.
   */
  static final class FakeRunner implements CommandRunner {
    final List<List<String>> calls = new ArrayList<>();
    final List<List<String>> infoCalls = new ArrayList<>();
    final List<String> envFileSeen = new ArrayList<>();
    Streamed streamed = new Streamed(0, false);
    List<String> stderrLines = List.of();
    Result plain = new Result(0, "", "");
    Result info = new Result(0, "8\n", "");
    @Nullable IOException infoFailure;

    @Override
    public Result run(List<String> argv, Duration timeout) throws IOException {
      if (argv.get(1).equals("info")) {
        infoCalls.add(argv);
        if (infoFailure != null) {
          throw infoFailure;
        }
        return info;
      }
      calls.add(argv);
      return plain;
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr) {
      calls.add(argv);
      int i = argv.indexOf("--env-file");
      try {
        Path env = Path.of(argv.get(i + 1));
        envFileSeen.add(Files.readString(env));
        envFileSeen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      stdout.accept("hello from the container");
      stderrLines.forEach(stderr);
      return streamed;
    }
  }

  ContainerSpec spec(Duration timeout) {
    return new ContainerSpec(
        "localhost/hydra-builder:test",
        "hydra-build-7-abc123",
        "hydra-net",
        4,
        8L << 30,
        512,
        512L << 20,
        2L << 30,
        Set.of("NET_ADMIN", "SETUID", "SETGID"),
        Map.of("REPO_URL", "https://github.com/o/r.git", "HYDRA_MODE", "build"),
        List.of(new Mount(dir, "/input", true)),
        Map.of("hydra.stage", "build", "hydra.issue", "7"),
        timeout);
  }

  DockerCliRuntime runtime(FakeRunner runner, Clock clock) {
    return new DockerCliRuntime(runner, "docker", dir.resolve("secrets"), clock);
  }

  @Test
  void pinnedHostsGoIntoTheContainersHostsFileAfterTheNetwork() throws Exception {
    FakeRunner runner = new FakeRunner();
    ContainerSpec pinned =
        spec(Duration.ofMinutes(35))
            .withHosts(
                List.of(
                    new HostPin("pypi.org", java.net.InetAddress.getByName("192.0.2.10")),
                    new HostPin("pypi.org", java.net.InetAddress.getByName("2001:db8::10"))));
    runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC)).run(pinned, l -> {}, l -> {});
    assertThat(String.join(" ", runner.calls.get(0)))
        .contains(
            "--network hydra-net --add-host pypi.org:192.0.2.10"
                + " --add-host pypi.org:2001:db8:0:0:0:0:0:10");
  }

  @Test
  void runsWithTheHardeningFlagsAndNoValueOnTheCommandLine() throws Exception {
    FakeRunner runner = new FakeRunner();
    List<String> out = new ArrayList<>();
    ContainerResult result =
        runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC))
            .run(spec(Duration.ofMinutes(35)), out::add, l -> {});

    assertThat(result.exitCode()).isZero();
    assertThat(result.timedOut()).isFalse();
    assertThat(out).containsExactly("hello from the container");
    List<String> argv = runner.calls.get(0);
    assertThat(argv.subList(0, 6))
        .containsExactly("docker", "run", "--rm", "--name", "hydra-build-7-abc123", "--init");
    assertThat(String.join(" ", argv))
        .contains("--read-only")
        .contains("--tmpfs /tmp:rw,nosuid,nodev,size=536870912")
        .contains("--tmpfs /workspace:rw,nosuid,nodev,size=2147483648")
        .contains("--security-opt no-new-privileges")
        .contains("--cap-drop ALL --cap-add NET_ADMIN --cap-add SETGID --cap-add SETUID")
        .contains("--cpus 4.0 --memory 8589934592 --memory-swap 8589934592 --pids-limit 512")
        .contains("--network hydra-net")
        .contains("--label hydra.managed=true")
        .contains("--label hydra.deadline=" + NOW.plus(Duration.ofMinutes(35)).getEpochSecond())
        .contains("--mount type=bind,source=" + dir + ",target=/input,readonly")
        .endsWith("-- localhost/hydra-builder:test")
        .doesNotContain("https://github.com/o/r.git");
    assertThat(runner.envFileSeen.get(0).lines())
        .containsExactlyInAnyOrder("HYDRA_MODE=build", "REPO_URL=https://github.com/o/r.git");
    assertThat(runner.envFileSeen.get(1)).isEqualTo("rw-------");
    assertThat(dir.resolve("secrets").resolve("hydra-build-7-abc123.env")).doesNotExist();
    // An attached `docker run --rm` that returns a container exit code has removed it already.
    assertThat(runner.calls).hasSize(1);
  }

  /** The {@code --cpus} value of the last {@code docker run}. */
  static String cpusOf(FakeRunner runner) {
    List<String> argv = runner.calls.get(runner.calls.size() - 1);
    return argv.get(argv.indexOf("--cpus") + 1);
  }

  @Test
  void aCpuLimitAboveTheEnginesIsClampedAndTheEngineIsAskedOnce() throws Exception {
    FakeRunner runner = new FakeRunner();
    runner.info = new CommandRunner.Result(0, "2\n", "");
    DockerCliRuntime runtime = runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC));

    runtime.run(spec(Duration.ofMinutes(35)), l -> {}, l -> {});
    assertThat(cpusOf(runner)).isEqualTo("2.0");
    runtime.run(spec(Duration.ofMinutes(35)), l -> {}, l -> {});
    assertThat(cpusOf(runner)).isEqualTo("2.0");

    assertThat(runner.infoCalls)
        .containsExactly(List.of("docker", "info", "--format", "{{.NCPU}}"));
    // The memory limit is never clamped: the kernel accepts one above the host's memory.
    assertThat(String.join(" ", runner.calls.get(1)))
        .contains("--memory 8589934592 --memory-swap 8589934592");
  }

  @Test
  void aCpuLimitTheEngineCanGiveIsKept() throws Exception {
    FakeRunner runner = new FakeRunner();
    runner.info = new CommandRunner.Result(0, "4", "");
    runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC))
        .run(spec(Duration.ofMinutes(35)), l -> {}, l -> {});
    assertThat(cpusOf(runner)).isEqualTo("4.0");
  }

  @Test
  void anUnreadableCpuCountKeepsTheRequestedLimit() throws Exception {
    for (CommandRunner.Result answer :
        List.of(
            new CommandRunner.Result(1, "", "Cannot connect to the Docker daemon"),
            new CommandRunner.Result(0, "", ""),
            new CommandRunner.Result(0, "0\n", ""),
            new CommandRunner.Result(0, "two", ""))) {
      FakeRunner runner = new FakeRunner();
      runner.info = answer;
      DockerCliRuntime runtime = runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC));
      runtime.run(spec(Duration.ofMinutes(35)), l -> {}, l -> {});
      runtime.run(spec(Duration.ofMinutes(35)), l -> {}, l -> {});
      assertThat(cpusOf(runner)).as("engine answered %s", answer).isEqualTo("4.0");
      assertThat(runner.infoCalls).as("asked once, even without an answer").hasSize(1);
    }

    FakeRunner noCli = new FakeRunner();
    noCli.infoFailure = new IOException("Cannot run program \"docker\"");
    runtime(noCli, Clock.fixed(NOW, ZoneOffset.UTC))
        .run(spec(Duration.ofMinutes(35)), l -> {}, l -> {});
    assertThat(cpusOf(noCli)).isEqualTo("4.0");
  }

  @Test
  void aCommandReplacesTheImagesEntrypointAndAStageKeepsIt() throws Exception {
    ContainerSpec stage = spec(Duration.ofMinutes(35));
    ContainerSpec gate =
        new ContainerSpec(
            stage.image(),
            "hydra-gate-lint-abc123",
            ContainerSpec.NO_NETWORK,
            2,
            4L << 30,
            1024,
            1L << 30,
            1L << 30,
            Set.of(),
            Map.of("HYDRA_GATE_NAME", "lint"),
            List.of(),
            Map.of("hydra.gate", "lint"),
            Duration.ofMinutes(10),
            List.of("/bin/sh", "-c", "make lint"),
            "/workspace");
    DockerCliRuntime runtime = runtime(new FakeRunner(), Clock.fixed(NOW, ZoneOffset.UTC));

    List<String> argv = runtime.plan(gate).command();
    // A persona image's ENTRYPOINT (hydra-entrypoint) would start the agent and ignore arguments.
    assertThat(argv)
        .containsSubsequence("--entrypoint", "/bin/sh", "--", stage.image(), "-c", "make lint");
    assertThat(argv.subList(argv.indexOf("--") + 1, argv.size()))
        .containsExactly(stage.image(), "-c", "make lint");
    assertThat(argv.subList(0, argv.indexOf("--"))).containsOnlyOnce("--entrypoint");
    assertThat(runtime.plan(stage).command())
        .doesNotContain("--entrypoint")
        .endsWith("--", stage.image());
  }

  @Test
  void thePlanIsTheArgvRunWouldUseAndWritesNoFile() throws Exception {
    FakeRunner runner = new FakeRunner();
    DockerCliRuntime runtime = runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC));
    ContainerPlan plan = runtime.plan(spec(Duration.ofMinutes(35)));
    runtime.run(spec(Duration.ofMinutes(35)), l -> {}, l -> {});

    assertThat(plan.command()).isEqualTo(runner.calls.get(0));
    assertThat(plan.command())
        .containsSubsequence(
            "--env-file",
            dir.resolve("secrets").resolve("hydra-build-7-abc123.env").toString(),
            "--",
            "localhost/hydra-builder:test");
    assertThat(plan.environment())
        .containsExactly(
            Map.entry("HYDRA_MODE", "build"), Map.entry("REPO_URL", "https://github.com/o/r.git"));
    assertThat(dir.resolve("secrets").resolve("hydra-build-7-abc123.env")).doesNotExist();
  }

  @Test
  void aTimeoutKillsAndRemovesTheContainer() throws Exception {
    FakeRunner runner = new FakeRunner();
    runner.streamed = new CommandRunner.Streamed(143, true);
    ContainerResult result =
        runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC))
            .run(spec(Duration.ofSeconds(5)), l -> {}, l -> {});
    assertThat(result.timedOut()).isTrue();
    assertThat(result.outOfMemory()).isFalse();
    assertThat(result.describe()).contains("timed out");
    assertThat(runner.calls.get(1)).containsExactly("docker", "kill", "--", "hydra-build-7-abc123");
    assertThat(runner.calls.get(2)).contains("rm", "--force");
  }

  @Test
  void exit137WithoutATimeoutIsOutOfMemory() throws Exception {
    FakeRunner runner = new FakeRunner();
    runner.streamed = new CommandRunner.Streamed(137, false);
    ContainerResult result =
        runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC))
            .run(spec(Duration.ofMinutes(1)), l -> {}, l -> {});
    assertThat(result.outOfMemory()).isTrue();
    assertThat(result.describe()).contains("out of memory");
    // 137 may also be the docker CLI itself killed, with its container still running.
    assertThat(runner.calls.get(1))
        .containsExactly("docker", "rm", "--force", "--volumes", "--", "hydra-build-7-abc123");
  }

  @Test
  void aDockerErrorIsAContainerExceptionQuotingStderrAndStillCleansUp() {
    FakeRunner runner = new FakeRunner();
    runner.streamed = new CommandRunner.Streamed(125, false);
    runner.stderrLines =
        List.of(
            "Unable to find image 'localhost/hydra-builder:test' locally", "pull access denied");
    assertThatThrownBy(
            () ->
                runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC))
                    .run(spec(Duration.ofMinutes(1)), l -> {}, l -> {}))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("'docker run' failed for image localhost/hydra-builder:test")
        .hasMessageContaining("pull access denied");
    assertThat(runner.calls.get(runner.calls.size() - 1)).contains("rm", "--force");
    assertThat(dir.resolve("secrets").resolve("hydra-build-7-abc123.env")).doesNotExist();
  }

  @Test
  void sweepRemovesOnlyContainersPastTheirDeadline() throws Exception {
    FakeRunner runner = new FakeRunner();
    long past = NOW.minusSeconds(10).getEpochSecond();
    long future = NOW.plusSeconds(600).getEpochSecond();
    runner.plain =
        new CommandRunner.Result(
            0, "hydra-old\t" + past + "\nhydra-new\t" + future + "\nhydra-odd\tnot-a-number\n", "");
    List<String> removed = runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC)).sweepExpired(NOW);
    assertThat(removed).containsExactly("hydra-old");
    assertThat(runner.calls.get(0)).contains("ps", "--all", "label=hydra.managed=true");
    assertThat(runner.calls.get(1))
        .containsExactly("docker", "rm", "--force", "--volumes", "--", "hydra-old");
  }

  @Test
  void aWorkspaceMountReplacesTheWorkspaceTmpfs() throws Exception {
    ContainerSpec base = spec(Duration.ofMinutes(35));
    ContainerSpec mounted =
        new ContainerSpec(
            base.image(),
            base.name(),
            base.network(),
            base.cpus(),
            base.memoryBytes(),
            base.pidsLimit(),
            base.tmpBytes(),
            base.workspaceBytes(),
            base.capAdd(),
            base.env(),
            List.of(new Mount(dir, "/workspace", false), new Mount(dir, "/input", true)),
            base.labels(),
            base.timeout());
    FakeRunner runner = new FakeRunner();
    runtime(runner, Clock.fixed(NOW, ZoneOffset.UTC)).run(mounted, l -> {}, l -> {});
    assertThat(String.join(" ", runner.calls.get(0)))
        .doesNotContain("--tmpfs /workspace")
        .contains("--tmpfs /tmp:")
        .contains("--mount type=bind,source=" + dir + ",target=/workspace --mount")
        .contains("target=/input,readonly");
  }

  @Test
  void theNetworkIsCreatedOnlyWhenMissingAndItsGatewayReturned() throws Exception {
    FakeRunner runner = new FakeRunner();
    runner.plain = new CommandRunner.Result(0, "fd00:1::1\n172.18.0.1\n", "");
    assertThat(runtime(runner, Clock.systemUTC()).ensureNetwork("hydra-net"))
        .isEqualTo(InetAddress.getByName("172.18.0.1"));
    assertThat(runner.calls).hasSize(1);
    assertThat(runner.calls.get(0))
        .containsSubsequence("network", "inspect", "--format")
        .endsWith("--", "hydra-net");

    FakeRunner v6 = new FakeRunner();
    v6.plain = new CommandRunner.Result(0, "fd00:1::1\n", "");
    assertThat(runtime(v6, Clock.systemUTC()).ensureNetwork("hydra-net"))
        .isEqualTo(InetAddress.getByName("fd00:1::1"));

    FakeRunner none = new FakeRunner();
    none.plain = new CommandRunner.Result(0, "\n", "");
    assertThatThrownBy(() -> runtime(none, Clock.systemUTC()).ensureNetwork("hydra-net"))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("has no gateway address")
        .hasMessageContaining("docker network rm hydra-net");

    FakeRunner missing = new FakeRunner();
    missing.plain = new CommandRunner.Result(1, "", "Error: No such network: hydra-net");
    assertThatThrownBy(() -> runtime(missing, Clock.systemUTC()).ensureNetwork("hydra-net"))
        .hasMessageContaining("docker network create hydra-net");
    assertThat(missing.calls.get(1))
        .contains("network", "create", "--driver", "bridge", "hydra-net");
  }

  @Test
  void specsRefuseDangerousValues() {
    assertThatThrownBy(
            () ->
                new ContainerSpec(
                    "--privileged",
                    "n",
                    "net",
                    1,
                    1,
                    1,
                    1,
                    1,
                    Set.of(),
                    Map.of(),
                    List.of(),
                    Map.of(),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("invalid image");
    assertThatThrownBy(
            () ->
                new ContainerSpec(
                    "img",
                    "n",
                    "net",
                    1,
                    1,
                    1,
                    1,
                    1,
                    Set.of("SYS_ADMIN"),
                    Map.of(),
                    List.of(),
                    Map.of(),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("SYS_ADMIN");
    assertThatThrownBy(
            () ->
                new ContainerSpec(
                    "img",
                    "n",
                    "net",
                    1,
                    1,
                    1,
                    1,
                    1,
                    Set.of(),
                    Map.of("T", "a\nB=c"),
                    List.of(),
                    Map.of(),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("line break");
    assertThat(spec(Duration.ofMinutes(1)).toString()).doesNotContain(SECRET);
  }

  @Test
  void envFilesOfAKilledRunnerAreSweptOnceTheyAreOlderThanAnyStage() throws Exception {
    Path stale = Files.createDirectory(dir.resolve("hydra-secrets-111"));
    Files.writeString(stale.resolve("hydra-build-1-x.env"), "GIT_TOKEN=" + SECRET);
    Files.setLastModifiedTime(
        stale, java.nio.file.attribute.FileTime.from(NOW.minus(Duration.ofHours(8))));
    Path live = Files.createDirectory(dir.resolve("hydra-secrets-222"));
    Files.writeString(live.resolve("hydra-build-2-y.env"), "GIT_TOKEN=" + SECRET);
    Files.setLastModifiedTime(
        live, java.nio.file.attribute.FileTime.from(NOW.minus(Duration.ofHours(1))));
    Files.createDirectory(dir.resolve("unrelated"));

    assertThat(DockerCliRuntime.sweepStaleSecretDirs(dir, NOW)).isEqualTo(1);
    assertThat(stale).doesNotExist();
    assertThat(live.resolve("hydra-build-2-y.env")).exists();
    assertThat(dir.resolve("unrelated")).exists();
  }
}
