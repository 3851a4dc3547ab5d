package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.agent.StreamJsonClassifier;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.credentials.TestTokens;
import dev.hydra.label.Stage;
import dev.hydra.verdict.Verdict;
import dev.hydra.verdict.VerdictReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Builds the four demo persona images from the repository's {@code images/} with {@link
 * ImageBuilder}, runs them under the hardening of SPEC §5, and reads their verdicts with {@link
 * VerdictReader}. Every image it built is removed afterwards. Skipped without Docker unless {@code
 * HYDRA_REQUIRE_DOCKER=1}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoImagesIT {

  static final CommandRunner RUNNER = new CommonsExecCommandRunner();
  static final String PREFIX = "hydra-it-" + UUID.randomUUID().toString().substring(0, 8) + "-demo";

  final List<BuiltImage> built = new ArrayList<>();
  Duration buildTime = Duration.ZERO;

  @BeforeAll
  void buildDemoImages() throws Exception {
    ImageTestSupport.requireDocker();
    ImageBuildRequest request =
        ImageBuildRequest.of(
                ImageTestSupport.imagesDir(), ImageSet.DEMO, PREFIX, "it", Instant.now())
            .withRevision("0123456789abcdef0123456789abcdef01234567")
            .withSource("https://example.invalid/hydra");
    Instant start = Instant.now();
    try {
      built.addAll(new ImageBuilder(RUNNER, Duration.ofMinutes(5), line -> {}).build(request));
    } finally {
      buildTime = Duration.between(start, Instant.now());
    }
  }

  @AfterAll
  void removeImages() throws Exception {
    for (String role : ImageSet.ROLES) {
      for (String tag : List.of("it", "0123456789ab")) {
        RUNNER.run(
            List.of("docker", "image", "rm", "--force", PREFIX + "-" + role + ":" + tag),
            Duration.ofMinutes(1));
      }
    }
    assertThat(
            RUNNER
                .run(
                    List.of(
                        "docker",
                        "images",
                        "--format",
                        "{{.Repository}}",
                        "--filter",
                        "reference=" + PREFIX + "-*"),
                    Duration.ofSeconds(30))
                .stdout()
                .strip())
        .as("images left behind")
        .isEmpty();
  }

  @Test
  void fourImagesWithLabelsAndLocalIds() throws Exception {
    assertThat(built).extracting(BuiltImage::role).containsExactlyElementsOf(ImageSet.ROLES);
    assertThat(built).allSatisfy(b -> assertThat(b.digest()).startsWith("sha256:"));
    assertThat(buildTime)
        .as("build time of the four demo images")
        .isLessThan(Duration.ofMinutes(3));
    CommandRunner.Result labels =
        RUNNER.run(
            List.of(
                "docker",
                "image",
                "inspect",
                "--format",
                "{{index .Config.Labels \"org.opencontainers.image.revision\"}}"
                    + " {{index .Config.Labels \"dev.hydra.role\"}} {{.Config.User}}",
                PREFIX + "-security:0123456789ab"),
            Duration.ofSeconds(30));
    assertThat(labels.stdout().strip())
        .isEqualTo("0123456789abcdef0123456789abcdef01234567 security");
  }

  @Test
  void theBuilderProposesABranchAndAPullRequestThatClosesTheIssue() throws Exception {
    Run run = run("builder", Map.of("ISSUE_URL", "https://forge.test/demo/app/issues/42"));

    Verdict v = VerdictReader.read(Stage.BUILD, run.stdout());
    assertThat(run.exitCode()).isZero();
    assertThat(v.passed()).isTrue();
    assertThat(v.builder())
        .get()
        .satisfies(
            b -> {
              assertThat(b.branch()).isEqualTo("hydra/42-demo-change");
              assertThat(b.prBody()).contains("Closes #42");
            });
    assertThat(v.turns()).isEqualTo(12);
    assertThat(run.stdout().get(run.stdout().size() - 1)).startsWith(VerdictReader.PREFIX);
    assertThat(run.outcome()).isInstanceOf(AgentOutcome.Completed.class);
  }

  @Test
  void aReviewerReportsItsFixAndASecurityFailureItsUnfixedFinding() throws Exception {
    Map<String, String> pr = Map.of("PR_URL", "https://forge.test/demo/app/pulls/43");
    Verdict review =
        VerdictReader.read(
            Stage.CODE_REVIEW, run("reviewer", with(pr, "DEMO_FIXES", "1")).stdout());
    Verdict security =
        VerdictReader.read(
            Stage.SECURITY_REVIEW, run("security", with(pr, "DEMO_OUTCOME", "fail")).stdout());
    Verdict applier = VerdictReader.read(Stage.APPLIER, run("applier", pr).stdout());

    assertThat(review.passed()).isTrue();
    assertThat(review.fixesApplied()).hasSize(1);
    assertThat(security.passed()).isFalse();
    assertThat(security.unfixed())
        .singleElement()
        .satisfies(f -> assertThat(f.rule()).isEqualTo("CWE-89"));
    assertThat(applier.passed()).isTrue();
  }

  @Test
  void theRateLimitedAccountEndsInARejectedLimitTheClassifierRecognises() throws Exception {
    Map<String, String> env =
        Map.of(
            "PR_URL", "https://forge.test/demo/app/pulls/43",
            "HYDRA_CLAUDE_TOKEN_NAME", "account-1",
            "DEMO_RATE_LIMIT_TOKEN", "account-1");
    Run run = run("reviewer", env);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outcome()).isInstanceOf(AgentOutcome.AccountLimit.class);
    assertThat(VerdictReader.read(Stage.CODE_REVIEW, run.stdout()).passed()).isFalse();
  }

  @Test
  void aMissingInputStopsBeforeTheAgentWithoutAVerdict() throws Exception {
    CommandRunner.Result r =
        RUNNER.run(ImageTestSupport.offlineRun(PREFIX + "-builder:it"), Duration.ofMinutes(1));
    assertThat(r.exitCode()).isEqualTo(64);
    assertThat(r.stderr()).contains("HYDRA_MODE is required");
    assertThat(r.stdout()).doesNotContain(VerdictReader.PREFIX);
  }

  @Test
  void aTokenIsRefusedByTheDemoImagesToo() throws Exception {
    String token = TestTokens.github(7);
    for (String variable : List.of("GIT_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY")) {
      CommandRunner.Result r =
          RUNNER.run(
              ImageTestSupport.offlineRun(
                  "-e", "HYDRA_MODE=build", "-e", variable + "=" + token, PREFIX + "-builder:it"),
              Duration.ofMinutes(1));
      assertThat(r.exitCode()).as(variable).isEqualTo(64);
      assertThat(r.stderr()).contains("hydra: error: " + variable, "the runner keeps the tokens");
      assertThat(r.stdout()).doesNotContain(VerdictReader.PREFIX);
      TestTokens.assertNoTokenIn(r.stdout() + r.stderr());
    }
  }

  @Test
  void withTheRunnersCloneTheBuilderCommitsOnItsBranchAndWritesTheBundle() throws Exception {
    try (StageFolders folders = StageFolders.create("builder", false)) {
      List<String> argv = new ArrayList<>(hardened());
      argv.addAll(folders.dockerArgs());
      argv.addAll(List.of("-e", "ANTHROPIC_API_KEY=hydra-gateway-placeholder-0123456789abcdef"));
      argv.add(PREFIX + "-builder:it");
      CommandRunner.Result r = RUNNER.run(argv, Duration.ofMinutes(1));

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      Verdict v = VerdictReader.read(Stage.BUILD, r.stdout().lines().toList());
      assertThat(v.builder())
          .get()
          .satisfies(b -> assertThat(b.branch()).isEqualTo(StageFolders.BRANCH));
      assertThat(
              PersonaFirewallIT.git(folders.repo(), "bundle", "verify", folders.bundle().toString())
                  .exitCode())
          .isZero();
      String head =
          PersonaFirewallIT.git(folders.repo(), "rev-parse", "refs/heads/" + StageFolders.BRANCH)
              .stdout()
              .strip();
      assertThat(
              PersonaFirewallIT.git(
                      folders.repo(), "bundle", "list-heads", folders.bundle().toString())
                  .stdout())
          .contains(head + " refs/heads/" + StageFolders.BRANCH);
      assertThat(PersonaFirewallIT.git(folders.repo(), "rev-parse", head + "^").stdout().strip())
          .isEqualTo(folders.baseSha());
      assertThat(
              PersonaFirewallIT.git(folders.repo(), "show", "--name-only", "--format=", head)
                  .stdout()
                  .strip())
          .isEqualTo("hydra-demo-5.md");
    }
  }

  @Test
  void theAgentRunsAsTheAgentUserWithNoCapabilityAndNoNewPrivileges() throws Exception {
    // With SETPCAP the bounding set is emptied too.
    CommandRunner.Result full = statusAfterDrop(List.of("--cap-add", "SETPCAP"));
    assertThat(full.exitCode()).as(full.stderr()).isZero();
    assertThat(full.stdout())
        .containsPattern("Uid:\\s+10001\\s+10001\\s+10001\\s+10001")
        .containsPattern("Gid:\\s+10001\\s+10001\\s+10001\\s+10001")
        .containsPattern("Groups:\\s*\\n")
        .contains(
            "CapInh:\t0000000000000000",
            "CapPrm:\t0000000000000000",
            "CapEff:\t0000000000000000",
            "CapBnd:\t0000000000000000",
            "CapAmb:\t0000000000000000",
            "NoNewPrivs:\t1");
    assertThat(full.stderr()).doesNotContain("CAP_SETPCAP");

    // Without it, setpriv cannot touch the bounding set: the entrypoint says so, and the agent
    // still has no effective or permitted capability and no_new_privs.
    CommandRunner.Result partial = statusAfterDrop(List.of("--cap-add", "NET_ADMIN"));
    assertThat(partial.exitCode()).as(partial.stderr()).isZero();
    assertThat(partial.stdout())
        .contains("CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "NoNewPrivs:\t1");
    assertThat(partial.stderr()).contains("CAP_SETPCAP is not granted");
  }

  @Test
  void noSetuidOrSetgidFileIsLeft() throws Exception {
    assertThat(
            RUNNER
                .run(ImageTestSupport.setuidFiles(PREFIX + "-applier:it"), Duration.ofMinutes(1))
                .stdout()
                .strip())
        .as("setuid/setgid files (CIS 4.8)")
        .isEmpty();
  }

  private static CommandRunner.Result statusAfterDrop(List<String> extraCaps) throws Exception {
    List<String> argv = new ArrayList<>(hardened());
    argv.addAll(extraCaps);
    argv.addAll(
        List.of(
            "--entrypoint",
            "bash",
            PREFIX + "-applier:it",
            "-c",
            ". /usr/local/lib/hydra/entrypoint-common.sh && hydra_drop_to_agent grep -E"
                + " '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):'"
                + " /proc/self/status"));
    return RUNNER.run(argv, Duration.ofMinutes(1));
  }

  record Run(int exitCode, List<String> stdout, AgentOutcome outcome) {}

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    java.util.LinkedHashMap<String, String> copy = new java.util.LinkedHashMap<>(env);
    copy.put(key, value);
    return copy;
  }

  private static List<String> hardened() {
    return List.of(
        "docker",
        "run",
        "--rm",
        "--read-only",
        "--tmpfs",
        "/tmp:size=64m",
        "--security-opt",
        "no-new-privileges",
        "--cap-drop",
        "ALL",
        "--cap-add",
        "SETUID",
        "--cap-add",
        "SETGID",
        "--pids-limit",
        "256",
        "--memory",
        "256m",
        "--network",
        "none");
  }

  /** Runs a demo image hardened, as the runner starts it (contract v2: no secret, no mounts). */
  private static Run run(String role, Map<String, String> extra) throws Exception {
    List<String> argv = new ArrayList<>(hardened());
    argv.addAll(
        List.of(
            "--tmpfs",
            "/workspace:size=64m",
            "-e",
            "ANTHROPIC_API_KEY=hydra-gateway-placeholder-0123456789abcdef",
            "-e",
            "REPO_URL=https://forge.test/demo/app",
            "-e",
            "ISSUE_URL=https://forge.test/demo/app/issues/42",
            "-e",
            "HYDRA_MODE=" + (role.equals("builder") ? "build" : "review"),
            "-e",
            "HYDRA_STAGE=" + stage(role).id(),
            "-e",
            "HYDRA_MODEL=claude-sonnet-4-5"));
    extra.forEach((k, v) -> argv.addAll(List.of("-e", k + "=" + v)));
    argv.add(PREFIX + "-" + role + ":it");
    List<String> out = new ArrayList<>();
    StreamJsonClassifier classifier = new StreamJsonClassifier();
    CommandRunner.Streamed s =
        RUNNER.stream(
            argv,
            Duration.ofMinutes(1),
            line -> {
              out.add(line);
              classifier.accept(line);
            },
            line -> {});
    return new Run(s.exitCode(), out, classifier.outcome(s.exitCode()));
  }

  private static Stage stage(String role) {
    return switch (role) {
      case "builder" -> Stage.BUILD;
      case "reviewer" -> Stage.CODE_REVIEW;
      case "security" -> Stage.SECURITY_REVIEW;
      default -> Stage.APPLIER;
    };
  }
}
