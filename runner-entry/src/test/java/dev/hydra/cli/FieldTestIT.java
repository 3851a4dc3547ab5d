package dev.hydra.cli;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.hydra.cli.ActionsRun.Job;
import dev.hydra.cli.ActionsRun.JobSpec;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeForgejo;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.model.scripted.Failure;
import dev.hydra.model.scripted.Script;
import dev.hydra.model.scripted.ScriptedModel;
import dev.hydra.model.scripted.Scripts;
import dev.hydra.model.scripted.Scripts.Layout;
import dev.hydra.model.scripted.ToolResult;
import dev.hydra.route.HydraBranch;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import dev.hydra.workspace.GitHttpRemote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The field test (issue 10 item 6): the REAL persona images with the real Claude Code CLI inside,
 * run through the production runner code — {@code hydra run} in-process, each Actions job as the
 * workflows call it ({@link ActionsRun}) — with each job's {@code HYDRA_MODEL_UPSTREAM} a {@link
 * ScriptedModel} playing that job's persona script, two Claude accounts, a real git remote over
 * HTTP with a token per persona ({@link GitHttpRemote}) and the stateful fake forge: GitHub's shape
 * in most cases, Forgejo's in {@link #onForgejoTheSameRealAgentRunEndsDone}.
 *
 * <p>The images are built once per test run ({@link RealPersonaImages}); the containers run on a
 * network of this class, removed at the end, and no container may be left.
 */
@ExtendWith(RealPersonaImages.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FieldTestIT {

  static final String NETWORK = "hydra-it-" + UUID.randomUUID().toString().substring(0, 8) + "-fn";
  static final RepoRef REPO = RepoRef.of("acme", "shop");
  static final int ISSUE = 7;
  static final String BRANCH = HydraBranch.forIssue(ISSUE, FakeGitHub.TITLE).name();

  /** What the builder must read in /input/issue.md: the issue's own text. */
  static final String ISSUE_MARKER = FakeGitHub.ORIGINAL_BODY;

  static final Scripts.Change CHANGE =
      new Scripts.Change(
          "README.md", "hello", "hello, health", "grep -q 'hello, health' README.md");
  static final String WORKFLOW = ".github/workflows/ci.yml";

  static final String SALT = "NOT-A-REAL-SECRET-" + ActionsRun.hex(8);
  static final String CLAUDE_1 = TestTokens.claude(System.nanoTime());
  static final String CLAUDE_2 = TestTokens.claude(System.nanoTime() + 1);

  @TempDir Path root;
  RealPersonaImages.@Nullable Built images;
  boolean dockerAnswered;
  final List<AutoCloseable> open = new ArrayList<>();
  FakeGitHub gh = new FakeGitHub(REPO);
  WireMockServer wm = new WireMockServer(wireMockConfig().dynamicPort());
  @Nullable GitHttpRemote git;
  @Nullable ActionsRun run;

  @BeforeAll
  void images(RealPersonaImages.Built built) {
    images = built;
    dockerAnswered = true;
  }

  @AfterAll
  void removeTheNetwork() throws Exception {
    if (!dockerAnswered) {
      return;
    }
    ItDocker.docker("network", "rm", NETWORK);
    assertThat(ItDocker.docker("network", "inspect", NETWORK).exitCode())
        .as("network left")
        .isNotZero();
  }

  @BeforeEach
  void forgeAndRemote(TestInfo test) throws Exception {
    Path work = Files.createDirectory(root.resolve(test.getTestMethod().orElseThrow().getName()));
    RealPersonaImages.Built built = Objects.requireNonNull(images);
    ActionsRun.Setup setup =
        new ActionsRun.Setup(
            REPO,
            ISSUE,
            "github",
            "",
            built.prefix(),
            built.tag(),
            NETWORK,
            ActionsRun.personaTokens(SALT),
            List.of(CLAUDE_1, CLAUDE_2));
    gh = new FakeGitHub(REPO);
    wm = ActionsRun.serveGitHub(gh, setup);
    gh.user("alice", "gh" + "p_alice_" + SALT, "write");
    GitHttpRemote remote = ActionsRun.gitRemote(work.resolve("git"), setup);
    remote.commit(REPO.fullName(), "main", Map.of(WORKFLOW, "name: ci\non: push\n"), "ci");
    git = remote;
    run = new ActionsRun(setup.withApiUrl(wm.baseUrl()), work, wm, remote);
    gh.branchesFrom(branch -> Optional.ofNullable(run().head(branch)));
  }

  @AfterEach
  void stopAndCheck() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    open.clear();
    wm.stop();
    if (git != null) {
      git.close();
    }
    assertThat(ItDocker.docker("ps", "--all", "--quiet", "--filter", "network=" + NETWORK).stdout())
        .as("containers left behind")
        .isBlank();
  }

  ActionsRun run() {
    return Objects.requireNonNull(run);
  }

  GitHttpRemote remote() {
    return Objects.requireNonNull(git);
  }

  // ---------------------------------------------------------------------------------- tests

  @Test
  void onGitHubTheRealAgentBuildsBothReviewAndTheDecisionEndsDone() throws Exception {
    ScriptedModel builder = model(Scripts.builder(Layout.container(), ISSUE, BRANCH, CHANGE));

    Job build = build(builder);

    assertThat(build.code()).as(build.err() + builder.describe()).isZero();
    assertThat(builder.result("Read", "issue.md"))
        .as(builder.describe())
        .hasValueSatisfying(
            read -> {
              assertThat(read.isError()).isFalse();
              assertThat(read.content()).contains(ISSUE_MARKER);
            });
    assertThat(builder.results()).as(builder.describe()).noneMatch(ToolResult::isError);
    String pushed = Objects.requireNonNull(run().head(BRANCH), "the branch was pushed");
    try (var repo = remote().open(REPO.fullName())) {
      String readme =
          new String(
              repo.open(
                      org.eclipse.jgit.treewalk.TreeWalk.forPath(
                              repo,
                              CHANGE.file(),
                              new org.eclipse.jgit.revwalk.RevWalk(repo)
                                  .parseCommit(repo.resolve(pushed))
                                  .getTree())
                          .getObjectId(0))
                  .getBytes(),
              java.nio.charset.StandardCharsets.UTF_8);
      assertThat(readme).as("the builder's edit is in the pushed branch").contains("hello, health");
    }
    assertThat(remote().pushes())
        .extracting(GitHttpRemote.Request::user)
        .containsOnly("hydra-builder");
    assertThat(gh.pullNow().path("user").path("login").asText()).isEqualTo("hydra-builder");
    assertThat(gh.pullNow().path("title").asText()).isEqualTo("Fix #7: README.md");
    assertThat(gh.pullNow().path("body").asText()).contains("Closes #7");
    assertAccounts(build, "build", "account-1");

    JobSpec[] specs = run().reviewSpecs(run().pullRequestOpened(gh.pullNow()));
    ScriptedModel code = model(Scripts.reviewer(Layout.container(), CHANGE.file()));
    ScriptedModel security = model(Scripts.security(Layout.container(), CHANGE.file()));
    specs[0].with("HYDRA_MODEL_UPSTREAM", code.baseUrl().toString());
    specs[1].with("HYDRA_MODEL_UPSTREAM", security.baseUrl().toString());
    Job[] reviews = run().reviewJobs(specs[0], specs[1]);

    for (Job review : reviews) {
      assertThat(review.code()).as(review.err()).isZero();
      assertThat(review.outputs()).containsEntry("outcome", "passed");
      assertAccounts(review, review.name(), "account-1");
    }
    assertThat(code.result("Read", "pull-request.diff"))
        .as(code.describe())
        .hasValueSatisfying(read -> assertThat(read.content()).contains("+hello, health"));
    assertThat(security.stepsServed()).as(security.describe()).containsExactly(0, 1);

    Job decision =
        run().decisionSpec(run().pullRequestOpened(gh.pullNow()), reviews[0], reviews[1]).run();

    assertThat(decision.code()).as(decision.err()).isZero();
    assertThat(decision.outputs()).containsEntry("outcome", "done");
    assertThat(gh.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "code-review:pass", "security-review:pass", "done");
    assertThat(gh.reviewsNow())
        .extracting(r -> r.path("user").path("login").asText())
        .containsExactlyInAnyOrder("hydra-reviewer", "hydra-security");
    assertNoTokenAnywhere();
  }

  @Test
  void aRateLimitOnTheFirstAccountMidBuildContinuesInTheSameContainerOnTheSecond()
      throws Exception {
    Script script = Scripts.builder(Layout.container(), ISSUE, BRANCH, CHANGE);
    ScriptedModel builder =
        model(script).fail(CLAUDE_1, 3, new Failure.RateLimited(Instant.now().plusSeconds(7200)));

    Job build = build(builder);

    assertThat(build.code()).as(build.err() + builder.describe()).isZero();
    assertThat(builder.stepsServed())
        .as("every step served once, none replayed after a success: 0 turns lost")
        .containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(builder.requests())
        .filteredOn(r -> r.step() == 3)
        .extracting(ScriptedModel.Request::status)
        .containsExactly(429, 200);
    assertThat(ItDocker.docker("ps", "--all", "--quiet", "--filter", "network=" + NETWORK).stdout())
        .isBlank();
    assertThat(
            build
                .err()
                .lines()
                .map(l -> l.replaceFirst(".*hydra: container (hydra-build-7-[0-9a-f]+).*", "$1"))
                .filter(l -> l.startsWith("hydra-build-7-"))
                .distinct())
        .as("one container for the whole build")
        .hasSize(1);
    assertThat(build.record("build").path("turns").asInt()).isEqualTo(script.turns());
    assertAccounts(build, "build", "account-1", "account-2");
    assertThat(run().head(BRANCH)).as("the build was pushed").isNotNull();
    assertNoTokenAnywhere();
  }

  @Test
  void aPromptInjectedBuilderFindsNoSecretReachesNothingAndItsOutputIsRejected() throws Exception {
    ScriptedModel injected = model(Scripts.injection(Layout.container(), wm.baseUrl(), BRANCH));
    int before = wm.getAllServeEvents().size();

    Job build = build(injected);

    String seen = injected.describe();
    List<ToolResult> results = injected.results();
    // Six calls; the CLI may leave the result of `git push` out of the next request.
    assertThat(results).as(seen).hasSizeGreaterThanOrEqualTo(5);
    List<Secret> secrets = new ArrayList<>();
    run().setup().tokens().values().forEach(t -> secrets.add(Secret.of("persona", t)));
    secrets.add(Secret.of("claude-1", CLAUDE_1));
    secrets.add(Secret.of("claude-2", CLAUDE_2));
    SecretMasker masker = SecretMasker.of(secrets);
    for (ToolResult result : results) {
      assertThat(masker.mask(result.content())).as(result.describe()).isEqualTo(result.content());
      assertThat(masker.maskDecoded(result.content()))
          .as(result.describe())
          .isEqualTo(result.content());
      TestTokens.assertNoTokenIn(result.content());
    }
    assertDeniedOrPlaceholder(injected.result("Bash", "\"env\""), seen);
    assertDeniedOrPlaceholder(injected.result("Bash", "/proc/self/environ"), seen);
    assertThat(injected.result("Read", "/proc/1/environ"))
        .hasValueSatisfying(r -> assertThat(r.isError()).as(r.describe()).isTrue());
    assertThat(injected.result("Bash", "curl"))
        .hasValueSatisfying(r -> assertThat(r.isError()).as(r.describe()).isTrue());
    injected
        .result("Bash", "git push")
        .ifPresent(r -> assertThat(r.isError()).as(r.describe()).isTrue());
    assertThat(injected.result("Edit", "ci.yml"))
        .hasValueSatisfying(r -> assertThat(r.isError()).as(r.describe()).isTrue());
    // The forge heard only the runner: every request carries a persona's token.
    assertThat(wm.getAllServeEvents().subList(0, wm.getAllServeEvents().size() - before))
        .allSatisfy(
            e ->
                assertThat(String.valueOf(e.getRequest().getHeader("Authorization")))
                    .startsWith("token gh" + "p_"));
    // The Edit of the workflow was refused by the permissions, but the shell renamed it and
    // committed (the CLI's rules cannot see which files a command changes): the runner's output
    // validation refuses the commit, the build fails and the issue asks for a person.
    assertThat(injected.result("Bash", "Tidy CI"))
        .hasValueSatisfying(r -> assertThat(r.isError()).as(r.describe()).isFalse());
    assertThat(build.outputs()).as(build.err()).containsEntry("outcome", "needs-input");
    assertThat(build.outputs().get("reason"))
        .contains("the builder stage failed", "nothing under .github/ or .forgejo/ may change");
    assertThat(remote().pushes()).as("nothing pushed").isEmpty();
    assertThat(run().head(BRANCH)).isNull();
    assertThat(gh.hasPull()).as("no PR").isFalse();
    assertThat(gh.labelsNow()).containsExactlyInAnyOrder("build:fail", "needs-input");
    assertNoTokenAnywhere();
  }

  /**
   * The repository variables a Forgejo adopter sets (docs/forges.md, docs/configuration.md) and
   * every job passes: Forgejo answers a collaborator's permission only to an admin, so Hydra learns
   * who may move the pipeline from them.
   */
  static final String TRUSTED = "alice";

  static final String PERSONA_LOGINS =
      "builder=hydra-builder,reviewer=hydra-reviewer,security=hydra-security,applier=hydra-applier";

  @Test
  void onForgejoTheSameRealAgentRunEndsDone() throws Exception {
    // Forgejo's shape: its own tokens (40 hex digits), payloads (`label_updated`), API (/api/v1,
    // label IDs, `token` authorisation) and a fake Forgejo keeping the state.
    RealPersonaImages.Built built = Objects.requireNonNull(images);
    ActionsRun.Setup setup =
        new ActionsRun.Setup(
            REPO,
            ISSUE,
            "forgejo",
            "",
            built.prefix(),
            built.tag(),
            NETWORK,
            ActionsRun.forgejoTokens(),
            List.of(CLAUDE_1, CLAUDE_2));
    FakeForgejo fj = new FakeForgejo(REPO);
    WireMockServer forgejo = ActionsRun.serveForgejo(fj, setup);
    open.add(forgejo::stop);
    fj.user("alice", ActionsRun.hex(20), "write");
    GitHttpRemote forgejoGit = ActionsRun.gitRemote(root.resolve("forgejo-git"), setup);
    open.add(forgejoGit);
    forgejoGit.commit(REPO.fullName(), "main", Map.of(WORKFLOW, "name: ci\non: push\n"), "ci");
    ActionsRun onForgejo =
        new ActionsRun(
            setup.withApiUrl(forgejo.baseUrl() + FakeForgejo.API),
            Files.createDirectory(root.resolve("forgejo")),
            forgejo,
            forgejoGit);
    fj.branchesFrom(branch -> Optional.ofNullable(onForgejo.head(branch)));
    ScriptedModel builder = model(Scripts.builder(Layout.container(), ISSUE, BRANCH, CHANGE));
    fj.apply("alice", "ready-to-build");

    Job build =
        onForgejo
            .job(
                "build",
                "issues",
                onForgejo.issuesLabeled("alice", FakeGitHub.TITLE, FakeGitHub.ORIGINAL_BODY),
                "",
                Persona.BUILDER)
            .with("HYDRA_MODEL_UPSTREAM", builder.baseUrl().toString())
            .with("HYDRA_TRUSTED_LABELERS", TRUSTED)
            .with("HYDRA_PERSONA_LOGINS", PERSONA_LOGINS)
            .run();

    assertThat(build.code()).as(build.err() + builder.describe()).isZero();
    assertThat(build.outputs()).as(build.err()).containsEntry("outcome", "passed");
    assertThat(builder.result("Read", "issue.md"))
        .as(build.err() + builder.describe())
        .hasValueSatisfying(read -> assertThat(read.content()).contains(ISSUE_MARKER));
    assertThat(builder.results()).as(builder.describe()).noneMatch(ToolResult::isError);
    assertThat(forgejoGit.pushes())
        .extracting(GitHttpRemote.Request::user)
        .containsOnly("hydra-builder");
    FakeForgejo.Pull pull = Objects.requireNonNull(fj.pull(), "the PR was opened");
    assertThat(pull.headSha).isEqualTo(onForgejo.head(BRANCH));
    assertAccounts(build, "build", "account-1");

    ObjectNode pullJson = fj.pullJson(pull.number);
    assertThat(pullJson.path("user").path("login").asText()).isEqualTo("hydra-builder");
    JobSpec[] specs = onForgejo.reviewSpecs(onForgejo.pullRequestOpened(pullJson));
    ScriptedModel code = model(Scripts.reviewer(Layout.container(), CHANGE.file()));
    ScriptedModel security = model(Scripts.security(Layout.container(), CHANGE.file()));
    specs[0].with("HYDRA_MODEL_UPSTREAM", code.baseUrl().toString());
    specs[1].with("HYDRA_MODEL_UPSTREAM", security.baseUrl().toString());
    for (JobSpec spec : specs) {
      spec.with("HYDRA_TRUSTED_LABELERS", TRUSTED).with("HYDRA_PERSONA_LOGINS", PERSONA_LOGINS);
    }
    Job[] reviews = onForgejo.reviewJobs(specs[0], specs[1]);
    for (Job review : reviews) {
      assertThat(review.code()).as(review.err()).isZero();
      assertThat(review.outputs()).as(review.err()).containsEntry("outcome", "passed");
      assertAccounts(review, review.name(), "account-1");
    }
    assertThat(code.result("Read", "pull-request.diff"))
        .as(code.describe())
        .hasValueSatisfying(read -> assertThat(read.content()).contains("+hello, health"));

    Job decision =
        onForgejo
            .decisionSpec(
                onForgejo.pullRequestOpened(fj.pullJson(pull.number)), reviews[0], reviews[1])
            .with("HYDRA_TRUSTED_LABELERS", TRUSTED)
            .with("HYDRA_PERSONA_LOGINS", PERSONA_LOGINS)
            .run();

    assertThat(decision.code()).as(decision.err()).isZero();
    assertThat(decision.outputs()).containsEntry("outcome", "done");
    assertThat(fj.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "code-review:pass", "security-review:pass", "done");
    assertThat(fj.reviews)
        .extracting(r -> r.path("user").path("login").asText())
        .containsExactlyInAnyOrder("hydra-reviewer", "hydra-security");
    List<String> forgeTexts = new ArrayList<>();
    fj.reviews.forEach(r -> forgeTexts.add(r.toString()));
    forgeTexts.add(fj.pullJson(pull.number).toString());
    onForgejo.assertNoTokenAnywhere(forgeTexts);
  }

  // ------------------------------------------------------------------------------- helpers

  static void assertDeniedOrPlaceholder(Optional<ToolResult> result, String seen) {
    assertThat(result)
        .as(seen)
        .hasValueSatisfying(
            r ->
                assertThat(r.isError() || r.content().contains("hydra-gateway-placeholder-"))
                    .as(r.describe())
                    .isTrue());
  }

  /** The build job on {@code issues.labeled}, its model the scripted one. */
  Job build(ScriptedModel model) throws Exception {
    gh.apply("alice", "ready-to-build");
    return run()
        .job(
            "build",
            "issues",
            run().issuesLabeled("alice", FakeGitHub.TITLE, FakeGitHub.ORIGINAL_BODY),
            "",
            Persona.BUILDER)
        .with("HYDRA_MODEL_UPSTREAM", model.baseUrl().toString())
        .run();
  }

  ScriptedModel model(Script script) throws Exception {
    ScriptedModel model = ScriptedModel.start(script);
    open.add(model);
    return model;
  }

  /** The stage's run record names the accounts its gateway used and counts tokens. */
  static void assertAccounts(Job job, String stage, String... accounts) throws Exception {
    var record = job.record(stage);
    assertThat(record.path("tokenName").asText().split(",\\s*"))
        .as(record.toString())
        .containsExactlyInAnyOrder(accounts);
    assertThat(record.path("tokens").asLong()).as(record.toString()).isPositive();
  }

  void assertNoTokenAnywhere() {
    List<String> forge = new ArrayList<>();
    gh.commentsNow().forEach(c -> forge.add(c.toString()));
    gh.reviewsNow().forEach(r -> forge.add(r.toString()));
    forge.add(gh.pullNow().toString());
    run().assertNoTokenAnywhere(forge);
  }
}
