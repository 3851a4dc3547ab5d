package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.config.StageSettings;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerSpec;
import dev.hydra.container.FakeContainerRuntime;
import dev.hydra.container.Mount;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateRunner;
import dev.hydra.gate.GateStatus;
import dev.hydra.gate.GateTable;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.StageMounts;
import dev.hydra.stage.StageResult;
import dev.hydra.stage.StageRunner;
import dev.hydra.workspace.GitHttpRemote;
import dev.hydra.workspace.OutputLimits;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.BundleWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gated build in the production executor (issue 13 item 2), against a real git remote on
 * loopback and scripted containers: the builder commits, the runner gates its commits before any
 * push, a red gate gives a fix pass on the same workspace with {@code gates.md}, green pushes,
 * still red pushes nothing; the gate file is the target branch's; and the recheck on a PR's head.
 */
class GatedBuildTest {

  static final RepoRef REPO = RepoRef.parse("acme/shop");
  static final String BRANCH = "hydra/7-add-a-health-endpoint";
  static final String GATES = "version: 1\ngates:\n  - name: tests\n    command: [check-health]\n";

  @TempDir Path dir;

  final String builderToken = TestTokens.github(710);
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final List<String> inputsSeen = Collections.synchronizedList(new ArrayList<>());
  final List<String> treesGated = Collections.synchronizedList(new ArrayList<>());
  GitHttpRemote git;
  int builderRuns;

  /** How the builder's commit messages start ({@code pass N}). */
  String message = "pass ";

  /** What the builder writes into Health.java on each pass, the last one repeating. */
  List<String> passes = List.of("broken", "fixed");

  @BeforeEach
  void remote() throws Exception {
    git = GitHttpRemote.start(dir.resolve("git")).seed(REPO.fullName());
    git.user("hydra-builder", builderToken, true);
    git.commit(REPO.fullName(), "main", Map.of(".hydra/gates.yml", GATES), "gates");
  }

  @AfterEach
  void close() {
    git.close();
  }

  RunnerStageExecutor executor() {
    FakeContainerRuntime runtime =
        new FakeContainerRuntime(
            spec -> spec.labels().containsKey("hydra.gate") ? this::gate : this::builder);
    StageRunner runner =
        new StageRunner(runtime, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), wait -> {}, log::add);
    Credentials credentials =
        Credentials.of(
            List.of(
                ClaudeToken.of(
                    "account-1", Secret.of("HYDRA_CLAUDE_TOKEN_1", TestTokens.claude(711)))),
            Map.of(Persona.BUILDER, Secret.of("HYDRA_BUILDER_TOKEN", builderToken)));
    return new RunnerStageExecutor(
            runner,
            StageSettings.from(
                Map.of("HYDRA_IMAGE_PREFIX", "localhost/hydra", "HYDRA_IMAGE_TAG", "test")),
            credentials,
            "https://github.com",
            new RunnerStageExecutor.Git(
                Map.of(Persona.BUILDER, git.remote(REPO.fullName(), "hydra-builder")),
                "main",
                OutputLimits.defaults()))
        .withGates(new GateRunner(runtime, SecretMasker.NONE));
  }

  StageResult build(GatePasses policy) throws Exception {
    Issue issue =
        new Issue(7, "Add a /health endpoint", "GET /health", true, "alice", List.of(), false);
    return executor().execute(StageExecutor.Call.build(REPO, issue, List.of()).withGates(policy));
  }

  @Test
  void aRedGateGetsAFixPassOnTheSameWorkspaceThenGreenIsPushed() throws Exception {
    GatePasses policy = new GatePasses(2);
    StageResult result = build(policy);

    assertThat(result.passed()).as(result.message()).isTrue();
    assertThat(builderRuns).isEqualTo(2);
    assertThat(inputsSeen.get(0)).as("no gates.md on the first pass").isEmpty();
    assertThat(inputsSeen.get(1)).contains("`tests`", "❌ FAIL", "Health.java says broken");
    assertThat(treesGated).containsExactly("broken", "fixed");
    assertThat(policy.tables()).extracting(GateTable::passed).containsExactly(false, true);
    assertThat(git.pushes())
        .singleElement()
        .satisfies(p -> assertThat(p.user()).isEqualTo("hydra-builder"));
    try (org.eclipse.jgit.lib.Repository repo = git.open(REPO.fullName())) {
      ObjectId tip = repo.resolve("refs/heads/" + BRANCH);
      assertThat(repo.parseCommit(tip).getParentCount()).isEqualTo(1);
      assertThat(repo.parseCommit(tip).getShortMessage()).isEqualTo("pass 2");
    }
  }

  @Test
  void gatesStillRedAfterTheFixPassesPushNothing() throws Exception {
    passes = List.of("broken");
    StageResult result = build(new GatePasses(1));

    assertThat(result.passed()).isFalse();
    assertThat(result.message()).contains("gates still red: `tests` after 1 fix pass");
    assertThat(builderRuns).isEqualTo(2);
    assertThat(git.pushes()).isEmpty();
    assertThat(git.head(REPO.fullName(), BRANCH)).isNull();
  }

  @Test
  void theBuildersCommitsCannotChangeTheGatesThatJudgeThem() throws Exception {
    passes = List.of("broken+gates");
    StageResult result = build(new GatePasses(0));

    assertThat(result.passed()).isFalse();
    assertThat(treesGated).containsExactly("broken");
    assertThat(git.pushes()).isEmpty();
  }

  @Test
  void theRecheckRunsTheTargetBranchesGatesOnThePullRequestsHead() throws Exception {
    git.commit(REPO.fullName(), BRANCH, Map.of("Health.java", "broken\n"), "broken");
    GateTable red = recheck().orElseThrow();
    String fixed =
        git.commit(REPO.fullName(), BRANCH, Map.of("Health.java", "fixed\n"), "fixed").name();
    GateTable green = recheck().orElseThrow();

    assertThat(red.results()).extracting(r -> r.status()).containsExactly(GateStatus.FAIL);
    assertThat(green.passed()).isTrue();
    assertThat(treesGated).containsExactly("broken", "fixed");
    assertThat(fixed).isEqualTo(git.tip(REPO.fullName(), BRANCH));
  }

  @Test
  void aHeadThatMovedIsARedRecheckNeverAPass() throws Exception {
    git.commit(REPO.fullName(), BRANCH, Map.of("Health.java", "fixed\n"), "fixed");
    GateTable table = recheck("1".repeat(40)).orElseThrow();

    assertThat(table.passed()).isFalse();
    assertThat(table.results().get(0).reason()).contains("could not check out the head");
    assertThat(treesGated).isEmpty();
  }

  java.util.Optional<GateTable> recheck() throws Exception {
    return recheck(git.tip(REPO.fullName(), BRANCH));
  }

  java.util.Optional<GateTable> recheck(String head) throws Exception {
    return executor().recheckGates(Persona.BUILDER, REPO, pr(head));
  }

  static PullRequest pr(String head) {
    return new PullRequest(
        12,
        "Add a /health endpoint",
        "Closes #7",
        true,
        true,
        false,
        BRANCH,
        head,
        "main",
        "https://github.com/acme/shop/pull/12",
        "hydra-builder",
        "PR_12",
        REPO.fullName(),
        List.of());
  }

  // ------------------------------------------------------------- the retry pass (issue 13 item 4)

  StageResult retry(RetryScope scope, GatePasses policy, String head) throws Exception {
    Issue issue =
        new Issue(7, "Add a /health endpoint", "GET /health", true, "alice", List.of(), false);
    message = "fix (retry): pass ";
    return executor()
        .execute(StageExecutor.Call.retry(REPO, issue, pr(head), scope).withGates(policy));
  }

  static GateTable redWithoutAFile() {
    return new GateTable(
        List.of(
            new dev.hydra.gate.GateResult(
                "tests", GateStatus.FAIL, Duration.ofSeconds(1), "exit code 1", "FAILED: 500")),
        "1 gate declared");
  }

  @Test
  void aRetryPassIsGatedAndARedGateNamingNoFileLetsItChangeThePullRequestsFiles() throws Exception {
    String head =
        git.commit(REPO.fullName(), BRANCH, Map.of("Health.java", "broken\n"), "broken").name();
    passes = List.of("still-broken", "fixed");
    GatePasses policy = new GatePasses(2, "retry");

    StageResult result =
        retry(new RetryScope(12, BRANCH, GateFindings.of(redWithoutAFile())), policy, head);

    assertThat(result.passed()).as(result.message()).isTrue();
    assertThat(builderRuns).as("the retry pass and one gate fix pass").isEqualTo(2);
    assertThat(treesGated).containsExactly("still-broken", "fixed");
    assertThat(inputsSeen.get(1)).contains("`tests`", "Health.java says still-broken");
    assertThat(policy.passes()).extracting(AgentPass::pass).containsExactly("retry-1", "retry-2");
    try (org.eclipse.jgit.lib.Repository repo = git.open(REPO.fullName())) {
      var tip = repo.parseCommit(repo.resolve("refs/heads/" + BRANCH));
      assertThat(tip.getShortMessage()).isEqualTo("fix (retry): pass 2");
      assertThat(tip.getParent(0).name()).as("a fast-forward of the PR's head").isEqualTo(head);
    }
  }

  @Test
  void aRetryWhoseFindingsNameAnotherFileMayNotChangeThePullRequestsFiles() throws Exception {
    String head =
        git.commit(REPO.fullName(), BRANCH, Map.of("Health.java", "broken\n"), "broken").name();
    passes = List.of("fixed");
    RetryScope scope =
        new RetryScope(
            12,
            BRANCH,
            List.of(
                new dev.hydra.verdict.Finding(
                    dev.hydra.verdict.Severity.WARNING, "Other.java", 1, "", "tidy")));

    StageResult result = retry(scope, new GatePasses(2, "retry"), head);

    assertThat(result.passed()).isFalse();
    assertThat(result.message()).contains("Health.java");
    assertThat(treesGated).as("refused before any gate").isEmpty();
    assertThat(git.tip(REPO.fullName(), BRANCH)).isEqualTo(head);
  }

  // ------------------------------------------------------------------------ the containers

  /** The gate: passes when the tree it was given says {@code fixed}. */
  ContainerResult gate(ContainerSpec spec, Consumer<String> out, Consumer<String> err) {
    Path tree = source(spec, GateRunner.WORKSPACE);
    String health = read(tree.resolve("Health.java")).strip();
    treesGated.add(health);
    if (health.equals("fixed")) {
      return new ContainerResult(0, false, Duration.ofMillis(5));
    }
    out.accept("Health.java says " + health);
    return new ContainerResult(1, false, Duration.ofMillis(5));
  }

  /** The builder: commits Health.java on its branch and bundles it, as the entrypoint does. */
  ContainerResult builder(ContainerSpec spec, Consumer<String> out, Consumer<String> err) {
    Path input = source(spec, StageMounts.INPUT);
    Path gates = input.resolve(GatePasses.INPUT);
    inputsSeen.add(Files.exists(gates) ? read(gates) : "");
    String content = passes.get(Math.min(builderRuns, passes.size() - 1));
    builderRuns++;
    Path mount = source(spec, StageMounts.WORKSPACE);
    try (Git repo = Git.open(mount.resolve("repo").toFile())) {
      repo.getRepository().getConfig().setInt("gc", null, "auto", 0);
      String health = content.replace("+gates", "");
      Files.writeString(mount.resolve("repo/Health.java"), health + "\n");
      repo.add().addFilepattern("Health.java").call();
      if (content.endsWith("+gates")) {
        Files.writeString(mount.resolve("repo/.hydra/gates.yml"), "version: 1\ngates: []\n");
        repo.add().addFilepattern(".hydra/gates.yml").call();
      }
      PersonIdent agent =
          new PersonIdent("Agent", "agent@example.test", Instant.EPOCH, ZoneOffset.UTC);
      ObjectId commit =
          repo.commit()
              .setMessage(message + builderRuns)
              .setAuthor(agent)
              .setCommitter(agent)
              .setAmend(builderRuns > 1)
              .setNoVerify(true)
              .setSign(false)
              .call();
      BundleWriter bundle = new BundleWriter(repo.getRepository());
      bundle.include("refs/heads/" + BRANCH, commit);
      bundle.assume(
          repo.getRepository()
              .parseCommit(ObjectId.fromString(spec.env().getOrDefault("HYDRA_BASE_SHA", ""))));
      try (OutputStream file = Files.newOutputStream(mount.resolve("out/changes.bundle"))) {
        bundle.writeBundle(NullProgressMonitor.INSTANCE, file);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    success().forEach(out);
    out.accept(
        "HYDRA-VERDICT {\"schema\":1,\"stage\":\"build\",\"outcome\":\"pass\",\"summary\":\"ok\","
            + "\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],\"turns\":1,\"cost_usd\":0,"
            + "\"branch\":\""
            + BRANCH
            + "\",\"pr_title\":\"Add a /health endpoint\",\"pr_body\":\"Adds it.\"}");
    return new ContainerResult(0, false, Duration.ofMillis(10));
  }

  static List<String> success() {
    try (InputStream in =
        GatedBuildTest.class.getResourceAsStream("/dev/hydra/agent/success.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path source(ContainerSpec spec, String target) {
    return spec.mounts().stream()
        .filter(m -> m.target().equals(target))
        .map(Mount::source)
        .findFirst()
        .orElseThrow();
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
