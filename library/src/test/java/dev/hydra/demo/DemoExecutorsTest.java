package dev.hydra.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.FakeContainerRuntime;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.forge.local.LocalForges;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.pipeline.FakeStageExecutor;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.RunRecord;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.pipeline.StageExecutor;
import dev.hydra.stage.StageRunner;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The demo's executors on the local forge: {@link LocalForgeStageExecutor} (web URLs, the builder's
 * push), {@link DemoStageExecutor} with its plans, and each {@link DemoOutcome} through the whole
 * {@link Pipeline}.
 */
class DemoExecutorsTest {

  static final RepoRef REPO = LocalForges.DEMO_REPO;
  static final LabelScheme SCHEME = LabelScheme.canonical();
  static final String WEB = "https://local-forge.invalid";
  static final String BRANCH = "hydra/1-add-a-health-endpoint";

  @TempDir Path dir;
  int issue;
  LocalForge builder;
  final List<String> log = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void demo() throws ForgeException {
    issue = LocalForges.demo(dir).number();
    LocalForge mona = LocalForge.asUser(dir, LocalForges.DEMO_ADMIN);
    builder = LocalForge.forPersona(dir, "builder");
    LabelSeeding.seed(mona, REPO, SCHEME);
    mona.addLabel(REPO, issue, SCHEME.trigger());
  }

  Pipeline pipeline(StageExecutor executor) {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona p : Persona.values()) {
      forges.put(p, LocalForge.forPersona(dir, p.id()));
    }
    return new Pipeline(
        forges,
        executor,
        PipelineOptions.defaults(SCHEME).withRunRecordDir(dir.resolve("runs")),
        log::add);
  }

  PipelineResult buildAndReview(StageExecutor executor) throws Exception {
    Pipeline p = pipeline(executor);
    PipelineResult build = p.build(REPO, issue, null);
    if (build.status() != PipelineResult.Status.PASSED) {
      return build;
    }
    PullRequest pr = builder.findPullRequest(REPO, BRANCH).orElseThrow();
    return p.reviews(REPO, pr);
  }

  List<String> timeline() throws ForgeException {
    return LocalForges.timeline(dir, REPO);
  }

  @Nested
  class TheLocalForgeAdapter {

    @Test
    void aPassingBuildRecordsThePushSoTheDraftPullRequestOpens() throws Exception {
      FakeStageExecutor fake = new FakeStageExecutor();
      PipelineResult result = buildAndReview(new LocalForgeStageExecutor(fake, builder, WEB + "/"));

      assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
      assertThat(timeline()).anyMatch(l -> l.contains("builder   push " + BRANCH + " "));
      assertThat(timeline()).anyMatch(l -> l.contains("draft PR #2 " + BRANCH));
    }

    @Test
    void reviewsAreGivenTheWebUrlOfThePullRequestNotItsFile() throws Exception {
      FakeStageExecutor fake = new FakeStageExecutor();
      buildAndReview(new LocalForgeStageExecutor(fake, builder, WEB));

      assertThat(fake.calls)
          .filteredOn(c -> c.stage() != Stage.BUILD)
          .extracting(StageExecutor.Call::pullRequestUrl)
          .containsOnly(WEB + "/demo/app/pull/2");
      assertThat(fake.calls.get(0).pullRequestUrl()).isNull();
    }

    @Test
    void aFailedBuildOrABranchOfAnotherIssueRecordsNoPush() throws Exception {
      FakeStageExecutor failing =
          new FakeStageExecutor().script(Stage.BUILD, FakeStageExecutor.Script.FAIL);
      LocalForgeStageExecutor adapter = new LocalForgeStageExecutor(failing, builder, WEB);
      adapter.execute(StageExecutor.Call.build(REPO, issue(), List.of()));
      LocalForgeStageExecutor other =
          new LocalForgeStageExecutor(
              new FakeStageExecutor().branch("hydra/9-other"), builder, WEB);
      other.execute(StageExecutor.Call.build(REPO, issue(), List.of()));

      assertThat(timeline()).noneMatch(l -> l.contains(" push "));
    }

    @Test
    void anHttpsUrlPassesUnchanged() throws Exception {
      FakeStageExecutor fake = new FakeStageExecutor();
      new LocalForgeStageExecutor(fake, builder, WEB)
          .execute(
              StageExecutor.Call.onPullRequest(
                  Stage.CODE_REVIEW,
                  Persona.REVIEWER,
                  REPO,
                  issue(),
                  new PullRequest(
                      2,
                      "Add a health endpoint",
                      "Closes #1",
                      true,
                      true,
                      false,
                      BRANCH,
                      "0123456789abcdef0123456789abcdef01234567",
                      "main",
                      "https://github.com/demo/app/pull/2",
                      "hydra-builder",
                      "",
                      REPO.fullName(),
                      List.of()),
                  StageExecutor.Mode.REVIEW));
      assertThat(fake.calls.get(0).pullRequestUrl())
          .isEqualTo("https://github.com/demo/app/pull/2");
    }

    /** Issue #1 of the demo repository, as a step hands it over. */
    private Issue issue() throws ForgeException {
      return builder.issue(REPO, 1);
    }

    @Test
    void theCommitIdIsFortyHexDigitsAndDependsOnTheContainer() {
      String a = LocalForgeStageExecutor.commitId(REPO, BRANCH, "hydra-build-1-aaaa");
      assertThat(a).matches("[0-9a-f]{40}");
      assertThat(LocalForgeStageExecutor.commitId(REPO, BRANCH, "hydra-build-1-bbbb"))
          .isNotEqualTo(a);
    }
  }

  @Nested
  class TheScriptedExecutor {

    final Credentials credentials = DemoCredentials.create();
    final List<String> plans = Collections.synchronizedList(new ArrayList<>());
    final FakeContainerRuntime runtime =
        new FakeContainerRuntime(s -> FakeContainerRuntime.printing(List.of(), 0));

    StageExecutor scripted(DemoOutcome outcome) {
      StageRunner runner =
          new StageRunner(
              new DemoContainerRuntime(runtime, outcome.containerEnv("add-a-health-endpoint"), 2),
              Clock.systemUTC(),
              wait -> {},
              log::add);
      RunnerStageExecutor real =
          new RunnerStageExecutor(
              runner,
              Map.of("HYDRA_IMAGE_PREFIX", "hydra-demo", "HYDRA_IMAGE_TAG", "local"),
              credentials,
              WEB);
      return new LocalForgeStageExecutor(
          new DemoStageExecutor("Add a /health endpoint", outcome, real::plan, plans::add),
          builder,
          WEB);
    }

    @ParameterizedTest
    @EnumSource(DemoOutcome.class)
    void eachOutcomeEndsWhereItSays(DemoOutcome outcome) throws Exception {
      PipelineResult result = buildAndReview(scripted(outcome));

      switch (outcome) {
        case PASS -> {
          assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
          assertThat(result.records()).extracting(RunRecord::stage).doesNotContain("applier");
        }
        case REVIEW_FAIL, RETRY -> {
          assertThat(result.status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
          assertThat(timeline())
              .anyMatch(l -> l.contains("security  review PR #2 REQUEST_CHANGES"))
              .anyMatch(l -> l.contains("needs-input"));
        }
        case FIXES -> {
          assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
          assertThat(result.records()).extracting(RunRecord::stage).contains("applier");
        }
        case GATE_FAIL -> {
          assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
          assertThat(result.records()).extracting(RunRecord::stage).contains("gate-recheck");
        }
      }
      assertThat(runtime.runs).as("no container ran").isEmpty();
    }

    @Test
    void eachStagePrintsTheRuntimesOwnCommandWithoutASecret() throws Exception {
      buildAndReview(scripted(DemoOutcome.FIXES));

      String all = String.join("\n", plans);
      assertThat(plans).filteredOn(l -> l.startsWith("would run")).hasSize(4);
      assertThat(all)
          .containsPattern("fake-run hydra-build-1-[0-9a-f]{8} hydra-demo-builder:local")
          .contains("fake-run hydra-applier-1-")
          .contains("ANTHROPIC_API_KEY=hydra-gateway-placeholder-", "ANTHROPIC_BASE_URL=http://")
          .doesNotContain("GIT_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN")
          .contains("DEMO_FIXES=1", "DEMO_SLUG=add-a-health-endpoint")
          .contains("PR_URL=" + WEB + "/demo/app/pull/2");
      assertNoDemoSecretIn(all + String.join("\n", log) + String.join("\n", timeline()));
    }
  }

  /** No demo token in any form: raw, base64, URL-encoded, in an Authorization header. */
  static void assertNoDemoSecretIn(String text) {
    List<String> secrets = new ArrayList<>();
    secrets.add(DemoCredentials.CLAUDE_TOKEN);
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
}
