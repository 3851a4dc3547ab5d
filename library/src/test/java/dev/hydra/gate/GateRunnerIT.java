package dev.hydra.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.container.docker.DockerSupport;
import dev.hydra.image.ImageRef;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GateRunner} on the real engine, with the local {@code debian:bookworm-slim} (nothing is
 * pulled or built): a pass, a failure, a timeout, a gate-runner gate, no network, no secret, and a
 * checkout the gate cannot change. Fails instead of skipping under {@code HYDRA_REQUIRE_DOCKER=1}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GateRunnerIT {

  // Gate names are unique per run, so the clean-up check sees only this test's containers.
  static final String ID = "it" + UUID.randomUUID().toString().substring(0, 8);
  static final ImageRef IMAGE = ImageRef.parse(DockerSupport.BASE_IMAGE);
  static final String SECRET = String.join("-", "it", "secret", UUID.randomUUID().toString());

  @TempDir Path checkout;
  @TempDir Path dir;

  @BeforeAll
  static void docker() {
    DockerSupport.requireDocker();
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    assertThat(DockerSupport.containers("hydra-gate-" + ID)).as("containers left").isEmpty();
  }

  GateTable run(String yaml) throws Exception {
    return run(yaml, IMAGE);
  }

  GateTable run(String yaml, ImageRef builderImage) throws Exception {
    GateRunner runner =
        new GateRunner(
            new DockerCliRuntime(
                DockerSupport.RUNNER, "docker", dir.resolve("secrets"), Clock.systemUTC()),
            SecretMasker.of(List.of(Secret.of("it-secret", SECRET))));
    return runner.run(
        GateFile.parse(yaml), new GateRunner.Inputs(checkout, builderImage, List.of("src/a.txt")));
  }

  static String gate(String name, String command, String extra) {
    return "  - name: "
        + ID
        + "-"
        + name
        + "\n    command: '"
        + command.replace("'", "''")
        + "'\n"
        + extra;
  }

  @Test
  void aPassingAFailingAndATimedOutGateEachGetTheirResult() throws Exception {
    Files.createDirectories(checkout.resolve("src"));
    Files.writeString(checkout.resolve("src/a.txt"), "hello\n");
    GateTable table =
        run(
            "version: 1\ngates:\n"
                + gate("pass", "grep -q hello src/a.txt", "")
                + gate("fail", "echo broken on line 3; exit 3", "")
                + gate("slow", "sleep 60", "    timeout: 3s\n")
                + gate("diff", "cat \"$HYDRA_GATE_CHANGED_FILES\"", "    scope: diff\n"));

    assertThat(table.results())
        .extracting(GateResult::status)
        .containsExactly(GateStatus.PASS, GateStatus.FAIL, GateStatus.FAIL, GateStatus.PASS);
    assertThat(table.results().get(1).reason()).isEqualTo("exit code 3");
    assertThat(table.results().get(1).report()).contains("broken on line 3");
    assertThat(table.results().get(2).reason()).startsWith("timed out after");
    assertThat(table.results().get(2).time()).isLessThan(Duration.ofSeconds(50));
    assertThat(table.results().get(3).report()).isEqualTo("src/a.txt");
    assertThat(table.passed()).isFalse();
  }

  @Test
  void aGateRunsInABuilderImageWhoseEntrypointWouldIgnoreTheCommand() throws Exception {
    // Like a persona image (ENTRYPOINT hydra-entrypoint): given arguments, it runs itself anyway.
    String persona =
        DockerSupport.buildImage(
            dir,
            "FROM "
                + DockerSupport.BASE_IMAGE
                + "\nENTRYPOINT [\"/bin/sh\", \"-c\", \"echo persona entrypoint; exit 7\"]\n");
    try {
      Files.createDirectories(checkout.resolve("src"));
      Files.writeString(checkout.resolve("src/a.txt"), "hello\n");
      GateTable table =
          run(
              "version: 1\ngates:\n"
                  + gate("shell", "grep -q hello src/a.txt && echo shell gate ran in \"$PWD\"", "")
                  + "  - name: "
                  + ID
                  + "-argv\n    command: [cat, src/a.txt]\n",
              ImageRef.parse(persona));

      assertThat(table.results())
          .extracting(GateResult::status)
          .as(table.results().toString())
          .containsExactly(GateStatus.PASS, GateStatus.PASS);
      assertThat(table.results().get(0).report()).isEqualTo("shell gate ran in /workspace");
      assertThat(table.results().get(1).report()).isEqualTo("hello");
    } finally {
      DockerSupport.removeImage(persona);
    }
  }

  @Test
  void aGateRunnerGateIsReadCheckByCheck() throws Exception {
    GateTable table =
        run(
            "version: 1\ngates:\n"
                + gate(
                    "runner",
                    "echo \"[gate-1] headers: PASS\"; echo \"[gate-2] stubs: FAIL — stub in b.c\";"
                        + " echo \"[gate-3] docs: NOT APPLICABLE\"; exit 1",
                    "    runner: true\n"));

    assertThat(table.results())
        .extracting(GateResult::name, GateResult::status, GateResult::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ID + "-runner/gate-1 headers", GateStatus.PASS, ""),
            org.assertj.core.groups.Tuple.tuple(
                ID + "-runner/gate-2 stubs", GateStatus.FAIL, "stub in b.c"),
            org.assertj.core.groups.Tuple.tuple(
                ID + "-runner/gate-3 docs", GateStatus.SKIPPED, "not applicable"));
  }

  @Test
  void aGateHasNoNetworkAndNoSecret() throws Exception {
    GateTable table =
        run(
            "version: 1\ngates:\n"
                + gate("net", "ls /sys/class/net; test \"$(ls /sys/class/net)\" = lo", "")
                + gate("env", "env | cut -d= -f1 | sort; echo " + SECRET, ""));

    assertThat(table.results().get(0).status())
        .as(table.results().get(0).report())
        .isEqualTo(GateStatus.PASS);
    assertThat(table.results().get(0).report()).isEqualTo("lo");
    GateResult env = table.results().get(1);
    assertThat(env.status()).isEqualTo(GateStatus.PASS);
    assertThat(env.report()).doesNotContain(SECRET).contains("***");
    Set<String> allowed = Set.of("HOME", "HOSTNAME", "PATH", "PWD", "SHLVL", "_", "***");
    assertThat(env.report().lines())
        .allMatch(name -> name.startsWith("HYDRA_GATE_") || allowed.contains(name), "names");
  }

  @Test
  void whatAGateWritesNeverReachesTheCheckout() throws Exception {
    Path outside = Files.writeString(dir.resolve("outside.txt"), "runner's own file\n");
    Files.writeString(checkout.resolve("README"), "original\n");
    Files.createDirectories(checkout.resolve(".git"));
    Files.writeString(checkout.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    Files.createSymbolicLink(checkout.resolve("escape"), outside);
    GateTable table =
        run(
            "version: 1\ngates:\n"
                + gate(
                    "writer",
                    "echo changed > README; echo evil > .git/HEAD; rm -f .git/HEAD;"
                        + " echo evil > escape 2>/dev/null; touch new-file; exit 0",
                    ""));

    assertThat(table.results().get(0).status()).isEqualTo(GateStatus.PASS);
    assertThat(Files.readString(checkout.resolve("README"))).isEqualTo("original\n");
    assertThat(Files.readString(checkout.resolve(".git/HEAD"))).isEqualTo("ref: refs/heads/main\n");
    assertThat(Files.readString(outside)).isEqualTo("runner's own file\n");
    assertThat(checkout.resolve("new-file")).doesNotExist();
  }
}
