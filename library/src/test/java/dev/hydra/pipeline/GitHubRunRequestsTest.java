package dev.hydra.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hydra.config.HydraSettings;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.secret.Secret;
import dev.hydra.stage.StageResult;
import dev.hydra.wiring.ForgeTarget;
import dev.hydra.wiring.RunWiring;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request count of a whole run on GitHub (issue 10: at most 20; pushes are git, not API),
 * measured through the code {@code hydra run} runs: each job wired by {@link RunWiring} — every
 * persona token of the job opened, checked for admin rights and masked by {@code ForgeOpener} —
 * against the stateful GitHub in WireMock. The build job, the two review jobs at once, then the
 * decision job, each holding the tokens its workflow job holds; prints the requests per job.
 */
class GitHubRunRequestsTest {

  /** Issue 10's budget for a whole run on GitHub. */
  static final int BUDGET = 20;

  static final RepoRef REPO = GitHubPipelineTest.REPO;
  static final LabelScheme SCHEME = LabelScheme.canonical();
  static final FakeGitHub github = new FakeGitHub(REPO);

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(github))
          .build();

  final Map<Persona, Secret> tokens = new EnumMap<>(Persona.class);
  final Map<String, String> env = new HashMap<>();
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final FakeStageExecutor executor =
      new FakeStageExecutor() {
        @Override
        public StageResult execute(Call call) {
          if (call.stage() == Stage.BUILD) {
            github.push("hydra/7-add-a-health-endpoint", "9".repeat(40));
          }
          return super.execute(call);
        }
      };

  @BeforeEach
  void repository() {
    GitHubPipelineTest.reset(github);
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));
    long seed = 500;
    for (Persona p : Persona.values()) {
      String token = TestTokens.github(seed++);
      tokens.put(p, Secret.of(p.envVariable(), token));
      github.user("hydra-" + p.id(), token, "write");
    }
    github.user("alice", TestTokens.github(seed), "write");
    github.labels(
        LabelSeeding.specs(SCHEME).stream().map(LabelSpec::name).collect(Collectors.toSet()));
    env.put("GITHUB_REPOSITORY", REPO.fullName());
    env.put(
        HydraSettings.PERSONA_LOGINS,
        "builder=hydra-builder,reviewer=hydra-reviewer,security=hydra-security,"
            + "applier=hydra-applier");
  }

  @AfterEach
  void clear() {
    wm.resetAll();
  }

  /** A workflow job's pipeline as {@code hydra run} wires it, holding these personas' tokens. */
  Pipeline job(Persona... personas) {
    Map<Persona, Secret> held = new EnumMap<>(Persona.class);
    for (Persona p : personas) {
      held.put(p, tokens.get(p));
    }
    Set<Persona> pushOnly = EnumSet.noneOf(Persona.class);
    if (!held.containsKey(Persona.BUILDER)) {
      // The review workflow gives each review job the builder's token, for its reviewer's fixes
      // only: no forge is opened with it, so a review without fixes asks nothing with it.
      held.put(Persona.BUILDER, tokens.get(Persona.BUILDER));
      pushOnly.add(Persona.BUILDER);
    }
    try {
      ForgeTarget target =
          new ForgeTarget(HydraSettings.from("github", env), REPO, URI.create(wm.baseUrl()));
      return RunWiring.run(target, Credentials.withoutClaude(held), pushOnly, executor, log::add)
          .pipeline();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The requests of each job of a whole run, oldest first: build, reviews and decision. */
  List<List<ServeEvent>> wholeRun() throws Exception {
    github.apply("alice", "ready-to-build");
    PipelineResult build = job(Persona.BUILDER).build(REPO, 7, "alice");
    assertThat(build.status()).as(log.toString()).isEqualTo(PipelineResult.Status.PASSED);
    int afterBuild = wm.getAllServeEvents().size();
    PipelineResult decision =
        WorkflowJobs.reviewsThenDecision(
            this::job, REPO, GitHubPipelineTest.pullRequest(github, REPO));
    assertThat(decision.status()).as(log.toString()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(github.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "code-review:pass", "security-review:pass", "done");
    List<ServeEvent> all = new ArrayList<>(wm.getAllServeEvents());
    Collections.reverse(all); // oldest first
    List<ServeEvent> build0 = all.subList(0, afterBuild);
    List<ServeEvent> rest = all.subList(afterBuild, all.size());
    String title = env.containsKey(HydraSettings.PERSONA_LOGINS) ? "" : " without logins";
    report("hydra run: build job" + title, build0);
    report("hydra run: review jobs and decision" + title, rest);
    report("hydra run: whole run" + title, all);
    return List.of(build0, rest);
  }

  static void report(String title, List<ServeEvent> events) {
    WorkflowJobs.report(title, events, path -> path.replaceAll("/labels/[^/]+$", "/labels/{name}"));
  }

  @Test
  void aWholeRunThroughHydraRunStaysWithinTheBudget() throws Exception {
    List<List<ServeEvent>> jobs = wholeRun();
    int total = jobs.get(0).size() + jobs.get(1).size();
    // Each admin check rides on a read the job makes anyway where there is one, and so does the
    // sender's permission: the guard's read of the issue carries the builder's viewerPermission and
    // the sender's collaborator edge (WRITE here). The review jobs read nothing before their claim
    // and the decision job holds the applier's token too: one request each (see
    // docs/pipeline.md#requests).
    assertThat(jobs.get(0)).as("requests of the build job").hasSize(7);
    assertThat(jobs.get(1)).as("requests of the review jobs and the decision job").hasSize(13);
    assertThat(total).as("requests of a whole run through hydra run").isEqualTo(20);
    assertThat(total).as("issue 10's budget").isLessThanOrEqualTo(BUDGET);
    assertThat(jobs.get(0))
        .as("no REST read of the sender's permission")
        .noneMatch(e -> e.getRequest().getUrl().contains("/collaborators/"));
    // Every persona token was checked: a read with it before its first write (or none written).
    assertThat(executor.calls).hasSize(3);
  }

  @Test
  void withoutPersonaLoginsAWholeRunThroughHydraRunReachesDone() throws Exception {
    env.remove(HydraSettings.PERSONA_LOGINS);
    List<List<ServeEvent>> jobs = wholeRun();
    assertThat(jobs.get(0).size() + jobs.get(1).size()).isEqualTo(27);
  }
}
