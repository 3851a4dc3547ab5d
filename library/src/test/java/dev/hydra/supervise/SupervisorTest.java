package dev.hydra.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import dev.hydra.pipeline.PipelineResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SupervisorTest {

  static final RepoRef A = RepoRef.of("acme", "a");
  static final RepoRef B = RepoRef.of("acme", "b");

  final MemoryFeed feed = new MemoryFeed();
  final List<Job> ran = Collections.synchronizedList(new ArrayList<>());
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final CountDownLatch release = new CountDownLatch(1);
  final AtomicInteger interrupted = new AtomicInteger();
  final AtomicInteger active = new AtomicInteger();
  final AtomicInteger most = new AtomicInteger();
  final ManualClock clock = new ManualClock();
  Pool pool = new Pool(2);

  /** A job that holds its slot until released, then moves the issue on like the pipeline. */
  final JobRunner blocking =
      job -> {
        ran.add(job);
        if (job.kind() != Job.Kind.RECONCILE) {
          most.accumulateAndGet(active.incrementAndGet(), Math::max);
          try {
            release.await();
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            throw e;
          } finally {
            active.decrementAndGet();
          }
          feed.issue(job.repo(), job.number(), "build:pass", "code-review:queued");
        }
        return new PipelineResult(
            job.kind().id(), PipelineResult.Status.PASSED, "ok", null, null, List.of());
      };

  Supervisor supervisor(JobRunner runner) {
    return new Supervisor(
        feed,
        new JobPlanner(LabelScheme.canonical()),
        runner,
        pool,
        new SupervisorMetrics(pool, ClaudeAccounts.none()),
        clock,
        log::add);
  }

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    pool.drain(Duration.ofSeconds(5));
  }

  @Test
  void anIdleCycleCostsOneRequestPerRepositoryAndStartsNothing() {
    feed.issue(A, 1, "bug");
    feed.issue(B, 1, "done");
    Supervisor s = supervisor(blocking);
    Supervisor.Cycle first = s.cycle(List.of(A, B));
    assertThat(first.requests()).isEqualTo(2);
    assertThat(first.notModified()).isZero();

    Supervisor.Cycle idle = s.cycle(List.of(A, B));

    assertThat(idle).isEqualTo(new Supervisor.Cycle(2, 2, 0, 0, 0, 0));
    assertThat(feed.requests).hasValue(4);
    assertThat(ran).isEmpty();
  }

  @Test
  void thePoolStartsAtMostItsSlotsAndQueuesTheRest() throws Exception {
    for (int i = 1; i <= 5; i++) {
      feed.issue(A, i, "ready-to-build");
    }
    Supervisor s = supervisor(blocking);

    Supervisor.Cycle first = s.cycle(List.of(A));
    Supervisor.Cycle second = s.cycle(List.of(A));

    assertThat(first.started()).isEqualTo(2);
    assertThat(first.queued()).isEqualTo(3);
    assertThat(second.notModified()).isEqualTo(1);
    assertThat(second.started()).isZero();
    assertThat(second.queued()).isEqualTo(3);
    assertThat(pool.busy()).isEqualTo(2);
    release.countDown();
    awaitIdle();
    // The two builds moved their issues on (a new ETag); the three others start as slots free.
    Supervisor.Cycle third = s.cycle(List.of(A));
    assertThat(third.started() + third.queued()).isEqualTo(3);
    awaitIdle();
    s.cycle(List.of(A));
    awaitIdle();
    assertThat(ran).extracting(Job::number).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    assertThat(most.get()).isBetween(1, 2); // never more jobs at once than slots
  }

  @Test
  void aJobIsNotStartedTwiceForTheSameLabels() throws Exception {
    feed.issue(A, 1, "ready-to-build");
    // The guard skipped it: the labels stay as they were.
    JobRunner skipping =
        job -> {
          ran.add(job);
          return new PipelineResult(
              "build", PipelineResult.Status.SKIPPED, "not authorised", null, null, List.of());
        };
    Supervisor s = supervisor(skipping);
    s.cycle(List.of(A));
    awaitIdle();
    s.cycle(List.of(A));
    feed.issue(B, 9, "bug"); // another repository changes: A's cached list is reused
    s.cycle(List.of(A, B));
    awaitIdle();
    assertThat(ran).hasSize(1);

    feed.issue(A, 1, "ready-to-build", "bug"); // a person touched the issue: it is planned again
    s.cycle(List.of(A));
    awaitIdle();
    assertThat(ran).hasSize(2);
  }

  @Test
  void aFailedJobIsTriedAgainAtTheNextCycle() throws Exception {
    feed.issue(A, 1, "ready-to-build");
    AtomicInteger calls = new AtomicInteger();
    JobRunner flaky =
        job -> {
          if (calls.incrementAndGet() == 1) {
            throw new ForgeException("the forge answered 502", 502, null);
          }
          return new PipelineResult(
              "build", PipelineResult.Status.SKIPPED, "ok", null, null, List.of());
        };
    Supervisor s = supervisor(flaky);
    s.cycle(List.of(A));
    awaitIdle();
    s.cycle(List.of(A));
    awaitIdle();
    assertThat(calls).hasValue(2);
    assertThat(log).anyMatch(l -> l.contains("build acme/a#1 failed: the forge answered 502"));
  }

  @Test
  void theSweepRunsEveryTenMinutesByTheClock() throws Exception {
    feed.issue(A, 1, "build:running");
    Supervisor s = supervisor(blocking);

    assertThat(s.cycle(List.of(A)).reconciled()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(9));
    assertThat(s.cycle(List.of(A)).reconciled()).isZero();
    clock.advance(Duration.ofMinutes(1));
    assertThat(s.cycle(List.of(A)).reconciled()).isEqualTo(1);
    assertThat(ran).extracting(Job::kind).containsExactly(Job.Kind.RECONCILE, Job.Kind.RECONCILE);
  }

  @Test
  void theSweepLeavesAnIssueAloneWhileItsJobRunsHere() throws Exception {
    feed.issue(A, 1, "ready-to-build");
    Supervisor s = supervisor(blocking);
    s.cycle(List.of(A));
    feed.issue(A, 1, "build:running"); // what the build's claim wrote
    clock.advance(Duration.ofMinutes(10));

    Supervisor.Cycle sweep = s.cycle(List.of(A));

    // A reconcile runs inside the cycle: had there been one, it would be recorded by now.
    assertThat(sweep.reconciled()).isZero();
    assertThat(ran).extracting(Job::kind).doesNotContain(Job.Kind.RECONCILE);
    assertThat(pool.running(new Job.Key(A, 1))).isTrue();
  }

  @Test
  void drainingStartsNothingLetsJobsFinishWithinTheGraceAndHandsBackTheRest() throws Exception {
    feed.issue(A, 1, "ready-to-build");
    feed.issue(A, 2, "ready-to-build");
    Supervisor s = supervisor(blocking);
    s.cycle(List.of(A));
    assertThat(pool.busy()).isEqualTo(2);

    List<Job> handedBack = s.drain(Duration.ofMillis(200));

    assertThat(handedBack).extracting(Job::number).containsExactlyInAnyOrder(1, 2);
    assertThat(interrupted).hasValue(2);
    assertThat(log)
        .anyMatch(l -> l.startsWith("handed back build acme/a#1: its stage stays :running"));
    feed.issue(A, 3, "ready-to-build");
    assertThat(s.cycle(List.of(A))).isEqualTo(new Supervisor.Cycle(0, 0, 0, 0, 0, 0));
    assertThat(ran).hasSize(2);
  }

  @Test
  void drainingWaitsForJobsThatFinishWithinTheGrace() throws Exception {
    feed.issue(A, 1, "ready-to-build");
    Supervisor s = supervisor(blocking);
    s.cycle(List.of(A));
    release.countDown();

    assertThat(s.drain(Duration.ofSeconds(5))).isEmpty();
    assertThat(interrupted).hasValue(0);
    assertThat(feed.labels(A, 1)).containsExactly("build:pass", "code-review:queued");
  }

  @Test
  void theLoopCyclesAtOnceWhenASlotFreesWhileJobsWait() throws Exception {
    for (int i = 1; i <= 5; i++) {
      feed.issue(A, i, "ready-to-build");
    }
    CountDownLatch done = new CountDownLatch(5);
    JobRunner quick =
        job -> {
          ran.add(job);
          Thread.sleep(20);
          feed.issue(job.repo(), job.number(), "build:pass");
          done.countDown();
          return new PipelineResult(
              "build", PipelineResult.Status.PASSED, "ok", null, null, List.of());
        };
    Supervisor s = supervisor(quick);
    CountDownLatch stop = new CountDownLatch(1);
    List<Supervisor.Cycle> cycles = Collections.synchronizedList(new ArrayList<>());
    Thread loop =
        new Thread(
            () -> {
              try {
                SupervisorLoop.run(s, pool, List.of(A), Duration.ofMinutes(10), stop, cycles::add);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    loop.start();

    // Two slots, five jobs, a ten-minute interval: only the freed slots can start the other three.
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(cycles.get(0).queued()).isEqualTo(3);
    stop.countDown();
    loop.join(TimeUnit.SECONDS.toMillis(15));
    assertThat(loop.isAlive()).isFalse();
    assertThat(ran).extracting(Job::number).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
  }

  @Test
  void waitingForAFinishEndsWhenTheMarkIsPassedOrThePoolDrains() throws Exception {
    long mark = pool.finishedJobs();
    assertThat(pool.awaitFinish(mark, Duration.ofMillis(20))).isFalse();
    pool.start(new Job(A, 1, "t", Job.Kind.BUILD), () -> {});
    assertThat(pool.awaitFinish(mark, Duration.ofSeconds(5))).isTrue();
    assertThat(pool.finishedJobs()).isEqualTo(mark + 1);

    long now = pool.finishedJobs();
    Thread drainer =
        new Thread(
            () -> {
              try {
                Thread.sleep(50);
                pool.drain(Duration.ofSeconds(1));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    drainer.start();
    long start = System.nanoTime();
    assertThat(pool.awaitFinish(now, Duration.ofMinutes(10))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    drainer.join();
  }

  void awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (pool.busy() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(pool.busy()).isZero();
  }
}
