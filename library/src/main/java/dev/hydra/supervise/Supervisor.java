package dev.hydra.supervise;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeRateLimitedException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.RepoRef;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.text.Texts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The local supervisor's cycle: poll every repository conditionally, plan its jobs, start them in
 * free slots; every {@link #SWEEP_EVERY} (by the injected clock) the plan also recovers stale
 * stages repository-wide. {@code hydra supervise} calls {@link #cycle} at its interval, {@code
 * hydra poll --once} once; SIGTERM calls {@link #drain}.
 *
 * <p>Nothing runs twice in one supervisor: a job starts only when no job of the same issue runs
 * here ({@link Pool}), and not again for the labels it was started for (a job the guard skipped
 * leaves the labels as they were; it runs again once they change). Across supervisors, the forge's
 * claim decides (see the package documentation).
 */
public final class Supervisor {

  /**
   * How often the reconcile sweep runs (the original's {@code reconcile.sh}, cron every 10 min).
   */
  public static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

  private final IssueFeed feed;
  private final JobPlanner planner;
  private final JobRunner runner;
  private final Pool pool;
  private final SupervisorMetrics metrics;
  private final Clock clock;
  private final Consumer<String> log;
  private final Map<RepoRef, Polled> polled = new HashMap<>();
  private final Map<Job.Key, Started> started = new ConcurrentHashMap<>();
  private @Nullable Instant lastSweep;

  /** What the last poll of a repository saw. */
  private record Polled(@Nullable String etag, List<Issue> items) {}

  /** A job this supervisor started, and the labels it was started for. */
  private record Started(Job.Kind kind, Set<String> labels) {}

  /**
   * What one cycle did.
   *
   * @param requests list requests sent
   * @param notModified repositories the forge answered {@code 304} for
   * @param started jobs started in a slot
   * @param queued jobs that waited for a free slot
   * @param reconciled issues checked by the sweep
   * @param failures repositories that could not be polled
   */
  public record Cycle(
      int requests, int notModified, int started, int queued, int reconciled, int failures) {}

  /**
   * A supervisor.
   *
   * @param feed lists each repository's open items, conditionally
   * @param planner what to run, from the labels
   * @param runner runs one job (the pipeline)
   * @param pool the slots
   * @param metrics what it counts
   * @param clock when the sweep is due
   * @param log one line per decision
   */
  public Supervisor(
      IssueFeed feed,
      JobPlanner planner,
      JobRunner runner,
      Pool pool,
      SupervisorMetrics metrics,
      Clock clock,
      Consumer<String> log) {
    this.feed = feed;
    this.planner = planner;
    this.runner = runner;
    this.pool = pool;
    this.metrics = metrics;
    this.clock = clock;
    this.log = log;
  }

  /**
   * One cycle over the repositories: poll, plan, start, and the sweep when it is due.
   *
   * @param repos the repositories to poll
   */
  public synchronized Cycle cycle(List<RepoRef> repos) {
    if (pool.draining()) {
      return new Cycle(0, 0, 0, 0, 0, 0);
    }
    Instant now = clock.instant();
    boolean sweep = lastSweep == null || !now.isBefore(lastSweep.plus(SWEEP_EVERY));
    if (sweep) {
      lastSweep = now;
    }
    int requests = 0;
    int notModified = 0;
    int failures = 0;
    List<Job> jobs = new ArrayList<>();
    Map<Job.Key, Set<String>> labels = new HashMap<>();
    for (RepoRef repo : repos) {
      Polled last = polled.get(repo);
      try {
        IssueFeed.Page page = feed.openItems(repo, last == null ? null : last.etag());
        requests += page.requests();
        metrics.polled(page.notModified(), page.requests());
        if (page.notModified() && last != null) {
          notModified++;
        } else {
          last = new Polled(page.etag(), page.items().orElse(List.of()));
          polled.put(repo, last);
        }
      } catch (ForgeException e) {
        failures++;
        metrics.pollFailed(e instanceof ForgeRateLimitedException);
        log.accept(
            "poll " + repo.fullName() + ": " + Texts.oneLine(String.valueOf(e.getMessage())));
        if (last == null) {
          continue;
        }
      }
      for (Issue item : last.items()) {
        labels.put(new Job.Key(repo, item.number()), Set.copyOf(item.labels()));
      }
      jobs.addAll(planner.plan(repo, last.items(), sweep));
    }
    int startedNow = 0;
    int queued = 0;
    int reconciled = 0;
    for (Job job : jobs) {
      Set<String> seen = labels.getOrDefault(job.key(), Set.of());
      if (pool.running(job.key())) {
        continue;
      }
      if (job.kind() == Job.Kind.RECONCILE) {
        reconcile(job);
        reconciled++;
        continue;
      }
      Started before = started.get(job.key());
      if (before != null && before.kind() == job.kind() && before.labels().equals(seen)) {
        continue;
      }
      started.put(job.key(), new Started(job.kind(), seen));
      if (pool.start(job, () -> perform(job))) {
        metrics.started(job);
        log.accept("start " + job);
        startedNow++;
      } else {
        restore(job.key(), before);
        queued++;
      }
    }
    metrics.queueDepth(queued);
    return new Cycle(requests, notModified, startedNow, queued, reconciled, failures);
  }

  private void restore(Job.Key key, @Nullable Started before) {
    if (before == null) {
      started.remove(key);
    } else {
      started.put(key, before);
    }
  }

  /**
   * The sweep's reconcile runs in the cycle, not in a slot: it reads, and writes only when stale.
   */
  private void reconcile(Job job) {
    try {
      PipelineResult result = runner.run(job);
      if (result.status() != PipelineResult.Status.SKIPPED) {
        log.accept("reconcile " + job.key() + ": " + result.status().id() + ": " + result.reason());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.accept(
          "reconcile " + job.key() + " failed: " + Texts.oneLine(String.valueOf(e.getMessage())));
    }
  }

  private void perform(Job job) {
    Instant start = clock.instant();
    try {
      PipelineResult result = runner.run(job);
      metrics.finished(job, result, Duration.between(start, clock.instant()));
      log.accept(job + ": " + result.status().id() + ": " + result.reason());
    } catch (InterruptedException e) {
      metrics.ended(job, "handed-back", Duration.between(start, clock.instant()));
      log.accept(job + ": handed back (drained)");
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Tried again at the next cycle, even if the labels did not change.
      started.remove(job.key());
      metrics.ended(job, "error", Duration.between(start, clock.instant()));
      log.accept(job + " failed: " + Texts.oneLine(String.valueOf(e.getMessage())));
    }
  }

  /**
   * Drains (SIGTERM): no new claims, running jobs finish within {@code grace}, the rest are
   * interrupted and handed back ({@link Pool#drain}).
   *
   * @return the jobs handed back
   */
  public List<Job> drain(Duration grace) throws InterruptedException {
    List<Job> handedBack = pool.drain(grace);
    for (Job job : handedBack) {
      log.accept(
          "handed back "
              + job
              + ": its stage stays :running until the reconcile sweep recovers it (after the"
              + " stage's timeout and grace), or a person runs hydra reconcile --issue "
              + job.number());
    }
    return handedBack;
  }
}
