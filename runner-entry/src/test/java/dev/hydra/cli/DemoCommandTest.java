package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.Persona;
import dev.hydra.demo.DemoCredentials;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hydra demo} without a Docker engine: the masked plan it prints in place of each container
 * (which executor it chooses and why is {@code DemoChoiceTest}'s). The real containers are {@link
 * DemoCommandIT}'s.
 */
class DemoCommandTest {

  @TempDir Path dir;

  /** The repository's images/, found upwards from the working directory. */
  static Path imagesDir() {
    Path at = Path.of("").toAbsolutePath();
    while (at != null) {
      if (Files.isRegularFile(at.resolve("images/demo/Dockerfile"))) {
        return at.resolve("images");
      }
      at = at.getParent();
    }
    throw new IllegalStateException("no images/ above " + Path.of("").toAbsolutePath());
  }

  MainTest.Result demo(String... args) {
    List<String> all = new ArrayList<>(List.of("demo", "--dir", dir.resolve("forge").toString()));
    all.addAll(List.of(args));
    return MainTest.run(Map.of(), all.toArray(new String[0]));
  }

  /** A docker CLI stand-in: a shell script with this body. */
  String fakeDocker(String body) throws Exception {
    Path script = dir.resolve("docker");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    return script.toString();
  }

  /** No demo token in any form: raw, base64, base64url, URL-encoded, Basic authorization. */
  static void assertNoDemoSecretIn(String text) {
    List<String> secrets = new ArrayList<>(List.of(DemoCredentials.CLAUDE_TOKEN));
    for (Persona p : Persona.values()) {
      secrets.add(DemoCredentials.gitToken(p));
    }
    for (String secret : secrets) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      assertThat(text)
          .doesNotContain(secret)
          .doesNotContain(Base64.getEncoder().encodeToString(bytes))
          .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
          .doesNotContain(URLEncoder.encode(secret, StandardCharsets.UTF_8))
          .doesNotContain(
              Base64.getEncoder()
                  .encodeToString(("x-access-token:" + secret).getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Nested
  class WithoutDocker {

    @Test
    void noCliAndNoImagesSayWhatIsMissingAndStillRunThePipeline() {
      MainTest.Result r =
          demo(
              "--docker",
              dir.resolve("no-docker").toString(),
              "--images",
              dir.resolve("nowhere").toString());

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains("containers: cannot run here")
          .contains("- the docker CLI cannot be run (" + dir.resolve("no-docker"))
          .contains("fix: install Docker (as root, bash .ci/provision-docker.sh")
          .contains("- no images/ directory with the demo image at " + dir.resolve("nowhere"))
          .contains("fix: run from the repository's root, or pass --images DIR")
          .contains("plan:   " + dir.resolve("no-docker") + " run --rm --name hydra-build-1-")
          .contains("result: decision done");
      assertNoDemoSecretIn(r.out() + r.err());
    }

    @Test
    void aDaemonThatDoesNotAnswerSaysStartDocker() throws Exception {
      String docker =
          fakeDocker(
              "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' >&2;"
                  + " exit 1");
      MainTest.Result r = demo("--docker", docker, "--images", imagesDir().toString());

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains("- no Docker daemon answers (docker info: Cannot connect to the Docker daemon")
          .contains("fix: start Docker: dockerd")
          .doesNotContain("no images/ directory")
          .contains("result: decision done");
    }

    @Test
    void aMissingBaseImageSaysHowToCreateIt() throws Exception {
      String docker =
          fakeDocker(
              "[ \"$1\" = info ] && { echo 20.10.24; exit 0; }; echo 'No such image' >&2; exit 1");
      MainTest.Result r = demo("--docker", docker, "--images", imagesDir().toString());

      assertThat(r.out())
          .contains("- the base image debian:bookworm-slim is not on this machine")
          .contains("fix: create the base image: see .ci/provision-docker.sh");
    }
  }

  @Nested
  class ThePlan {

    @Test
    void eachStageShowsTheHardenedDockerRunWithoutASecret() {
      MainTest.Result r = demo("--scripted", "--images", imagesDir().toString());

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains("containers: off (--scripted)")
          .containsPattern(
              "plan:   docker run --rm --name hydra-build-1-[0-9a-f]{8} --init --read-only"
                  + " --tmpfs /tmp:rw,nosuid,nodev,size=536870912"
                  + " --security-opt no-new-privileges --cap-drop ALL --cap-add NET_ADMIN"
                  + " --cap-add SETGID --cap-add SETPCAP --cap-add SETUID --cpus [0-9.]+"
                  + " --memory 8589934592 --memory-swap 8589934592 --pids-limit 4096"
                  + " --network hydra-demo-net ")
          .containsPattern(
              "--env-file /\\S+/hydra-secrets-\\S+/hydra-build-1-[0-9a-f]{8}\\.env"
                  + " --mount type=bind,source=/\\S+/hydra-stage-XXXXXX/workspace,target=/workspace"
                  + " --mount type=bind,source=/\\S+/hydra-stage-XXXXXX/input,target=/input,readonly --"
                  + " hydra-demo-builder:local")
          .contains("plan:   docker run --rm --name hydra-code-review-1-")
          .contains("plan:   docker run --rm --name hydra-security-review-1-")
          .contains("ANTHROPIC_API_KEY=hydra-gateway-placeholder-")
          .contains("ANTHROPIC_BASE_URL=http://<gateway of hydra-demo-net>:<port> ")
          .doesNotContain("GIT_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN")
          .contains("PR_URL=https://local-forge.invalid/demo/app/pull/2")
          // The labels and comments it would post are in the timeline.
          .contains("timeline | ")
          .contains("labels #1 -> build:running")
          .contains("comment #1 (id 1)")
          .contains("review PR #2 COMMENT")
          .contains("result: decision done: PR #2 is ready for review");
      assertNoDemoSecretIn(r.out() + r.err());
    }

    @Test
    void theOutputReadsInTheOrderThingsHappenedAndEndsWithNext() {
      MainTest.Result r = demo("--scripted", "--images", imagesDir().toString());
      assertThat(r.code()).as(r.err()).isZero();
      String out = r.out();
      // One line for the seeding, not one per label.
      assertThat(out)
          .contains("labels: seeded 26 Hydra labels (25 created, 1 updated)")
          .doesNotContain("label created build:queued")
          .doesNotContain("label updated ready-to-build");
      // The comment's visible text, not its hidden marker; an edit shows only its new lines.
      assertThat(out)
          .contains("comment #1 (id 1): `### Hydra progress for #1`")
          .contains("|   ### Hydra progress for #1")
          .contains("|   - Done: PR #2 is ready for review.")
          .contains(
              "|   - Build started by the builder persona (`ready-to-build` was applied to #1 by @mona")
          .doesNotContain("`<!-- hydra:progress");
      assertThat(out.split("\\|   ### Hydra progress for #1", -1)).hasSize(2);
      // The claim's label change comes before the narration of the claim, the push before the PR.
      assertThat(out.indexOf("labels #1 -> (none) (-ready-to-build)"))
          .isPositive()
          .isLessThan(out.indexOf("builder claimed the build of #1"));
      assertThat(out.indexOf("draft PR #2 hydra/1-add-a-health-endpoint"))
          .isLessThan(out.indexOf("reviewer claimed the code-review"));
      assertThat(out.indexOf("review PR #2 COMMENT at"))
          .isLessThan(out.indexOf("reviewer reviewed PR #2: pass"));
      // Correct paths: the forge's files as they are on disk.
      assertThat(out)
          .containsPattern(
              "files: (\\S+) \\(the forge: repos/demo/app/issues/, repos/demo/app/pulls/,"
                  + " repos/demo/app/timeline.log; the stage records: runs/\\)");
      String files = out.lines().filter(l -> l.startsWith("files: ")).findFirst().orElseThrow();
      Path root = Path.of(files.substring("files: ".length(), files.indexOf(" (")));
      assertThat(root.resolve("repos/demo/app/issues/1.json")).exists();
      assertThat(root.resolve("repos/demo/app/pulls/2.json")).exists();
      assertThat(root.resolve("repos/demo/app/timeline.log")).exists();
      assertThat(root.resolve("runs")).isDirectory();
      assertThat(out.strip().lines().reduce((a, b) -> b).orElseThrow())
          .isEqualTo(
              "Next: bin/hydra demo --outcome review-fail; bin/hydra explain --example; to adopt"
                  + " Hydra on your repository, README.md");
    }

    @Test
    void theOutcomesReachNeedsInputAndTheApplier() {
      MainTest.Result failed = demo("--scripted", "--outcome", "review-fail");
      assertThat(failed.code()).isZero();
      assertThat(failed.out())
          .contains("review PR #2 REQUEST_CHANGES")
          .contains("DEMO_OUTCOME=fail")
          .contains("result: decision needs-input");

      Path again = dir.resolve("fixes");
      MainTest.Result fixes =
          MainTest.run(
              Map.of(), "demo", "--dir", again.toString(), "--scripted", "--outcome", "fixes");
      assertThat(fixes.out())
          .contains("plan:   docker run --rm --name hydra-applier-1-")
          .contains("labels #1 -> ")
          .contains("applier:pass")
          .contains("result: decision done");
    }

    @Test
    void aRetryReadsInOrderFromTheFailedReviewThroughMonasRetryToRoundTwoDone() {
      MainTest.Result r = demo("--scripted", "--outcome", "retry");

      assertThat(r.code()).as(r.err()).isZero();
      String out = r.out();
      assertThat(out)
          .containsSubsequence(
              "timeline | ",
              "mona      labels #1 -> ready-to-build (+ready-to-build)",
              "builder claimed the build of #1",
              "plan: would run (build as builder):",
              "draft PR #2 hydra/1-add-a-health-endpoint -> main",
              "reviewer reviewed PR #2: pass",
              "security  review PR #2 REQUEST_CHANGES",
              "builder   labels #1 -> build:pass, code-review:pass, needs-input,"
                  + " security-review:fail",
              "**retry** (one fixer pass): remove `needs-input` and apply `retry:queued`",
              "person: mona (the admin, with write access) removes `needs-input` and applies"
                  + " `retry:queued`",
              "mona      labels #1 -> build:pass, code-review:pass, security-review:fail"
                  + " (-needs-input)",
              "mona      labels #1 -> build:pass, code-review:pass, security-review:fail,"
                  + " retry:queued (+retry:queued)",
              "builder claimed the retry of #1 (`retry:queued` was applied to #1 by @mona",
              "plan: would run (build as builder):",
              "HYDRA_MODE=fix",
              "builder   push hydra/1-add-a-health-endpoint ",
              "(PR #2 head moved)",
              "retry:pass",
              "builder   closed and reopened PR #2",
              "reviewer claimed the code-review of #1 (PR #2)",
              "reviewer reviewed PR #2: pass",
              "security claimed the security-review of #1 (PR #2)",
              "security reviewed PR #2: pass",
              "builder   ready for review PR #2",
              "retry:pass, code-review:pass, done, security-review:pass",
              "result: decision done: PR #2 is ready for review",
              "Next: bin/hydra demo --outcome gate-fail;");
      assertThat(out.split("reviewer claimed the code-review", -1)).as("two rounds").hasSize(3);
      assertNoDemoSecretIn(out + r.err());
    }

    @Test
    void aGateFailShowsTheGateTableRedThenGreenAndTheRecheck() {
      MainTest.Result r = demo("--scripted", "--outcome", "gate-fail");

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains("containers: off (--scripted)")
          .containsSubsequence(
              "plan: would run (build as builder):",
              "gates on the builder's commits, pass 1: 1 gate declared in .hydra/gates.yml",
              "gates | | `demo-test-line` | ❌ FAIL | 0.3 s | exit code 1 |",
              "fix pass: the builder runs again with /input/gates.md",
              "plan: would run (build as builder):",
              "gates on the builder's commits, pass 2:",
              "gates | | `demo-test-line` | ✅ PASS | 0.4 s |  |",
              "gates green: the runner pushes the commits",
              "draft PR #2",
              "security reviewed PR #2: pass",
              "gates rechecked on PR #2's final head ",
              "gates | | `demo-test-line` | ✅ PASS |",
              "result: decision done: PR #2 is ready for review",
              "Next: bin/hydra demo --outcome fixes;");
    }

    @Test
    void badOptionsAreUsageErrors() {
      MainTest.Result outcome = demo("--scripted", "--outcome", "maybe");
      assertThat(outcome.code()).isEqualTo(2);
      assertThat(outcome.err())
          .contains("unknown outcome `maybe`; choose pass, review-fail, fixes, gate-fail or retry");

      MainTest.Result prefix = demo("--scripted", "--image-prefix", "Bad Prefix");
      assertThat(prefix.code()).isEqualTo(2);
      assertThat(prefix.err()).contains("--image-prefix");
    }
  }

  /** {@code --agent real}: its options and refusals, decided before Docker is asked anything. */
  @Nested
  class TheRealAgent {

    @Test
    void otherOutcomesScriptedAndUnknownAgentsAreRefusedBeforeAnythingIsCreated() {
      MainTest.Result fixes = demo("--agent", "real", "--outcome", "fixes");
      assertThat(fixes.code()).isEqualTo(2);
      assertThat(fixes.err())
          .contains("--agent real plays the scripted model's passing scripts only (--outcome pass)")
          .contains("bin/hydra demo --outcome fixes");
      MainTest.Result scripted = demo("--agent", "real", "--scripted");
      assertThat(scripted.code()).isEqualTo(2);
      assertThat(scripted.err()).contains("--scripted runs none");
      MainTest.Result unknown = demo("--agent", "claude");
      assertThat(unknown.code()).isEqualTo(2);
      assertThat(unknown.err()).contains("unknown agent `claude`; choose demo or real");
      MainTest.Result tag = demo("--agent", "real", "--image-tag", "not a tag");
      assertThat(tag.code()).isEqualTo(2);
      assertThat(tag.err()).contains("--image-prefix/--image-tag");
      assertThat(dir.resolve("forge")).doesNotExist();
    }

    @Test
    void aMissingImageNamesItAndTheCommandThatBuildsItAndCreatesNothing() throws Exception {
      String docker =
          fakeDocker(
              "[ \"$1\" = info ] && { echo 20.10.24; exit 0; };"
                  + " case \"$*\" in *localhost/hydra-security:latest*) exit 0 ;; esac;"
                  + " echo 'No such image' >&2; exit 1");
      MainTest.Result r = demo("--agent", "real", "--docker", docker);

      assertThat(r.code()).as(r.out()).isEqualTo(2);
      assertThat(r.err())
          .contains("--agent real cannot start, nothing was created")
          .contains("the real persona image localhost/hydra-builder:latest is not on this machine")
          .contains("localhost/hydra-applier:latest")
          .doesNotContain("hydra-security:latest")
          .contains("fix: bin/hydra image build --prefix localhost/hydra (once;");
      assertThat(r.out()).doesNotContain("local forge:");
      assertThat(dir.resolve("forge")).doesNotExist();

      MainTest.Result tagged =
          demo(
              "--agent", "real", "--docker", docker, "--image-prefix", "me/h", "--image-tag", "v1");
      assertThat(tagged.err())
          .contains("me/h-builder:v1")
          .contains("fix: bin/hydra image build --prefix me/h --tag v1 (once;");
    }

    @Test
    void noDaemonIsAnErrorNotAScriptedRun() throws Exception {
      String docker = fakeDocker("echo 'Cannot connect to the Docker daemon' >&2; exit 1");
      MainTest.Result r = demo("--agent", "real", "--docker", docker);

      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("no Docker daemon answers").contains("fix: start Docker");
      assertThat(dir.resolve("forge")).doesNotExist();
    }
  }
}
