package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code hydra.jar} and the {@code bin/hydra} launcher as separate processes. */
class HydraJarIT {

  private static final Path JAR = Path.of("target", "hydra.jar").toAbsolutePath();
  private static final Path LAUNCHER = Path.of("..", "bin", "hydra").toAbsolutePath().normalize();

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  Result exec(List<String> command) throws IOException, InterruptedException {
    return exec(command, Map.of());
  }

  Result exec(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    // A clean environment: no Actions variables leak in from the machine running the build.
    builder.environment().keySet().removeIf(k -> k.startsWith("GITHUB_") || k.startsWith("HYDRA_"));
    builder.environment().remove("FORGEJO_ACTIONS");
    builder.environment().remove("GITEA_ACTIONS");
    builder.environment().put("HYDRA_JAR", JAR.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("hydra finished").isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  List<String> java(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    return command;
  }

  @Test
  void theShadedJarRoutesTheBundledExample() throws Exception {
    Result r = exec(java("route", "--example"));
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    Map<String, Object> json = Json.lite().mapFrom(r.out());
    assertThat(json).containsEntry("decision", "run").containsEntry("stage", "build");
  }

  @Test
  void badInputExitsTwoWithOneLine() throws Exception {
    Path event = dir.resolve("event.json");
    Files.writeString(event, "{\"action\":");
    Result r =
        exec(
            java(
                "route",
                "--event",
                event.toString(),
                "--event-name",
                "issues",
                "--forge",
                "github"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("not valid JSON");
  }

  @Test
  void theLauncherGivesTheSameAnswer() throws Exception {
    Result direct = exec(java("route", "--example", "pull-request-opened"));
    Result launched =
        exec(List.of(LAUNCHER.toString(), "route", "--example", "pull-request-opened"));
    assertThat(launched.code()).isZero();
    assertThat(launched.err()).isEmpty();
    assertThat(launched.out()).isEqualTo(direct.out());
    assertThat(Json.lite().mapFrom(launched.out())).containsEntry("stage", "review");
  }

  @Test
  void versionComesFromTheBuild() throws Exception {
    Result r = exec(java("--version"));
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("hydra ")
        .doesNotContain("${project.version}")
        .doesNotContain("unknown");
  }

  /**
   * {@code hydra stage-run} end to end on the real engine: a tiny image that prints its tokens, a
   * Claude result and a verdict. Skipped without Docker, unless {@code HYDRA_REQUIRE_DOCKER=1}.
   */
  @Test
  void stageRunRunsAnImageMasksItsTokensAndMapsTheVerdictToTheExitCode() throws Exception {
    requireDocker();
    String id = "hydra-it-cli-" + UUID.randomUUID().toString().substring(0, 12);
    String image = id + ":test";
    String network = id + "-net";
    String repo = "https://example.test/hydra-it/" + id;
    Path context = Files.createDirectories(dir.resolve("image"));
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM debian:bookworm-slim\nCOPY stage.sh /stage.sh\nENTRYPOINT [\"/bin/sh\", \"/stage.sh\"]\n");
    Files.writeString(
        context.resolve("stage.sh"),
        """
        case "$HYDRA_MODE" in code-review) outcome=pass ;; *) outcome=$HYDRA_MODE ;; esac
        echo "token ${GIT_TOKEN:-none} ${CLAUDE_CODE_OAUTH_TOKEN:-none} $ANTHROPIC_API_KEY"
        echo '{"type":"result","subtype":"success","is_error":false,"num_turns":3,"result":"done","total_cost_usd":0.1}'
        echo "HYDRA-VERDICT {\\"schema\\":1,\\"stage\\":\\"code-review\\",\\"outcome\\":\\"$outcome\\",\\"summary\\":\\"cli\\",\\"findings\\":[],\\"fixes_applied\\":[],\\"unfixed\\":[],\\"turns\\":3,\\"cost_usd\\":0.1}"
        """);
    String git = "git" + UUID.randomUUID().toString().replace("-", "");
    String claude = "cla" + UUID.randomUUID().toString().replace("-", "");
    try {
      assertThat(
              exec(List.of("docker", "build", "--quiet", "-t", image, context.toString())).code())
          .isZero();
      List<String> args =
          java(
              "stage-run",
              "--stage",
              "code-review",
              "--image",
              image,
              "--network",
              network,
              "--repo-url",
              repo,
              "--issue-url",
              repo + "/issues/3",
              "--credentials",
              dir.resolve("none.json").toString(),
              "--dotenv",
              dir.resolve("none.env").toString());
      Map<String, String> env = Map.of("HYDRA_REVIEWER_TOKEN", git, "HYDRA_CLAUDE_TOKEN_1", claude);

      Result passed = exec(args, env);
      assertThat(passed.code()).as(passed.out() + passed.err()).isZero();
      assertThat(passed.out())
          // No token reaches the container: only the model gateway's placeholder (issue 10).
          .contains("code-review | token none none hydra-gateway-placeholder-")
          .contains("hydra: stage code-review passed: the verdict is pass: cli")
          .doesNotContain(git)
          .doesNotContain(claude);

      // The image takes its verdict's outcome from HYDRA_MODE.
      Result failed = exec(with(args, "--mode", "fail"), env);
      assertThat(failed.code()).isEqualTo(1);
      assertThat(failed.err())
          .startsWith("hydra stage-run: error: stage code-review failed: the verdict is fail: cli");

      Result invalid = exec(with(args, "--mode", "broken"), env);
      assertThat(invalid.code()).isEqualTo(1);
      assertThat(invalid.err())
          .startsWith("hydra stage-run: error: stage code-review no-verdict: no valid verdict:");
      assertThat(invalid.out() + invalid.err()).doesNotContain(git).doesNotContain(claude);
    } finally {
      exec(List.of("docker", "network", "rm", network));
      exec(List.of("docker", "image", "rm", "--force", image));
    }
    Result left =
        exec(
            List.of(
                "docker",
                "ps",
                "--all",
                "--quiet",
                "--filter",
                "label=hydra.repo=example.test/hydra-it/" + id));
    assertThat(left.out()).as("containers left behind").isBlank();
    assertThat(exec(List.of("docker", "image", "inspect", image)).code()).isNotZero();
    assertThat(exec(List.of("docker", "network", "inspect", network)).code()).isNotZero();
  }

  static List<String> with(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }

  void requireDocker() throws Exception {
    boolean docker;
    try {
      docker =
          exec(List.of("docker", "info", "--format", "{{.ServerVersion}}")).code() == 0
              && exec(List.of("docker", "image", "inspect", "debian:bookworm-slim")).code() == 0;
    } catch (IOException e) {
      docker = false;
    }
    if (!docker) {
      String message = "no Docker daemon with the local debian:bookworm-slim image";
      if ("1".equals(System.getenv("HYDRA_REQUIRE_DOCKER"))) {
        Assertions.fail("HYDRA_REQUIRE_DOCKER=1 but " + message);
      }
      Assumptions.abort("Docker test skipped: " + message);
    }
  }
}
