package dev.hydra.supervise;

import dev.hydra.forge.RepoRef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The daemon's loop ({@code hydra supervise}): a cycle at every interval, and at once when a slot
 * frees while jobs wait for one — so a queue of work keeps every slot busy instead of idling until
 * the next poll. An early cycle costs what any cycle costs: one conditional request per repository
 * (on GitHub a free {@code 304} for each repository that did not change).
 */
public final class SupervisorLoop {

  private SupervisorLoop() {}

  /**
   * Runs cycles until {@code stop} is counted down (SIGTERM; the pool's drain also wakes it).
   *
   * @param supervisor what runs each cycle
   * @param pool the supervisor's pool: its finished jobs wake the loop while jobs are queued
   * @param repos the repositories to poll
   * @param interval between cycles when no job waits for a slot, and at most while one does
   * @param stop counted down to end the loop
   * @param each what each cycle did (the command prints it)
   */
  public static void run(
      Supervisor supervisor,
      Pool pool,
      List<RepoRef> repos,
      Duration interval,
      CountDownLatch stop,
      Consumer<Supervisor.Cycle> each)
      throws InterruptedException {
    while (stop.getCount() > 0) {
      long mark = pool.finishedJobs();
      Supervisor.Cycle cycle = supervisor.cycle(repos);
      each.accept(cycle);
      if (cycle.queued() > 0) {
        pool.awaitFinish(mark, interval);
      } else {
        stop.await(interval.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }
}
