package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hydra demo --agent real} in-process on the real Docker engine: the REAL persona images
 * ({@link RealPersonaImages}, built by {@code hydra image build}) run every stage with the real
 * Claude Code CLI through the production stage runner, each gateway forwarding to the scripted
 * model on loopback. The builder reads the issue from its input folder, edits the demo repository's
 * README, checks it and commits; the runner pushes the branch into the demo's git remote; both
 * reviews pass; the decision is {@code done}. No container or network is left. Skipped without
 * Docker, failed with {@code HYDRA_REQUIRE_DOCKER=1}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RealPersonaImages.class)
class DemoRealAgentIT {

  static final String NETWORK = "hydra-it-" + UUID.randomUUID().toString().substring(0, 8) + "-net";
  static final String BRANCH = "hydra/1-add-a-health-endpoint";

  @TempDir Path dir;
  RealPersonaImages.Built images = new RealPersonaImages.Built("", "");
  boolean dockerAnswered;

  @BeforeAll
  void requireDockerAndTheImages(RealPersonaImages.Built built) throws Exception {
    ItDocker.require();
    dockerAnswered = true;
    images = built;
  }

  @AfterAll
  void removeTheNetwork() throws Exception {
    if (!dockerAnswered) {
      return; // after a skip there is nothing to remove, nor a daemon to ask
    }
    ItDocker.docker("network", "rm", NETWORK);
    assertThat(ItDocker.docker("network", "inspect", NETWORK).exitCode())
        .as("network left")
        .isNotZero();
  }

  @Test
  void theRealAgentTakesTheIssueToDoneWithTheScriptedModelOnLoopback() throws Exception {
    Path forge = dir.resolve("forge");
    MainTest.Result r =
        MainTest.run(
            Map.of(),
            "demo",
            "--agent",
            "real",
            "--image-prefix",
            images.prefix(),
            "--image-tag",
            images.tag(),
            "--dir",
            forge.toString(),
            "--network",
            NETWORK);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "real persona images ("
                + images.prefix()
                + "-{builder,reviewer,security,applier}:"
                + images.tag()
                + "), real Claude Code CLI, scripted model on loopback")
        .contains("forwarding to http://127.0.0.1:")
        .doesNotContain("api.anthropic.com")
        .contains("build ! hydra: egress allowed: registry.npmjs.org port 443 (127.0.0.1 )")
        .contains("build ! hydra: egress firewall verified")
        .contains("model | builder Read {\"file_path\":\"/input/issue.md\"} → 1 # Issue #1")
        .contains("model | builder Edit {\"file_path\":\"/workspace/repo/README.md\"")
        .containsPattern("model \\| builder Bash \\{\"command\":\"git add -A && git commit[^\\n]*→")
        .contains("model | reviewer Read {\"file_path\":\"/input/pull-request.diff\"}")
        .contains("model | security Read {\"file_path\":\"/input/pull-request.md\"}")
        .contains("push " + BRANCH + " ")
        .contains("draft PR #2 " + BRANCH + " -> main")
        .contains("result: decision done: PR #2 is ready for review")
        .doesNotContain("plan: ");
    assertThat(r.out().lines().filter(l -> l.contains(" → ERROR")).toList())
        .as("no tool call of any persona failed")
        .isEmpty();
    DemoCommandTest.assertNoDemoSecretIn(r.out() + r.err());

    // The real CLI's edit, committed in the container, pushed by the runner into the demo remote.
    Path bare = forge.resolve("git/demo/app.git");
    assertThat(git(bare, "show", BRANCH + ":README.md"))
        .contains("The demo repository of `hydra demo`.")
        .contains("`GET /health` answers `200`");
    assertThat(git(bare, "log", "--format=%an %s", "main.." + BRANCH).strip())
        .isEqualTo("hydra-builder Fix #1");
    JsonNode build = Json.mapper().readTree(forge.resolve("runs/run-1-build.json").toFile());
    assertThat(build.path("image").asText()).isEqualTo(images.image("builder"));
    assertThat(build.path("turns").asInt()).isEqualTo(6);
    assertThat(build.path("outcome").asText()).isEqualTo("passed");

    assertThat(ItDocker.docker("ps", "--all", "--quiet", "--filter", "network=" + NETWORK).stdout())
        .as("containers left behind")
        .isBlank();
  }

  static String git(Path bare, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", bare.toString()));
    argv.addAll(List.of(args));
    CommandRunner.Result result = ItDocker.RUNNER.run(argv, Duration.ofMinutes(1));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    return result.stdout();
  }
}
