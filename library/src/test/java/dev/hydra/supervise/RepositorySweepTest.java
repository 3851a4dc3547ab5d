package dev.hydra.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.forge.local.LocalForges;
import dev.hydra.label.LabelScheme;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.pipeline.FakeStageExecutor;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository-wide reconcile sweep through the real pipeline on the stateful local forge: with
 * no {@code hydra reconcile --issue N} by hand, one sweep recovers every stage left running past
 * its timeout and grace in the repository, leaves the stages still within it and the issues with
 * nothing in progress alone, and the next sweep comes ten minutes later by the clock.
 */
class RepositorySweepTest {

  static final RepoRef REPO = LocalForges.DEMO_REPO;
  static final LabelScheme SCHEME = LabelScheme.canonical();
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  @TempDir Path dir;

  @Test
  void oneSweepRecoversEveryStaleStageOfTheRepositoryAndLeavesTheRest() throws Exception {
    LocalForges.demo(dir);
    LocalForge mona = LocalForge.asUser(dir, LocalForges.DEMO_ADMIN);
    LabelSeeding.seed(mona, REPO, SCHEME);
    for (int n = 2; n <= 4; n++) {
      mona.createIssue(REPO, "Issue " + n, "Text.");
    }
    // What runners that died left behind, and when (the label history has the times).
    LocalForge early = LocalForge.forPersona(dir, "builder").withClock(at(T0));
    early.addLabel(REPO, 1, "build:running");
    early.addLabel(REPO, 2, "build:pass");
    early.addLabel(REPO, 2, "code-review:running");
    early.addLabel(REPO, 2, "security-review:running");
    mona.addLabel(REPO, 3, "done");
    LocalForge.forPersona(dir, "builder")
        .withClock(at(T0.plus(Duration.ofMinutes(30))))
        .addLabel(REPO, 4, "build:running");

    FakeStageExecutor executor = new FakeStageExecutor();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    ManualClock clock = new ManualClock();
    Pool pool = new Pool(2);
    // Timeout 30 min plus 10 min grace; the sweep runs 41 min after T0: #1 and #2 are stale, #4
    // (started 11 min ago) is not.
    Supervisor supervisor =
        supervisor(
            executor,
            pool,
            clock,
            PipelineOptions.defaults(SCHEME)
                .withTimeouts(stage -> Duration.ofMinutes(30), Duration.ofMinutes(10))
                .withClock(at(T0.plus(Duration.ofMinutes(41)))),
            log);

    Supervisor.Cycle sweep = supervisor.cycle(List.of(REPO));

    assertThat(sweep.reconciled()).isEqualTo(3);
    assertThat(sweep.started()).isZero();
    assertThat(labels(mona, 1)).containsExactlyInAnyOrder("build:fail", "needs-input");
    assertThat(labels(mona, 2)).contains("build:pass", "needs-input");
    assertThat(labels(mona, 2)).doesNotContain("code-review:running", "security-review:running");
    assertThat(labels(mona, 3)).containsExactly("done");
    assertThat(labels(mona, 4)).containsExactly("build:running");
    assertThat(executor.calls).isEmpty();
    assertThat(log).anyMatch(l -> l.startsWith("reconcile demo/app#1: recovered"));

    clock.advance(Duration.ofMinutes(5));
    assertThat(supervisor.cycle(List.of(REPO)).reconciled()).isZero();
    clock.advance(Duration.ofMinutes(5));
    // The next sweep: only #4 is still in progress (and still within its time here).
    assertThat(supervisor.cycle(List.of(REPO)).reconciled()).isEqualTo(1);
    assertThat(labels(mona, 4)).containsExactly("build:running");
    pool.drain(Duration.ofSeconds(5));
  }

  Supervisor supervisor(
      FakeStageExecutor executor,
      Pool pool,
      Clock clock,
      PipelineOptions options,
      List<String> log) {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona p : Persona.values()) {
      forges.put(p, LocalForge.forPersona(dir, p.id()).withClock(options.clock()));
    }
    Pipeline pipeline = new Pipeline(forges, executor, options, line -> {});
    Forge builder = LocalForge.forPersona(dir, "builder");
    return new Supervisor(
        new TwoSupervisorsTest.LocalFeed(builder),
        new JobPlanner(SCHEME),
        new PipelineJobs(repo -> new PipelineJobs.Opened(pipeline, builder)),
        pool,
        new SupervisorMetrics(pool, ClaudeAccounts.none()),
        clock,
        log::add);
  }

  static List<String> labels(Forge forge, int number) throws Exception {
    return forge.issue(REPO, number).labels();
  }

  static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }
}
