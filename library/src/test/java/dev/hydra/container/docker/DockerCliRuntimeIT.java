package dev.hydra.container.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The hardening of SPEC §5 and the clean-up guarantees, checked against a real Docker engine. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DockerCliRuntimeIT {

  static final String PREFIX = DockerSupport.unique("hydra-it");
  static final String NETWORK = PREFIX + "-net";
  static String image = "";

  @TempDir static Path shared;
  @TempDir Path dir;

  final List<String> out = Collections.synchronizedList(new ArrayList<>());
  final List<String> err = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void buildTestImage() throws Exception {
    DockerSupport.requireDocker();
    // The test image runs whatever TEST_SCRIPT says; the variable arrives through the env-file.
    image =
        DockerSupport.buildImage(
            shared,
            "FROM "
                + DockerSupport.BASE_IMAGE
                + "\nENTRYPOINT [\"/bin/sh\", \"-c\", \"eval \\\"$TEST_SCRIPT\\\"\"]\n");
    new DockerCliRuntime(DockerSupport.RUNNER, "docker", shared.resolve("s"), Clock.systemUTC())
        .ensureNetwork(NETWORK);
  }

  @AfterAll
  static void removeTestImageAndNetwork() throws Exception {
    if (!image.isEmpty()) {
      for (String name : DockerSupport.containers(PREFIX)) {
        DockerSupport.RUNNER.run(List.of("docker", "rm", "--force", name), Duration.ofMinutes(1));
      }
      DockerSupport.removeNetwork(NETWORK);
      DockerSupport.removeImage(image);
    }
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    assertThat(DockerSupport.containers(PREFIX)).as("containers left behind").isEmpty();
  }

  DockerCliRuntime runtime() {
    return new DockerCliRuntime(
        DockerSupport.RUNNER, "docker", dir.resolve("secrets"), Clock.systemUTC());
  }

  ContainerSpec spec(String script, Map<String, String> vars, Duration timeout) {
    return spec(script, vars, timeout, 1);
  }

  ContainerSpec spec(String script, Map<String, String> vars, Duration timeout, double cpus) {
    Map<String, String> env = new java.util.HashMap<>(vars);
    env.put("TEST_SCRIPT", script);
    return new ContainerSpec(
        image,
        DockerSupport.unique(PREFIX),
        NETWORK,
        cpus,
        256L << 20,
        64,
        16L << 20,
        16L << 20,
        Set.of(),
        env,
        List.of(),
        Map.of("hydra.stage", "test"),
        timeout);
  }

  @Test
  void theHardeningFlagsHoldInsideTheContainer() throws Exception {
    String script =
        "grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status;"
            + " touch /usr/hydra 2>&1 || true;"
            + " dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>&1 || true;"
            + " echo workspace-writable > /workspace/ok && cat /workspace/ok";
    ContainerResult result =
        runtime().run(spec(script, Map.of(), Duration.ofMinutes(2)), out::add, err::add);
    assertThat(result.exitCode()).as("stderr: %s", err).isZero();
    assertThat(out)
        .contains("CapEff:\t0000000000000000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1")
        .anyMatch(l -> l.contains("Read-only file system"))
        .anyMatch(l -> l.contains("No space left on device"))
        .anyMatch(l -> l.startsWith("16777216 bytes"))
        .contains("workspace-writable");
  }

  @Test
  void aCpuLimitAboveTheEnginesIsClampedInsteadOfRefused() throws Exception {
    // Unclamped, the daemon would refuse this with "Range of CPUs is from 0.01 to N" (exit 125).
    int engine = DockerSupport.engineCpus();
    String script =
        "if [ -r /sys/fs/cgroup/cpu.max ]; then cat /sys/fs/cgroup/cpu.max; else"
            + " echo \"$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)"
            + " $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)\"; fi";
    ContainerResult result =
        runtime()
            .run(spec(script, Map.of(), Duration.ofMinutes(2), engine + 2), out::add, err::add);
    assertThat(result.exitCode()).as("stderr: %s", err).isZero();
    assertThat(out).containsExactly(DockerSupport.cpuQuota(engine));
  }

  @Test
  void variablesArriveThroughAnEnvFileThatIsDeletedAfterwards() throws Exception {
    String token = "value-" + DockerSupport.unique("var");
    ContainerResult result =
        runtime()
            .run(
                spec(
                    "test \"$HYDRA_BRANCH\" = \"" + token + "\" && echo token-present",
                    Map.of("HYDRA_BRANCH", token),
                    Duration.ofMinutes(2)),
                out::add,
                err::add);
    assertThat(result.exitCode()).isZero();
    assertThat(out).containsExactly("token-present");
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("env-files deleted").isEmpty();
    }
  }

  @Test
  void theDeadlineKillsAndRemovesTheContainer() throws Exception {
    long started = System.nanoTime();
    ContainerResult result =
        runtime()
            .run(
                spec("echo started; sleep 300", Map.of(), Duration.ofSeconds(3)),
                out::add,
                err::add);
    assertThat(result.timedOut()).isTrue();
    assertThat(out).contains("started");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void outOfMemoryIsToldApartFromATimeout() throws Exception {
    // A 256 MiB container that asks for 1 GiB gets the kernel's OOM killer: exit 137.
    ContainerResult result =
        runtime()
            .run(
                spec(
                    "perl -e '$x = \"a\" x (1 << 30); print \"survived\\n\"'",
                    Map.of(),
                    Duration.ofMinutes(2)),
                out::add,
                err::add);
    assertThat(result.timedOut()).isFalse();
    assertThat(result.exitCode()).as("stderr: %s", err).isEqualTo(ContainerResult.KILLED);
    assertThat(result.outOfMemory()).isTrue();
    assertThat(out).doesNotContain("survived");
  }

  @Test
  void terminatingTheRunnerRemovesItsContainer() throws Exception {
    String name = DockerSupport.unique(PREFIX);
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process runner =
        new ProcessBuilder(
                javaBin.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RunOneContainer.class.getName(),
                image,
                name,
                NETWORK,
                dir.resolve("runner-secrets").toString())
            .redirectErrorStream(true)
            .start();
    try (var lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                runner.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      do {
        line = lines.readLine();
      } while (line != null && !line.equals("started"));
      assertThat(line).as("the container started").isEqualTo("started");
      assertThat(DockerSupport.containers(name)).containsExactly(name);
      assertThat(dir.resolve("runner-secrets").resolve(name + ".env")).exists();
      runner.destroy(); // SIGTERM, as a cancelled Actions step sends after SIGINT
      assertThat(runner.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      runner.destroyForcibly();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!DockerSupport.containers(name).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(DockerSupport.containers(name)).as("container removed after SIGTERM").isEmpty();
    try (var files = Files.list(dir.resolve("runner-secrets"))) {
      assertThat(files.toList()).as("env-file deleted after SIGTERM").isEmpty();
    }
  }

  @Test
  void sweepRemovesAContainerWhoseRunnerDied() throws Exception {
    String name = DockerSupport.unique(PREFIX);
    CommandRunner.Result started =
        DockerSupport.RUNNER.run(
            List.of(
                "docker",
                "run",
                "--detach",
                "--name",
                name,
                "--label",
                ContainerSpec.MANAGED_LABEL + "=true",
                "--label",
                ContainerSpec.DEADLINE_LABEL
                    + "="
                    + Instant.now().minusSeconds(60).getEpochSecond(),
                "--env",
                "TEST_SCRIPT=sleep 300",
                image),
            Duration.ofMinutes(1));
    assertThat(started.exitCode()).as(started.stderr()).isZero();
    List<String> removed = runtime().sweepExpired(Instant.now());
    assertThat(removed).contains(name);
    assertThat(DockerSupport.containers(name)).isEmpty();
  }
}
