package dev.hydra.supervise;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N slots of concurrent jobs (default 5): a job starts only in a free slot, never while another job
 * of the same issue runs in this supervisor, and never once the pool drains.
 */
public final class Pool {

  /** The default number of slots (the original supervisor's {@code POOL_SIZE}). */
  public static final int DEFAULT_SLOTS = 5;

  private final int slots;
  private final ExecutorService threads;
  private final Map<Job.Key, Job> running = new LinkedHashMap<>();
  private boolean draining;
  private long finished;

  /**
   * A pool.
   *
   * @param slots how many jobs may run at once, at least 1
   */
  public Pool(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("the pool needs at least one slot, got " + slots);
    }
    this.slots = slots;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            slots,
            r -> {
              Thread t = new Thread(r, "hydra-slot-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** How many slots there are. */
  public int slots() {
    return slots;
  }

  /** How many slots are busy now. */
  public synchronized int busy() {
    return running.size();
  }

  /** Whether a job of this issue runs now. */
  public synchronized boolean running(Job.Key key) {
    return running.containsKey(key);
  }

  /** Whether the pool drains: it starts nothing more. */
  public synchronized boolean draining() {
    return draining;
  }

  /**
   * Starts a job in a free slot.
   *
   * @param work what the slot runs; the slot is free again when it returns or throws
   * @return false, and nothing started, when every slot is busy, a job of the same issue runs, or
   *     the pool drains
   */
  public synchronized boolean start(Job job, Runnable work) {
    if (draining || running.size() >= slots || running.containsKey(job.key())) {
      return false;
    }
    running.put(job.key(), job);
    threads.execute(
        () -> {
          try {
            work.run();
          } finally {
            finished(job.key());
          }
        });
    return true;
  }

  private synchronized void finished(Job.Key key) {
    running.remove(key);
    finished++;
    notifyAll();
  }

  /** How many jobs have finished in this pool so far: a mark for {@link #awaitFinish}. */
  public synchronized long finishedJobs() {
    return finished;
  }

  /**
   * Waits until a job finishes after {@code mark} (a slot is free again), the pool drains, or the
   * timeout passes, whichever comes first.
   *
   * @param mark {@link #finishedJobs} read before the caller last looked at the slots
   * @return whether a job finished after {@code mark}
   */
  public synchronized boolean awaitFinish(long mark, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (finished == mark && !draining) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return finished != mark;
  }

  /**
   * Drains (SIGTERM): starts nothing more, lets the running jobs finish within {@code grace}, then
   * interrupts those still running.
   *
   * @return the jobs that were still running after the grace: handed back, their stages left in
   *     {@code :running}, which the reconcile sweep of any supervisor (or {@code hydra reconcile})
   *     recovers once the stage's timeout and grace have passed
   */
  public List<Job> drain(Duration grace) throws InterruptedException {
    synchronized (this) {
      draining = true;
      notifyAll();
    }
    threads.shutdown();
    if (threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      return List.of();
    }
    List<Job> handedBack;
    synchronized (this) {
      handedBack = new ArrayList<>(running.values());
    }
    threads.shutdownNow();
    threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    return handedBack;
  }
}
