package dev.hydra.wiring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.hydra.config.HydraSettings;
import dev.hydra.config.StageSettings;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.FakeContainerRuntime;
import dev.hydra.container.Mount;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.label.Stage;
import dev.hydra.pipeline.RetryScope;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.pipeline.StageExecutor;
import dev.hydra.secret.Secret;
import dev.hydra.stage.StageResult;
import dev.hydra.stage.StageRunner;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Severity;
import dev.hydra.workspace.GitHttpRemote;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.BundleWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A review job's reviewer fixes, pushed by the runner with the builder's token the job holds only
 * for that ({@link RunPlan#pushOnly}), as {@code hydra run} wires it ({@link RunWiring#git}):
 * against a real git remote on loopback and the stateful GitHub for the token's admin check, which
 * is asked right before the push and only then.
 */
class ReviewFixesPushTest {

  static final RepoRef REPO = RepoRef.parse("acme/shop");
  static final String BRANCH = "hydra/7-add-a-health-endpoint";
  static final FakeGitHub github = new FakeGitHub(REPO);

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(github))
          .build();

  @TempDir Path dir;

  final String builder = TestTokens.github(700);
  final String reviewer = TestTokens.github(701);
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  GitHttpRemote git;
  String head = "";

  /** Whether the fake reviewer commits a fix. */
  boolean fixes = true;

  /** The file the fake agent's fix changes, and its commit message. */
  String fixFile = "Health.java";

  String fixMessage = "fix: final";

  /** The verdict the fake agent prints. */
  String verdict = verdict();

  @BeforeEach
  void remote() throws Exception {
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));
    github.user("hydra-reviewer", reviewer, "write");
    git = GitHttpRemote.start(dir.resolve("git")).seed(REPO.fullName());
    git.user("hydra-builder", builder, true).user("hydra-reviewer", reviewer, false);
    try (Repository repo = git.open(REPO.fullName())) {
      RefUpdate branch = repo.updateRef("refs/heads/" + BRANCH);
      branch.setNewObjectId(repo.resolve("refs/heads/main"));
      branch.update();
    }
    head =
        git.commit(REPO.fullName(), BRANCH, Map.of("Health.java", "class Health {}\n"), "build")
            .name();
  }

  @AfterEach
  void close() {
    git.close();
    wm.resetAll();
  }

  ForgeTarget target() throws Exception {
    Map<String, String> env =
        Map.of(
            "GITHUB_REPOSITORY",
            REPO.fullName(),
            "GITHUB_SERVER_URL",
            git.url(REPO.fullName()).toString().replace("/" + REPO.fullName() + ".git", ""));
    return new ForgeTarget(HydraSettings.from("github", env), REPO, URI.create(wm.baseUrl()));
  }

  /** The code-review stage of a review job holding the reviewer's and the builder's tokens. */
  StageResult review() throws Exception {
    return execute(
        (issue, pr) ->
            StageExecutor.Call.onPullRequest(
                Stage.CODE_REVIEW, Persona.REVIEWER, REPO, issue, pr, StageExecutor.Mode.REVIEW));
  }

  /** The builder's retry pass, from one finding in {@code file}. */
  StageResult retry(String file) throws Exception {
    verdict =
        "HYDRA-VERDICT {\"schema\":1,\"stage\":\"build\",\"outcome\":\"pass\","
            + "\"summary\":\"fixed\",\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],"
            + "\"turns\":3,\"cost_usd\":0.1,\"branch\":\""
            + BRANCH
            + "\",\"pr_title\":\"t\",\"pr_body\":\"Closes #7\"}";
    RetryScope scope =
        new RetryScope(
            12,
            BRANCH,
            List.of(new Finding(Severity.CRITICAL, file, 1, "CWE-89", "SQL built from input")));
    return execute((issue, pr) -> StageExecutor.Call.retry(REPO, issue, pr, scope));
  }

  StageResult execute(java.util.function.BiFunction<Issue, PullRequest, StageExecutor.Call> call)
      throws Exception {
    Credentials credentials =
        Credentials.of(
            List.of(
                ClaudeToken.of(
                    "account-1", Secret.of("HYDRA_CLAUDE_TOKEN_1", TestTokens.claude(702)))),
            Map.of(
                Persona.REVIEWER,
                Secret.of("HYDRA_REVIEWER_TOKEN", reviewer),
                Persona.BUILDER,
                Secret.of("HYDRA_BUILDER_TOKEN", builder)));
    FakeContainerRuntime runtime = new FakeContainerRuntime(spec -> this::reviewer);
    StageRunner runner =
        new StageRunner(runtime, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), wait -> {}, log::add);
    RunnerStageExecutor executor =
        new RunnerStageExecutor(
            runner,
            StageSettings.from(
                Map.of("HYDRA_IMAGE_PREFIX", "localhost/hydra", "HYDRA_IMAGE_TAG", "test")),
            credentials,
            "https://github.com",
            RunWiring.git(target(), credentials, Set.of(Persona.BUILDER), "main"));
    Issue issue =
        new Issue(7, "Add a /health endpoint", "GET /health", true, "alice", List.of(), false);
    PullRequest pr =
        new PullRequest(
            12,
            "Add a /health endpoint",
            "Closes #7",
            true,
            false,
            false,
            BRANCH,
            head,
            "main",
            "https://github.com/acme/shop/pull/12",
            "hydra-builder",
            "PR_12",
            REPO.fullName(),
            List.of());
    return executor.execute(call.apply(issue, pr));
  }

  /** The reviewer's container: a fix committed and bundled as the entrypoint does, a pass. */
  ContainerResult reviewer(
      dev.hydra.container.ContainerSpec spec,
      java.util.function.Consumer<String> out,
      java.util.function.Consumer<String> err) {
    Path mount =
        spec.mounts().stream()
            .map(Mount::source)
            .filter(p -> Files.isDirectory(p.resolve("repo")))
            .findFirst()
            .orElseThrow();
    if (fixes) {
      try (Git repo = Git.open(mount.resolve("repo").toFile())) {
        // No automatic gc behind the commit: it would race the runner's deletion of the folder.
        repo.getRepository().getConfig().setInt("gc", null, "auto", 0);
        Files.writeString(mount.resolve("repo/" + fixFile), "final class Health {}\n");
        repo.add().addFilepattern(fixFile).call();
        PersonIdent agent =
            new PersonIdent("Agent", "agent@example.test", Instant.EPOCH, ZoneOffset.UTC);
        ObjectId fix =
            repo.commit()
                .setMessage(fixMessage)
                .setAuthor(agent)
                .setCommitter(agent)
                .setNoVerify(true)
                .setSign(false)
                .call();
        BundleWriter bundle = new BundleWriter(repo.getRepository());
        bundle.include("refs/heads/" + BRANCH, fix);
        bundle.assume(repo.getRepository().parseCommit(ObjectId.fromString(head)));
        try (OutputStream file = Files.newOutputStream(mount.resolve("out/changes.bundle"))) {
          bundle.writeBundle(NullProgressMonitor.INSTANCE, file);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    Stream.concat(success().stream(), Stream.of(verdict)).forEach(out);
    return new ContainerResult(0, false, Duration.ofMillis(10));
  }

  static List<String> success() {
    try (InputStream in =
        ReviewFixesPushTest.class.getResourceAsStream("/dev/hydra/agent/success.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String verdict() {
    return "HYDRA-VERDICT {\"schema\":1,\"stage\":\"code-review\",\"outcome\":\"pass\","
        + "\"summary\":\"made Health final\",\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],"
        + "\"turns\":3,\"cost_usd\":0.1}";
  }

  long permissionReads() {
    return wm.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals("/repos/acme/shop"))
        .count();
  }

  @Test
  void aReviewersFixesArePushedWithTheBuildersTokenAfterItsAdminCheck() throws Exception {
    github.user("hydra-builder", builder, "write");
    StageResult result = review();

    assertThat(result.passed()).as(result.toString()).isTrue();
    assertThat(git.pushes())
        .singleElement()
        .satisfies(p -> assertThat(p.user()).isEqualTo("hydra-builder"));
    assertThat(git.tip(REPO.fullName(), BRANCH)).isNotEqualTo(head);
    assertThat(permissionReads())
        .as("the builder token's admin check, right before the push")
        .isEqualTo(1);
    assertThat(wm.getAllServeEvents()).as("no API request but that read").hasSize(1);
  }

  @Test
  void aReviewWithoutFixesAsksNothingOfTheBuildersToken() throws Exception {
    github.user("hydra-builder", builder, "admin");
    fixes = false;
    StageResult result = review();

    assertThat(result.passed()).as(result.toString()).isTrue();
    assertThat(git.pushes()).isEmpty();
    assertThat(wm.getAllServeEvents()).as("no request: nothing to push").isEmpty();
  }

  @Test
  void anAdminBuilderTokenRefusesThePushAndNothingIsPushed() throws Exception {
    github.user("hydra-builder", builder, "admin");
    StageResult result = review();

    assertThat(result.passed()).isFalse();
    assertThat(result.message())
        .contains(
            "commits were not pushed",
            "the builder token (HYDRA_BUILDER_TOKEN) is admin on acme/shop")
        .doesNotContain(builder);
    assertThat(git.pushes()).isEmpty();
    assertThat(git.tip(REPO.fullName(), BRANCH)).isEqualTo(head);
  }

  // ----------------------------------------- the retry pass (issue 13): kept to its scope

  @Test
  void aRetryPassWithinItsScopeIsPushedToThePullRequestBranch() throws Exception {
    github.user("hydra-builder", builder, "write");
    fixMessage = "fix (retry): final Health";

    StageResult result = retry("Health.java");

    assertThat(result.passed()).as(result.toString()).isTrue();
    assertThat(git.pushes())
        .singleElement()
        .satisfies(p -> assertThat(p.user()).isEqualTo("hydra-builder"));
    assertThat(git.tip(REPO.fullName(), BRANCH)).isNotEqualTo(head);
  }

  @Test
  void aRetryPassTouchingAFileTheFindingsDoNotNameIsRefusedByTheRunner() throws Exception {
    github.user("hydra-builder", builder, "write");
    fixMessage = "fix (retry): final Health";

    StageResult result = retry("Other.java");

    assertThat(result.passed()).isFalse();
    assertThat(result.message())
        .contains("`Health.java` is not one of the files the findings name", "Other.java");
    assertThat(git.pushes()).isEmpty();
    assertThat(git.tip(REPO.fullName(), BRANCH)).isEqualTo(head);
  }

  @Test
  void aRetryPassCommitWithoutTheRetryPrefixIsRefusedByTheRunner() throws Exception {
    github.user("hydra-builder", builder, "write");

    StageResult result = retry("Health.java");

    assertThat(result.passed()).isFalse();
    assertThat(result.message()).contains("does not start its message with `fix (retry):`");
    assertThat(git.pushes()).isEmpty();
  }

  @Test
  void aRetryPassMayAddANewFile() throws Exception {
    github.user("hydra-builder", builder, "write");
    fixMessage = "fix (retry): a guard";
    fixFile = "HealthGuard.java";

    StageResult result = retry("Other.java");

    assertThat(result.passed()).as(result.toString()).isTrue();
    assertThat(git.pushes()).hasSize(1);
  }
}
