package dev.hydra.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.forge.local.LocalForges;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.pipeline.FakeStageExecutor;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import dev.hydra.stage.StageResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two supervisors on one repository of the stateful local forge, each with its own pipeline, pool
 * and executor, polling at the same time: every stage of every issue runs exactly once, because the
 * forge's claim ({@code takeLabel}, one locked read-modify-write) is the lease both see.
 */
class TwoSupervisorsTest {

  static final RepoRef REPO = LocalForges.DEMO_REPO;
  static final LabelScheme SCHEME = LabelScheme.canonical();
  static final int ISSUES = 4;

  @TempDir Path dir;

  /** Lists the local forge's issues, with no ETag: every poll is a plain read. */
  record LocalFeed(Forge forge) implements IssueFeed {
    @Override
    public Page openItems(RepoRef repo, @Nullable String etag) throws ForgeException {
      List<Issue> items = new ArrayList<>();
      for (int n = 1; n <= ISSUES; n++) {
        items.add(forge.issue(repo, n));
      }
      return new Page(Optional.of(items), null, 1);
    }

    @Override
    public List<RepoRef> repositories(String owner) {
      return List.of(REPO);
    }
  }

  @Test
  void everyStageRunsExactlyOnce() throws Exception {
    LocalForges.demo(dir);
    LocalForge mona = LocalForge.asUser(dir, LocalForges.DEMO_ADMIN);
    LabelSeeding.seed(mona, REPO, SCHEME);
    for (int n = 2; n <= ISSUES; n++) {
      mona.createIssue(REPO, "Add a /health endpoint", "GET /health answers ok.");
    }
    for (int n = 1; n <= ISSUES; n++) {
      mona.addLabel(REPO, n, SCHEME.trigger());
    }
    List<FakeStageExecutor> executors = List.of(executor(), executor());
    List<Supervisor> supervisors = new ArrayList<>();
    List<Pool> pools = new ArrayList<>();
    for (FakeStageExecutor executor : executors) {
      Pool pool = new Pool(3);
      pools.add(pool);
      supervisors.add(supervisor(executor, pool));
    }

    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (Supervisor s : supervisors) {
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                  while (!allDone(mona) && System.nanoTime() < deadline) {
                    s.cycle(List.of(REPO));
                    Thread.sleep(10);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(40));
    }
    for (Pool pool : pools) {
      assertThat(pool.drain(Duration.ofSeconds(5))).isEmpty();
    }

    assertThat(allDone(mona)).isTrue();
    for (int n = 1; n <= ISSUES; n++) {
      for (Stage stage : List.of(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW)) {
        int issue = n;
        long runs =
            executors.stream()
                .flatMap(e -> e.calls.stream())
                .filter(c -> c.issue().number() == issue && c.stage() == stage)
                .count();
        assertThat(runs).as("%s of #%d", stage.id(), n).isEqualTo(1);
      }
    }
  }

  Supervisor supervisor(FakeStageExecutor executor, Pool pool) {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona p : Persona.values()) {
      forges.put(p, LocalForge.forPersona(dir, p.id()));
    }
    Pipeline pipeline =
        new Pipeline(forges, executor, PipelineOptions.defaults(SCHEME), line -> {});
    Forge builder = LocalForge.forPersona(dir, "builder");
    return new Supervisor(
        new LocalFeed(builder),
        new JobPlanner(SCHEME),
        new PipelineJobs(repo -> new PipelineJobs.Opened(pipeline, builder)),
        pool,
        new SupervisorMetrics(pool, ClaudeAccounts.none()),
        new ManualClock(),
        line -> {});
  }

  /** The builder's container pushes its branch; the fake stands in for git push. */
  FakeStageExecutor executor() {
    LocalForge builder = LocalForge.forPersona(dir, "builder");
    return new FakeStageExecutor() {
      @Override
      public StageResult execute(Call call) {
        if (call.stage() == Stage.BUILD) {
          try {
            builder.pushBranch(
                REPO, "hydra/" + call.issue().number() + "-add-a-health-endpoint", "1".repeat(40));
          } catch (ForgeException e) {
            throw new IllegalStateException(e);
          }
        }
        return super.execute(call);
      }
    };
  }

  static boolean allDone(Forge forge) throws ForgeException {
    for (int n = 1; n <= ISSUES; n++) {
      if (!forge.issue(REPO, n).labels().contains("done")) {
        return false;
      }
    }
    return true;
  }
}
