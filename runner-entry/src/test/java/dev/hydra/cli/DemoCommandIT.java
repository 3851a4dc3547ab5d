package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hydra demo} on the real Docker engine, in-process: the demo images built from the
 * repository's {@code images/}, every stage a real hardened container through {@code
 * RunnerStageExecutor} → {@code StageRunner} → {@code DockerCliRuntime}, and the timeline reaching
 * {@code done} and, with {@code --outcome review-fail}, {@code needs-input}. Its images carry a
 * prefix of their own and are removed afterwards, with its network; no container is left. Skipped
 * without a daemon and the local {@code debian:bookworm-slim}, unless {@code
 * HYDRA_REQUIRE_DOCKER=1}, which makes it fail instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoCommandIT {

  static final String ID = "hydra-it-" + UUID.randomUUID().toString().substring(0, 8);
  static final String PREFIX = ID + "-demo";
  static final String NETWORK = ID + "-net";

  @TempDir Path dir;
  boolean dockerAnswered;

  @BeforeAll
  void requireDocker() throws Exception {
    ItDocker.require();
    dockerAnswered = true;
  }

  @AfterAll
  void removeWhatTheTestMade() throws Exception {
    if (!dockerAnswered) {
      return; // JUnit runs this after a skip too; there is nothing to remove, nor a daemon to ask
    }
    ItDocker.removeImagesAndNetwork(PREFIX, NETWORK);
  }

  static CommandRunner.Result docker(String... args) throws Exception {
    return ItDocker.docker(args);
  }

  MainTest.Result demo(String forge, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "demo",
                "--dir",
                dir.resolve(forge).toString(),
                "--images",
                DemoCommandTest.imagesDir().toString(),
                "--image-prefix",
                PREFIX,
                "--network",
                NETWORK));
    args.addAll(List.of(more));
    return MainTest.run(Map.of(), args.toArray(new String[0]));
  }

  static final String BRANCH = "hydra/1-add-a-health-endpoint";

  /** The git CLI on a bare repository of the demo. */
  static String git(Path bare, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("git", "--git-dir", bare.toString()));
    argv.addAll(List.of(args));
    CommandRunner.Result r = ItDocker.RUNNER.run(argv, java.time.Duration.ofSeconds(30));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }

  JsonNode record(String forge, String stage) throws IOException {
    return Json.mapper()
        .readTree(dir.resolve(forge).resolve("runs").resolve("run-1-" + stage + ".json").toFile());
  }

  @Test
  void realContainersTakeTheIssueToDoneAndAFailedReviewToNeedsInput() throws Exception {
    MainTest.Result pass = demo("pass");

    assertThat(pass.code()).as(pass.err()).isZero();
    assertThat(pass.out())
        .contains("containers: every stage runs as a real hardened container")
        .contains("image: building " + PREFIX + "-builder:local")
        .containsPattern("hydra: container hydra-build-1-[0-9a-f]{8}")
        .contains("hydra: model gateway at http://")
        .contains("build ! hydra: demo builder image: scripted agent")
        .contains("build | HYDRA-VERDICT ")
        .containsPattern(
            "container hydra-build-1-[0-9a-f]{8} ended with exit code 0; completed in 12 turns")
        .contains("push hydra/1-add-a-health-endpoint ")
        .contains("draft PR #2 hydra/1-add-a-health-endpoint -> main")
        .contains("review PR #2 COMMENT")
        .contains("labels #1 -> build:pass, code-review:pass, done, security-review:pass")
        .contains("result: decision done: PR #2 is ready for review")
        .doesNotContain("plan: ");
    // The run records hold what the containers reported: the demo agent's turns per role.
    assertThat(record("pass", "build").path("turns").asInt()).isEqualTo(12);
    assertThat(record("pass", "code-review").path("turns").asInt()).isEqualTo(7);
    assertThat(record("pass", "security-review").path("turns").asInt()).isEqualTo(6);
    assertThat(record("pass", "build").path("durationMillis").asLong()).isPositive();
    assertThat(record("pass", "build").path("image").asText()).isEqualTo(PREFIX + "-builder:local");
    assertThat(record("pass", "build").path("outcome").asText()).isEqualTo("passed");
    DemoCommandTest.assertNoDemoSecretIn(pass.out() + pass.err());

    MainTest.Result failed = demo("review-fail", "--outcome", "review-fail");

    assertThat(failed.code()).as(failed.err()).isZero();
    assertThat(failed.out())
        .contains(
            "image: reusing the demo images "
                + PREFIX
                + "-{builder,reviewer,security,applier}:local")
        .doesNotContain("image: building")
        .contains("security-review | HYDRA-VERDICT ")
        .contains("review PR #2 REQUEST_CHANGES")
        .contains("code-review:pass, needs-input, security-review:fail")
        .contains("result: decision needs-input");
    assertThat(record("review-fail", "security-review").path("outcome").asText())
        .isEqualTo("failed");
    assertThat(record("review-fail", "security-review").path("turns").asInt()).isEqualTo(6);
    DemoCommandTest.assertNoDemoSecretIn(failed.out() + failed.err());

    assertThat(docker("ps", "--all", "--quiet", "--filter", "network=" + NETWORK).stdout())
        .as("containers left behind")
        .isBlank();
  }

  @Test
  void aRedGateGetsItsFixPassAndTheRecheckIsGreen() throws Exception {
    MainTest.Result r = demo("gate-fail", "--outcome", "gate-fail");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("containers: every stage runs as a real hardened container")
        .doesNotContain("plan: ")
        // GateRunner ran the gate of main's .hydra/gates.yml: red on the first pass, the builder's
        // fix pass (it read /input/gates.md), green; nothing pushed before it was green.
        .containsSubsequence(
            "gates on the builder's commits, pass 1: 1 gate declared in .hydra/gates.yml",
            "| `demo-test-line` | ❌ FAIL |",
            "fix pass: the builder runs again with /input/gates.md",
            "build | HYDRA-VERDICT ",
            "gates on the builder's commits, pass 2: 1 gate declared in .hydra/gates.yml",
            "| `demo-test-line` | ✅ PASS |",
            "gates green: the runner pushes the commits",
            "push hydra/1-add-a-health-endpoint ",
            "gates rechecked on PR #2's final head ",
            "| `demo-test-line` | ✅ PASS |",
            "result: decision done: PR #2 is ready for review");
    assertThat(r.out().split("timeline \\| [0-9:]+ builder +push ", -1))
        .as("one push, after the green gate")
        .hasSize(2);
    JsonNode build = record("gate-fail", "build");
    assertThat(build.path("gates").toString()).contains("FAIL").contains("PASS");
    DemoCommandTest.assertNoDemoSecretIn(r.out() + r.err());
    assertThat(docker("ps", "--all", "--quiet", "--filter", "label=hydra.gate").stdout())
        .as("gate containers left behind")
        .isBlank();
  }

  @Test
  void aRetryAfterTheFailedReviewPushesOneFixAndRoundTwoEndsDone() throws Exception {
    MainTest.Result r = demo("retry", "--outcome", "retry");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .doesNotContain("plan: ")
        .containsSubsequence(
            "security-review | HYDRA-VERDICT ",
            "review PR #2 REQUEST_CHANGES",
            "needs-input",
            "person: mona (the admin, with write access) removes `needs-input` and applies"
                + " `retry:queued`",
            "mona      labels #1 -> ",
            "(+retry:queued)",
            "builder claimed the retry of #1",
            "build | HYDRA-VERDICT {\"schema\":1,\"stage\":\"build\",\"outcome\":\"pass\","
                + "\"summary\":\"Fixed the finding in hydra-demo-1.md",
            "push hydra/1-add-a-health-endpoint ",
            "(PR #2 head moved)",
            "builder retried PR #2 for #1",
            "reviewer claimed the code-review of #1 (PR #2)",
            "security-review | HYDRA-VERDICT ",
            "security reviewed PR #2: pass",
            "result: decision done: PR #2 is ready for review");
    // The runner pushed the retry's one commit onto the PR's branch of the demo's git remote.
    Path bare = dir.resolve("retry/git/demo/app.git");
    String log = git(bare, "log", "--format=%s", "main.." + BRANCH);
    assertThat(log.lines().toList())
        .containsExactly(
            "fix (retry): bind the request input in hydra-demo-1.md", "Demo change for issue #1");
    assertThat(git(bare, "diff", "--name-only", BRANCH + "~1", BRANCH))
        .as("the retry's commit changes only the file the finding names")
        .isEqualToIgnoringWhitespace("hydra-demo-1.md");
    DemoCommandTest.assertNoDemoSecretIn(r.out() + r.err());
  }
}
