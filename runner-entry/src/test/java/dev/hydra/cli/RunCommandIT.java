package dev.hydra.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.credentials.Persona;
import dev.hydra.demo.DemoImages;
import dev.hydra.event.EventExamples;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.json.Json;
import dev.hydra.label.LabelScheme;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.route.HydraBranch;
import dev.hydra.workspace.GitHttpRemote;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
  static final String SALT = "NOT-A-REAL-SECRET-" + hex(8);

  static final String CLAUDE_1 = "sk-" + "ant-oat01-account1-" + SALT;
  static final String CLAUDE_2 = "sk-" + "ant-oat01-account2-" + SALT;

  final Map<Persona, String> tokens = new EnumMap<>(Persona.class);

  @TempDir Path root;
  Path work = Path.of("unset");
  FakeGitHub gh = new FakeGitHub(REPO);
  @Nullable GitHttpRemote git;
  WireMockServer wm = new WireMockServer(wireMockConfig().dynamicPort());

  boolean dockerAnswered;

  /** Everything a job printed or wrote, for the secret check at the end of each test. */
  final List<String> printed = new ArrayList<>();

  // ------------------------------------------------------------------------------- set-up

  @BeforeAll
  void requireDockerAndBuildTheDemoImages() throws Exception {
    ItDocker.require();
    dockerAnswered = true;
    new DemoImages(DOCKER, "docker", line -> {}).ensure(DemoCommandTest.imagesDir(), PREFIX, TAG);
    for (Persona p : Persona.values()) {
      tokens.put(p, "ghp_" + p.id() + "_" + SALT);
    }
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
    wm = new WireMockServer(wireMockConfig().dynamicPort().extensions(gh));
    wm.start();
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));
    gh.baseUrl(wm.baseUrl());
    for (Persona p : Persona.values()) {
      gh.user("hydra-" + p.id(), token(p), "write");
    }
    gh.user("alice", "ghp_alice_" + SALT, "write").user("trudy", "ghp_trudy_" + SALT, "triage");
    gh.labels(
        LabelSeeding.specs(LabelScheme.canonical()).stream()
            .map(LabelSpec::name)
            .collect(Collectors.toSet()));
    // The repository's git remote, on loopback with a token per persona (only the builder's may
    // push): the runner clones and pushes there; the container reaches neither it nor the forge.
    GitHttpRemote remote = GitHttpRemote.start(work.resolve("git")).seed(REPO.fullName());
    for (Persona p : Persona.values()) {
      remote.user("hydra-" + p.id(), token(p), p == Persona.BUILDER);
    }
    git = remote;
    gh.branchesFrom(branch -> Optional.ofNullable(head(branch)));
    printed.clear();
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

  /** The web root the runner derives the clone URL from: the loopback git remote. */
  String gitServer() {
    String url = java.util.Objects.requireNonNull(git).url(REPO.fullName()).toString();
    return url.substring(0, url.length() - ("/" + REPO.fullName() + ".git").length());
  }

  /** Where the remote's branch is, or null. */
  @Nullable String head(String branch) {
    try {
      return java.util.Objects.requireNonNull(git).head(REPO.fullName(), branch);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
            .run();

    assertThat(bogus.oneError())
        .contains("--stage", "`bogus`", "code-review, security-review, decision");
    assertThat(reviewOnBuild.oneError())
        .contains("code-review is for the review workflow, but this event starts a build");
    assertThat(noImages.oneError()).contains("HYDRA_IMAGE_PREFIX is not set");
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
    return java.util.Objects.requireNonNull(tokens.get(persona));
  }

  // ------------------------------------------------------------------------------- the jobs

  /** One job of a workflow: its Actions environment, then what it printed and wrote. */
  final class JobSpec {
    final String name;
    final Map<String, String> env = new HashMap<>();
    final Path output;
    final Path summary;
    final Path records;

    JobSpec(String name) throws IOException {
      this.name = name;
      Path jobDir = Files.createDirectory(work.resolve(name + "-" + hex(4)));
      output = Files.createFile(jobDir.resolve("github_output"));
      summary = Files.createFile(jobDir.resolve("step_summary"));
      records = jobDir.resolve("runs");
    }

    JobSpec with(String key, String value) {
      env.put(key, value);
      return this;
    }

    Job run(String... args) throws IOException {
      int first = wm.getAllServeEvents().size();
      List<String> argv = new ArrayList<>(List.of("run"));
      argv.addAll(List.of(args));
      MainTest.Result result = MainTest.run(env, argv.toArray(new String[0]));
      return finished(result, first, argv.get(0));
    }

    Job reconcile() throws IOException {
      int first = wm.getAllServeEvents().size();
      MainTest.Result result = MainTest.run(env, "reconcile", "--issue", Integer.toString(ISSUE));
      return finished(result, first, "reconcile");
    }

    JobRun start() {
      int first = wm.getAllServeEvents().size();
      AtomicReference<MainTest.@Nullable Result> result = new AtomicReference<>();
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      Thread thread =
          new Thread(
              () ->
                  result.set(
                      new MainTest.Result(
                          Main.run(
                              new String[] {"run"},
                              env,
                              new java.io.PrintWriter(out, true),
                              new java.io.PrintWriter(err, true)),
                          out.toString(),
                          err.toString())),
              "hydra-run-" + name);
      thread.start();
      return new JobRun(this, thread, result, first);
    }

    Job finished(MainTest.Result result, int firstRequest, String command) throws IOException {
      List<ServeEvent> events = new ArrayList<>(wm.getAllServeEvents());
      java.util.Collections.reverse(events); // oldest first
      Set<String> seen =
          events.subList(firstRequest, events.size()).stream()
              .map(e -> String.valueOf(e.getRequest().getHeader("Authorization")))
              .map(h -> h.replaceFirst("^token ", ""))
              .collect(Collectors.toSet());
      Job job =
          new Job(
              name,
              command,
              result.code(),
              result.out(),
              result.err(),
              outputs(Files.readString(output)),
              Files.readString(summary),
              records,
              seen);
      printed.add(result.out());
      printed.add(result.err());
      printed.add(Files.readString(output));
      printed.add(job.summary());
      if (Files.isDirectory(records)) {
        try (Stream<Path> files = Files.list(records)) {
          for (Path f : files.toList()) {
            printed.add(Files.readString(f));
          }
        }
      }
      return job;
    }
  }

  /** A job started in its own thread, to be killed. */
  record JobRun(
      JobSpec spec, Thread thread, AtomicReference<MainTest.@Nullable Result> result, int first) {
    Job kill() throws Exception {
      thread.interrupt();
      thread.join(Duration.ofMinutes(1).toMillis());
      assertThat(thread.isAlive()).as("the interrupted job ended").isFalse();
      MainTest.Result r = result.get();
      assertThat(r).isNotNull();
      return spec.finished(java.util.Objects.requireNonNull(r), first, "run");
    }
  }

  /**
   * What one job did.
   *
   * @param tokensSeen the tokens of every forge request the job made
   */
  record Job(
      String name,
      String command,
      int code,
      String out,
      String err,
      Map<String, String> outputs,
      String summary,
      Path records,
      Set<String> tokensSeen) {

    JsonNode report() throws IOException {
      return Json.mapper().readTree(java.util.Objects.requireNonNull(outputs.get("report")));
    }

    JsonNode record(String stage) throws IOException {
      return Json.mapper()
          .readTree(records.resolve("run-" + ISSUE + "-" + stage + ".json").toFile());
    }

    /** The one error line; in Actions it is repeated as an annotation, and nothing else shows. */
    String oneError() {
      List<String> lines = err.lines().toList();
      assertThat(lines).as(err).hasSize(2);
      assertThat(lines.get(0)).startsWith("hydra " + command + ": error: ");
      assertThat(lines.get(1)).isEqualTo("::error title=hydra::" + lines.get(0));
      return lines.get(0);
    }
  }

  /**
   * A job's environment as {@code action.yml}'s step sets it, on a GitHub-hosted runner: every
   * input variable (empty when the workflow passes nothing), only {@code personas}' tokens.
   */
  JobSpec job(String name, String eventName, Path payload, String stage, Persona... personas)
      throws IOException {
    JobSpec spec = new JobSpec(name);
    Map<String, String> env = spec.env;
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_EVENT_NAME", eventName);
    env.put("GITHUB_EVENT_PATH", payload.toString());
    env.put("GITHUB_REPOSITORY", REPO.fullName());
    env.put("GITHUB_SERVER_URL", gitServer());
    env.put("GITHUB_API_URL", wm.baseUrl());
    env.put("GITHUB_OUTPUT", spec.output.toString());
    env.put("GITHUB_STEP_SUMMARY", spec.summary.toString());
    // The action's inputs. The forge is named: this API URL is not api.github.com.
    env.put("HYDRA_STAGE", stage);
    env.put("HYDRA_FORGE", "github");
    for (Persona p : Persona.values()) {
      env.put(p.envVariable(), Arrays.asList(personas).contains(p) ? token(p) : "");
    }
    env.put("HYDRA_CLAUDE_TOKEN_1", CLAUDE_1);
    env.put("HYDRA_CLAUDE_TOKEN_2", CLAUDE_2);
    env.put("HYDRA_CLAUDE_TOKEN_3", "");
    env.put("HYDRA_LABEL_PREFIX", "");
    env.put("HYDRA_TRIGGER_LABEL", "");
    env.put("HYDRA_IMAGE_PREFIX", PREFIX);
    env.put("HYDRA_IMAGE_TAG", TAG);
    env.put("HYDRA_TRUSTED_LABELERS", "");
    env.put("HYDRA_REVIEW_REPORTS", "");
    // This test's own network, and the run records to look into.
    env.put("HYDRA_NETWORK", NETWORK);
    env.put("HYDRA_RUN_RECORDS", spec.records.toString());
    return spec;
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
    Path opened = pullRequestOpened(gh.pullNow());
    JobSpec code = job("code-review", "pull_request", opened, "code-review", Persona.REVIEWER);
    JobSpec security =
        job("security-review", "pull_request", opened, "security-review", Persona.SECURITY);
    code.with("HYDRA_IMAGE_TAG", tags.getOrDefault("code-review", TAG));
    security.with("HYDRA_IMAGE_TAG", tags.getOrDefault("security-review", TAG));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      int first = wm.getAllServeEvents().size();
      Future<MainTest.Result> a = pool.submit(() -> MainTest.run(code.env, "run"));
      Future<MainTest.Result> b = pool.submit(() -> MainTest.run(security.env, "run"));
      MainTest.Result codeResult = a.get(5, TimeUnit.MINUTES);
      MainTest.Result securityResult = b.get(5, TimeUnit.MINUTES);
      Job codeJob = code.finished(codeResult, first, "run");
      Job securityJob = security.finished(securityResult, first, "run");
      // Both ran at once, so the requests of both are in each window: split them by token.
      Set<String> both = codeJob.tokensSeen();
      return new Job[] {
        withTokens(codeJob, both, Persona.REVIEWER), withTokens(securityJob, both, Persona.SECURITY)
      };
    } finally {
      pool.shutdownNow();
    }
  }

  private Job withTokens(Job job, Set<String> seen, Persona own) {
    assertThat(seen)
        .as("the review jobs used only the two reviewers' tokens")
        .containsExactlyInAnyOrder(token(Persona.REVIEWER), token(Persona.SECURITY));
    return new Job(
        job.name(),
        job.command(),
        job.code(),
        job.out(),
        job.err(),
        job.outputs(),
        job.summary(),
        job.records(),
        Set.of(token(own)));
  }

  /** The decision job, with {@code toJSON(needs)} as Actions builds it from the review jobs. */
  Job decisionJob(Job code, Job security) throws Exception {
    Path opened = pullRequestOpened(gh.pullNow());
    return job("decision", "pull_request", opened, "decision", Persona.BUILDER, Persona.APPLIER)
        .with("HYDRA_REVIEW_REPORTS", needs(code, security))
        .run();
  }

  /**
   * {@code ${{ toJSON(needs) }}} of the decision job: per needed job its result and its declared
   * outputs — only {@code report}, from the step's {@code GITHUB_OUTPUT} — pretty-printed as
   * Actions prints it.
   */
  static String needs(Job code, Job security) throws IOException {
    ObjectNode needs = Json.mapper().createObjectNode();
    for (Job job : List.of(code, security)) {
      ObjectNode entry = needs.putObject(job.name());
      entry.put("result", job.code() == 0 ? "success" : "failure");
      ObjectNode outputs = entry.putObject("outputs");
      String report = job.outputs().get("report");
      if (report != null) {
        outputs.put("report", report);
      }
    }
    return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(needs);
  }

  /** Parses {@code GITHUB_OUTPUT}: {@code key=value} lines and {@code key<<DELIMITER} blocks. */
  static Map<String, String> outputs(String text) {
    Map<String, String> outputs = new LinkedHashMap<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int heredoc = line.indexOf("<<");
      if (heredoc > 0) {
        String delimiter = line.substring(heredoc + 2);
        List<String> value = new ArrayList<>();
        i++;
        while (!lines.get(i).equals(delimiter)) {
          value.add(lines.get(i));
          i++;
        }
        assertThat(outputs.put(line.substring(0, heredoc), String.join("\n", value)))
            .as("one value per key")
            .isNull();
      } else if (!line.isEmpty()) {
        int eq = line.indexOf('=');
        outputs.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return outputs;
  }

  // ----------------------------------------------------------------------------- payloads

  /** {@code issues.labeled}: {@code sender} added {@code ready-to-build} to issue #7. */
  Path issuesLabeled(String sender) throws Exception {
    ObjectNode payload = example("issues-labeled");
    payload.withObject("/sender").put("login", sender);
    // The issue as the event saw it: the text FakeGitHub serves (an edit after the label stops
    // the build).
    payload
        .withObject("/issue")
        .put("title", FakeGitHub.TITLE)
        .put("body", FakeGitHub.ORIGINAL_BODY);
    return write("issues-labeled", payload);
  }

  /** {@code pull_request.opened} carrying the pull request as GitHub answers it. */
  Path pullRequestOpened(ObjectNode pull) throws Exception {
    ObjectNode payload = example("pull-request-opened");
    payload.put("number", pull.path("number").asInt());
    payload.set("pull_request", pull);
    payload.withObject("/sender").put("login", pull.path("user").path("login").asText());
    return write("pull-request-opened", payload);
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

  /** A bundled real-shaped payload, moved to this test's repository. */
  ObjectNode example(String name) throws Exception {
    String text =
        new String(EventExamples.get(name).payload(), StandardCharsets.UTF_8)
            .replace("octo-org/hello-hydra", REPO.fullName());
    ObjectNode payload = (ObjectNode) Json.mapper().readTree(text);
    ObjectNode repository = payload.withObject("/repository");
    repository.put("name", REPO.name());
    repository.withObject("/owner").put("login", REPO.owner());
    if (payload.has("organization")) {
      payload.withObject("/organization").put("login", REPO.owner());
    }
    return payload;
  }

  Path write(String name, JsonNode payload) throws IOException {
    Path file = work.resolve(name + "-" + hex(4) + ".json");
    Files.writeString(file, payload.toString(), StandardCharsets.UTF_8);
    return file;
  }

  // ------------------------------------------------------------------------------- checks

  /** The write requests WireMock saw. */
  List<String> writes() {
    return wm.getAllServeEvents().stream()
        .map(e -> e.getRequest().getMethod().getName() + " " + e.getRequest().getUrl())
        .filter(r -> !r.startsWith("GET "))
        .filter(r -> !r.equals("POST /graphql")) // the issue's read
        .toList();
  }

  /**
   * No token in any form in anything a job printed or wrote, nor on the forge. The {@code
   * ::add-mask::} lines are the exception that proves it: they register the token with the Actions
   * runner, which consumes them and never shows them.
   */
  void assertNoTokenAnywhere() {
    List<String> texts = new ArrayList<>();
    for (String text : printed) {
      texts.add(
          text.lines()
              .filter(l -> !l.startsWith("::add-mask::"))
              .collect(Collectors.joining("\n")));
    }
    gh.commentsNow().forEach(c -> texts.add(c.toString()));
    gh.reviewsNow().forEach(r -> texts.add(r.toString()));
    texts.add(gh.pullNow().toString());
    List<String> secrets = new ArrayList<>(tokens.values());
    secrets.add(CLAUDE_1);
    secrets.add(CLAUDE_2);
    String all = String.join("\n", texts);
    for (String secret : secrets) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      assertThat(all)
          .doesNotContain(secret)
          .doesNotContain(Base64.getEncoder().encodeToString(bytes))
          .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(bytes))
          .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
          .doesNotContain(URLEncoder.encode(secret, StandardCharsets.UTF_8))
          .doesNotContain(
              Base64.getEncoder()
                  .encodeToString(("x-access-token:" + secret).getBytes(StandardCharsets.UTF_8)));
    }
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

  static String hex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
