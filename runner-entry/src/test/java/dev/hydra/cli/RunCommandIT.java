package dev.hydra.cli;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.hydra.cli.ActionsRun.Job;
import dev.hydra.cli.ActionsRun.JobRun;
import dev.hydra.cli.ActionsRun.JobSpec;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.credentials.Persona;
import dev.hydra.demo.DemoImages;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.json.Json;
import dev.hydra.route.HydraBranch;
import dev.hydra.workspace.GitHttpRemote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hydra run} end to end as the workflows call it, in-process through the CLI entry: every
 * job gets an Actions environment (the event payload in {@code GITHUB_EVENT_PATH}, {@code
 * GITHUB_OUTPUT} and {@code GITHUB_STEP_SUMMARY} files, only its own persona's token, the two
 * Claude tokens) exactly as {@code action.yml} sets it; each stage is a REAL hardened container of
 * the demo images on the local Docker engine; the forge is {@link FakeGitHub}, a stateful GitHub in
 * WireMock that every persona talks HTTP to with its own token.
 *
 * <p>The review workflow is run as Actions runs it: the code review and the security review jobs at
 * the same time, then the decision job with {@code HYDRA_REVIEW_REPORTS} built from the review
 * jobs' {@code GITHUB_OUTPUT} files the way {@code toJSON(needs)} is.
 *
 * <p>The images carry a prefix of their own ({@code hydra-it-<random>-run-<role>}), the containers
 * a network of their own; both are removed afterwards, and no container may be left. Skipped
 * without a Docker daemon and the local {@code debian:bookworm-slim}, unless {@code
 * HYDRA_REQUIRE_DOCKER=1}, which makes that a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RunCommandIT {

  static final CommandRunner DOCKER = ItDocker.RUNNER;
  static final String ID = "hydra-it-" + UUID.randomUUID().toString().substring(0, 8);
  static final String PREFIX = ID + "-run";
  static final String TAG = "it";
  static final String NETWORK = ID + "-net";
  static final RepoRef REPO = RepoRef.of("acme", "shop");
  static final int ISSUE = 7;

  /**
   * The branch the runner prepares for issue #7, from its title; the demo builder commits on it.
   */
  static final String BRANCH = HydraBranch.forIssue(ISSUE, FakeGitHub.TITLE).name();

  /** Fake tokens, new for each run of the class, labelled as not secret. */
  static final String SALT = "NOT-A-REAL-SECRET-" + ActionsRun.hex(8);

  static final String CLAUDE_1 = "sk-" + "ant-oat01-account1-" + SALT;
  static final String CLAUDE_2 = "sk-" + "ant-oat01-account2-" + SALT;

  static final ActionsRun.Setup SETUP =
      new ActionsRun.Setup(
          REPO,
          ISSUE,
          "github",
          "",
          PREFIX,
          TAG,
          NETWORK,
          ActionsRun.personaTokens(SALT),
          List.of(CLAUDE_1, CLAUDE_2));

  @TempDir Path root;
  Path work = Path.of("unset");
  FakeGitHub gh = new FakeGitHub(REPO);
  @Nullable GitHttpRemote git;
  @Nullable ActionsRun run;
  WireMockServer wm = new WireMockServer(wireMockConfig().dynamicPort());

  boolean dockerAnswered;

  // ------------------------------------------------------------------------------- set-up

  @BeforeAll
  void requireDockerAndBuildTheDemoImages() throws Exception {
    ItDocker.require();
    dockerAnswered = true;
    new DemoImages(DOCKER, "docker", line -> {}).ensure(DemoCommandTest.imagesDir(), PREFIX, TAG);
  }

  @AfterAll
  void removeWhatTheTestMade() throws Exception {
    if (!dockerAnswered) {
      return; // JUnit runs this after a skip too; there is nothing to remove, nor a daemon to ask
    }
    ItDocker.removeImagesAndNetwork(PREFIX, NETWORK);
  }

  @BeforeEach
  void github(TestInfo test) throws IOException {
    work = Files.createDirectory(root.resolve(test.getTestMethod().orElseThrow().getName()));
    gh = new FakeGitHub(REPO);
    wm = ActionsRun.serveGitHub(gh, SETUP);
    gh.user("alice", "ghp_alice_" + SALT, "write").user("trudy", "ghp_trudy_" + SALT, "triage");
    GitHttpRemote remote = ActionsRun.gitRemote(work.resolve("git"), SETUP);
    git = remote;
    gh.branchesFrom(branch -> Optional.ofNullable(head(branch)));
    run = new ActionsRun(SETUP.withApiUrl(wm.baseUrl()), work, wm, remote);
  }

  @AfterEach
  void stopAndCheck() throws Exception {
    wm.stop();
    if (git != null) {
      git.close();
    }
    assertThat(docker("ps", "--all", "--quiet", "--filter", "network=" + NETWORK).stdout())
        .as("containers left behind")
        .isBlank();
  }

  ActionsRun run() {
    return java.util.Objects.requireNonNull(run);
  }

  /** Where the remote's branch is, or null. */
  @Nullable String head(String branch) {
    return run().head(branch);
  }

  // ---------------------------------------------------------------------------------- tests

  @Test
  void theBuildThenBothReviewJobsThenTheDecisionEndDone() throws Exception {
    gh.apply("alice", "ready-to-build");

    Job build = job("build", "issues", issuesLabeled("alice"), "", Persona.BUILDER).run();

    assertThat(build.code()).as(build.err()).isZero();
    assertThat(build.out()).contains("build: passed: draft PR #12 opened from " + BRANCH);
    assertThat(build.outputs().keySet())
        .containsExactly("stage", "outcome", "pr_number", "pr_url", "reason");
    assertThat(build.outputs())
        .containsEntry("stage", "build")
        .containsEntry("outcome", "passed")
        .containsEntry("pr_number", "12")
        .containsEntry("pr_url", wm.baseUrl() + "/acme/shop/pull/12");
    assertThat(build.err())
        .containsPattern("hydra: container hydra-build-7-[0-9a-f]{8}")
        .containsPattern("model gateway at http://[0-9.]+:[0-9]+ for this stage only")
        .contains("build | HYDRA-VERDICT ")
        .contains("::add-mask::")
        .containsPattern("::stop-commands::[0-9a-f]+")
        .contains("image " + PREFIX + "-builder:" + TAG);
    assertThat(build.summary()).startsWith("### Hydra build: passed").contains("| build |");
    // The demo's scripted agent asks no model: the gateway served no account.
    assertThat(build.record("build").path("tokenName").asText()).isEmpty();
    assertThat(head(BRANCH)).as("the runner pushed the builder's commit").isNotNull();
    assertThat(java.util.Objects.requireNonNull(git).pushes())
        .extracting(GitHttpRemote.Request::user)
        .containsOnly("hydra-builder");
    assertThat(build.record("build").path("image").asText()).isEqualTo(PREFIX + "-builder:" + TAG);
    assertThat(build.record("build").path("turns").asInt()).isEqualTo(12);
    assertThat(build.tokensSeen()).containsExactly(token(Persona.BUILDER));
    assertThat(gh.labelsNow())
        .containsExactlyInAnyOrder("build:pass", "code-review:queued", "security-review:queued");
    assertThat(gh.pullNow().path("draft").asBoolean()).isTrue();
    assertThat(gh.pullNow().path("body").asText()).contains("Closes #7");

    Job[] reviews = reviewJobs(Map.of());
    Job code = reviews[0];
    Job security = reviews[1];

    for (Job review : reviews) {
      assertThat(review.code()).as(review.err()).isZero();
      assertThat(review.outputs().keySet())
          .containsExactly("stage", "outcome", "pr_number", "pr_url", "reason", "report");
      assertThat(review.outputs()).containsEntry("outcome", "passed");
      JsonNode report = review.report();
      assertThat(report.path("stage").asText()).isEqualTo(review.name());
      assertThat(report.path("outcome").asText()).isEqualTo("pass");
      assertThat(report.path("record").path("tokenName").asText()).isEmpty();
    }
    assertThat(code.outputs()).containsEntry("stage", "code-review");
    assertThat(code.err()).contains("code-review | HYDRA-VERDICT ");
    assertThat(code.tokensSeen()).containsExactly(token(Persona.REVIEWER));
    assertThat(security.outputs()).containsEntry("stage", "security-review");
    assertThat(security.err()).contains("security-review | HYDRA-VERDICT ");
    assertThat(security.tokensSeen()).containsExactly(token(Persona.SECURITY));
    assertThat(gh.labelsNow())
        .containsExactlyInAnyOrder("build:pass", "code-review:running", "security-review:running");

    Job decision = decisionJob(code, security);

    assertThat(decision.code()).as(decision.err()).isZero();
    assertThat(decision.out()).contains("decision: done: PR #12 is ready for review");
    assertThat(decision.outputs().keySet())
        .containsExactly("stage", "outcome", "pr_number", "pr_url", "reason");
    assertThat(decision.outputs())
        .containsEntry("stage", "decision")
        .containsEntry("outcome", "done");
    assertThat(decision.summary()).contains("| code-review |", "| security-review |");
    // The decision job holds the builder's and the applier's tokens; both read their own
    // permission first (an admin token is refused before anything is written), and the writes of
    // a run without fixes are the builder's.
    assertThat(decision.tokensSeen())
        .containsExactlyInAnyOrder(token(Persona.BUILDER), token(Persona.APPLIER));
    assertThat(gh.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "code-review:pass", "security-review:pass", "done");
    assertThat(gh.reviewsNow())
        .extracting(r -> r.path("user").path("login").asText() + " " + r.path("state").asText())
        .containsExactlyInAnyOrder("hydra-reviewer COMMENTED", "hydra-security COMMENTED");
    assertThat(gh.reviewsNow())
        .allSatisfy(r -> assertThat(r.path("commit_id").asText()).isEqualTo(head(BRANCH)));
    assertThat(gh.pullNow().path("draft").asBoolean()).as("ready for review").isFalse();
    assertThat(gh.mergedNow()).isFalse();
    assertThat(gh.commentsNow()).hasSize(1);
    assertThat(gh.commentsNow().get(0).path("user").path("login").asText())
        .isEqualTo("hydra-builder");
    assertThat(gh.commentsNow().get(0).path("body").asText())
        .contains("| build |", "| code-review |", "| security-review |");
    assertNoTokenAnywhere();
  }

  @Test
  void aFailedSecurityReviewEndsInNeedsInputWithOneComment() throws Exception {
    derive("security", "fails", "DEMO_OUTCOME=fail");
    gh.apply("alice", "ready-to-build");
    Job build = job("build", "issues", issuesLabeled("alice"), "", Persona.BUILDER).run();
    assertThat(build.code()).as(build.err()).isZero();

    Job[] reviews = reviewJobs(Map.of("security-review", "fails"));
    Job security = reviews[1];

    assertThat(reviews[0].code()).as(reviews[0].err()).isZero();
    assertThat(security.code()).as("a failed review is an outcome: " + security.err()).isZero();
    assertThat(security.outputs()).containsEntry("outcome", "failed");
    assertThat(security.report().path("outcome").asText()).isEqualTo("fail");

    Job decision = decisionJob(reviews[0], security);

    assertThat(decision.code()).as(decision.err()).isEqualTo(1);
    assertThat(decision.outputs()).containsEntry("outcome", "needs-input");
    assertThat(decision.err().lines().filter(l -> l.startsWith("hydra run: error: ")))
        .singleElement()
        .asString()
        .contains("decision needs-input: a review failed on PR #12: security-review failed");
    assertThat(gh.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "code-review:pass", "security-review:fail", "needs-input");
    assertThat(gh.reviewsNow())
        .extracting(r -> r.path("user").path("login").asText() + " " + r.path("state").asText())
        .containsExactlyInAnyOrder("hydra-reviewer COMMENTED", "hydra-security CHANGES_REQUESTED");
    assertThat(
            gh.commentsNow().stream()
                .filter(c -> c.path("body").asText().contains("hydra:needs-input")))
        .hasSize(1);
    assertThat(gh.pullNow().path("draft").asBoolean()).as("not ready for review").isTrue();
    assertNoTokenAnywhere();
  }

  @Test
  void badInputExitsTwoWithOneLineAndWritesNothing() throws Exception {
    gh.apply("alice", "ready-to-build");
    Path labeled = issuesLabeled("alice");

    Job bogus = job("bogus", "issues", labeled, "", Persona.BUILDER).run("--stage", "bogus");
    Job reviewOnBuild =
        job("review-on-build", "issues", labeled, "code-review", Persona.REVIEWER).run();
    Job noImages =
        job("no-images", "issues", labeled, "", Persona.BUILDER)
            .with("HYDRA_IMAGE_PREFIX", "")
            .with("HYDRA_IMAGE_TAG", "no-such-tag")
            .run();

    assertThat(bogus.oneError())
        .contains("--stage", "`bogus`", "code-review, security-review, decision");
    assertThat(reviewOnBuild.oneError())
        .contains("code-review is for the review workflow, but this event starts a build");
    // Issue 12: an unset prefix takes the default, whose image is checked before anything else.
    assertThat(noImages.oneError())
        .containsAnyOf("HYDRA_IMAGE_PREFIX is not set", "can be neither found here nor pulled");
    assertThat(wm.getAllServeEvents()).as("each stopped before asking the forge").isEmpty();
    assertThat(gh.labelsNow()).containsExactly("ready-to-build");

    // The decision job with no reports: the review workflow's wiring is wrong.
    ObjectNode pr = Json.mapper().createObjectNode();
    Path opened = pullRequestOpened(openedPull(pr));
    Job noReports = job("decision", "pull_request", opened, "decision", Persona.BUILDER).run();
    assertThat(noReports.oneError()).contains("HYDRA_REVIEW_REPORTS is empty");
    assertThat(wm.getAllServeEvents()).as("nothing asked of the forge, nothing written").isEmpty();
    for (Job job : List.of(bogus, reviewOnBuild, noImages, noReports)) {
      assertThat(job.code()).as(job.err()).isEqualTo(2);
      assertThat(job.outputs()).as("no outputs").isEmpty();
    }
    assertNoTokenAnywhere();
  }

  @Test
  void aRunnerKilledMidStageIsRecoveredOnceByReconcile() throws Exception {
    derive("builder", "slow", "DEMO_SLEEP=300");
    gh.apply("alice", "ready-to-build");
    // The build starts 50 minutes ago, as far as the forge's label history says.
    gh.advance(Duration.between(gh.now(), Instant.now().minus(Duration.ofMinutes(50))));
    JobRun run =
        job("build", "issues", issuesLabeled("alice"), "", Persona.BUILDER)
            .with("HYDRA_IMAGE_TAG", "slow")
            .start();
    String container;
    Job killed;
    try {
      container = awaitRunningContainer("hydra-build-7-");
      assertThat(gh.labelsNow()).containsExactly("build:running");
    } finally {
      killed = run.kill(); // also when the wait failed: never leave the job and its container
    }

    assertThat(killed.code()).as("the runner was killed: " + killed.err()).isNotZero();
    assertThat(docker("ps", "--all", "--quiet", "--filter", "name=" + container).stdout())
        .as("the killed runner's container is removed")
        .isBlank();
    assertThat(gh.labelsNow()).as("left running").containsExactly("build:running");
    int before = writes().size();

    // Within its configured timeout plus grace (60 + 10 minutes) the build is left alone.
    Job early = reconcile("early").with("HYDRA_BUILD_TIMEOUT", "60").run();
    assertThat(early.code()).as(early.err()).isZero();
    assertThat(early.out()).contains("#7: skipped: issue #7 has a stage in progress");
    assertThat(writes()).hasSize(before);

    // Past the default 35 minutes plus 10 minutes' grace: recovered, once.
    Job late = reconcile("late").run();
    Job again = reconcile("again").run();

    assertThat(late.code()).as(late.err()).isZero();
    assertThat(late.out()).contains("#7: recovered: stage build was left running past its timeout");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("#7: skipped: no stage of issue #7 is queued or running");
    assertThat(gh.labelsNow()).containsExactlyInAnyOrder("build:fail", "needs-input");
    assertThat(
            gh.commentsNow().stream()
                .filter(c -> c.path("body").asText().contains("hydra:needs-input")))
        .hasSize(1);

    // A replayed delivery of the trigger starts nothing.
    Job replay = job("replay", "issues", issuesLabeled("alice"), "", Persona.BUILDER).run();
    assertThat(replay.code()).as(replay.err()).isZero();
    assertThat(replay.outputs()).containsEntry("outcome", "skipped");
    assertThat(replay.err()).doesNotContain("hydra: container hydra-build-7-");
    assertNoTokenAnywhere();
  }

  String token(Persona persona) {
    return SETUP.token(persona);
  }

  // ------------------------------------------------------------------------------- the jobs

  JobSpec job(String name, String eventName, Path payload, String stage, Persona... personas)
      throws IOException {
    return run().job(name, eventName, payload, stage, personas);
  }

  /** {@code hydra reconcile} as the builder, from a scheduled job. */
  ReconcileSpec reconcile(String name) throws IOException {
    JobSpec spec = job(name, "schedule", work.resolve("none.json"), "", Persona.BUILDER);
    return new ReconcileSpec(spec);
  }

  record ReconcileSpec(JobSpec spec) {
    ReconcileSpec with(String key, String value) {
      spec.with(key, value);
      return this;
    }

    Job run() throws IOException {
      return spec.reconcile();
    }
  }

  /**
   * The two review jobs at the same time, on the {@code pull_request.opened} event of the PR the
   * build opened.
   *
   * @param tags an image tag per review job, where it differs
   * @return the code review job, then the security review job
   */
  Job[] reviewJobs(Map<String, String> tags) throws Exception {
    JobSpec[] specs = run().reviewSpecs(run().pullRequestOpened(gh.pullNow()));
    for (JobSpec spec : specs) {
      spec.with("HYDRA_IMAGE_TAG", tags.getOrDefault(spec.name, TAG));
    }
    return run().reviewJobs(specs[0], specs[1]);
  }

  /** The decision job, with {@code toJSON(needs)} as Actions builds it from the review jobs. */
  Job decisionJob(Job code, Job security) throws Exception {
    return run().decisionSpec(run().pullRequestOpened(gh.pullNow()), code, security).run();
  }

  // ----------------------------------------------------------------------------- payloads

  /** {@code issues.labeled}: {@code sender} added {@code ready-to-build} to issue #7. */
  Path issuesLabeled(String sender) throws Exception {
    return run().issuesLabeled(sender, FakeGitHub.TITLE, FakeGitHub.ORIGINAL_BODY);
  }

  Path pullRequestOpened(ObjectNode pull) throws Exception {
    return run().pullRequestOpened(pull);
  }

  /** The PR of issue #7 as it would be after the build, for jobs that fail before the forge. */
  ObjectNode openedPull(ObjectNode pr) {
    pr.put("number", 12);
    pr.put("state", "open");
    pr.put("draft", true);
    pr.put("merged", false);
    pr.put("title", "Demo change for issue #7");
    pr.put("body", "Closes #7");
    pr.put("html_url", wm.baseUrl() + "/acme/shop/pull/12");
    pr.put("node_id", "PR_kwDOfake12");
    pr.withObject("/user").put("login", "hydra-builder");
    ObjectNode head = pr.withObject("/head");
    head.put("ref", BRANCH)
        .put("sha", java.util.Objects.requireNonNullElse(head(BRANCH), "9".repeat(40)))
        .put("label", "acme:" + BRANCH);
    head.withObject("/repo").put("full_name", REPO.fullName()).put("name", REPO.name());
    ObjectNode base = pr.withObject("/base");
    base.put("ref", "main").put("label", "acme:main");
    base.withObject("/repo").put("full_name", REPO.fullName()).put("name", REPO.name());
    pr.putArray("labels");
    return pr;
  }

  // ------------------------------------------------------------------------------- checks

  List<String> writes() {
    return run().writes();
  }

  /** No token in any form in anything a job printed or wrote, nor on the forge. */
  void assertNoTokenAnywhere() {
    List<String> forge = new ArrayList<>();
    gh.commentsNow().forEach(c -> forge.add(c.toString()));
    gh.reviewsNow().forEach(r -> forge.add(r.toString()));
    forge.add(gh.pullNow().toString());
    run().assertNoTokenAnywhere(forge);
  }

  // ------------------------------------------------------------------------------- docker

  static CommandRunner.Result docker(String... args) throws Exception {
    return ItDocker.docker(args);
  }

  /**
   * A persona image of this test with variables baked in: {@code hydra run} passes no {@code
   * DEMO_*} variable to a container, so the steering goes into the image.
   */
  static void derive(String role, String tag, String... env) throws Exception {
    Path context = Files.createTempDirectory("hydra-it-derive");
    try {
      StringBuilder dockerfile =
          new StringBuilder("FROM " + PREFIX + "-" + role + ":" + TAG + "\n");
      for (String variable : env) {
        dockerfile.append("ENV ").append(variable).append('\n');
      }
      Files.writeString(context.resolve("Dockerfile"), dockerfile);
      CommandRunner.Result built =
          docker("build", "--quiet", "--tag", PREFIX + "-" + role + ":" + tag, context.toString());
      assertThat(built.exitCode()).as(built.stderr()).isZero();
    } finally {
      Files.deleteIfExists(context.resolve("Dockerfile"));
      Files.deleteIfExists(context);
    }
  }

  /** Waits until a container of this test named {@code prefix…} runs; returns its name. */
  static String awaitRunningContainer(String prefix) throws Exception {
    Instant until = Instant.now().plus(Duration.ofMinutes(1));
    while (Instant.now().isBefore(until)) {
      String names =
          docker(
                  "ps",
                  "--filter",
                  "network=" + NETWORK,
                  "--filter",
                  "name=" + prefix,
                  "--format",
                  "{{.Names}}")
              .stdout()
              .strip();
      if (!names.isEmpty()) {
        return names.lines().findFirst().orElseThrow();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no container " + prefix + "… started within a minute");
  }
}
