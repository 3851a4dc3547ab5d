package dev.hydra.supervise;

import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.RepoRef;
import dev.hydra.forges.Forges;
import dev.hydra.label.LabelScheme;
import dev.hydra.pipeline.PipelineResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The supervisor benchmark (issue 14; {@code bench/supervisor.sh}, docs/benchmarks.md): queued
 * issues spread over repositories of a stateful fake GitHub ({@link FleetGitHub}, polled through
 * the real {@code IssueFeed} with its {@code ETag}s), the shipped {@link SupervisorLoop} with a
 * pool of slots, and no-op stages — each job claims its stage ({@code build:running}), holds its
 * slot for a fixed time, and leaves {@code build:pass}, as a no-op stage image run by the pipeline
 * would. Reports how busy the slots were, the requests of an idle cycle, and the peak resident
 * memory of the JVM it runs in ({@code VmHWM}), which also holds the fake forge: an upper bound.
 *
 * <p>Not a timed unit test: {@code SupervisorBenchmarkTest} runs it small and checks what it
 * counts, never how fast.
 */
final class SupervisorBenchmark {

  /**
   * What to run.
   *
   * @param repos repositories
   * @param issues queued issues, spread evenly over the repositories
   * @param slots the pool
   * @param stage how long each no-op stage holds its slot
   * @param interval the loop's poll interval (the shipped default is 60 s)
   * @param idleCycles idle cycles measured once every job has finished
   */
  record Config(
      int repos, int issues, int slots, Duration stage, Duration interval, int idleCycles) {

    /** Issue 14's benchmark: 200 queued issues across 20 repositories, pool 5. */
    static Config issue14() {
      return new Config(20, 200, 5, Duration.ofSeconds(1), Duration.ofSeconds(60), 5);
    }
  }

  /**
   * What it measured.
   *
   * @param jobs no-op stages run
   * @param distinct issues they ran for (each exactly once when equal to {@code jobs})
   * @param usage the slots' time
   * @param wall from the first cycle to the last job's end
   * @param cycles cycles the loop ran until then
   * @param requests list requests until then
   * @param idleRequests list requests per idle cycle, one entry per idle cycle
   * @param idleNotModified of those, answered {@code 304}
   * @param peakRssKb the JVM's {@code VmHWM} at the end, in kB; -1 where {@code /proc} has none
   * @param rssKb its {@code VmRSS} at the end
   */
  record Report(
      int jobs,
      int distinct,
      SlotUsage usage,
      Duration wall,
      int cycles,
      int requests,
      List<Integer> idleRequests,
      List<Integer> idleNotModified,
      long peakRssKb,
      long rssKb) {

    /** The report, one {@code key: value} a line. */
    String text(Config config) {
      return String.format(
          Locale.ROOT,
          "repositories: %d%nqueued issues: %d%npool: %d%nno-op stage: %d ms%n"
              + "jobs run: %d (distinct issues: %d)%nwall time: %.1f s (ideal %.1f s)%n"
              + "slot busy ratio: %.1f %%%nslot busy ratio while work was queued: %.1f %%%n"
              + "cycles: %d, list requests: %d%n"
              + "requests per idle cycle: %s (answered 304: %s)%n"
              + "peak RSS (VmHWM): %d MB%nRSS at the end (VmRSS): %d MB%n",
          config.repos(),
          config.issues(),
          config.slots(),
          config.stage().toMillis(),
          jobs,
          distinct,
          wall.toMillis() / 1000.0,
          Math.ceil((double) config.issues() / config.slots()) * config.stage().toMillis() / 1000.0,
          usage.busyRatio() * 100,
          usage.busyWhileQueued() * 100,
          cycles,
          requests,
          idleRequests,
          idleNotModified,
          peakRssKb / 1024,
          rssKb / 1024);
    }
  }

  private static final Pattern MEMORY = Pattern.compile("(VmHWM|VmRSS):\\s+([0-9]+) kB");

  private SupervisorBenchmark() {}

  /** Runs the benchmark. */
  static Report run(Config config) throws Exception {
    String token = TestTokens.github(140);
    LabelScheme scheme = LabelScheme.canonical();
    List<RepoRef> repos = new ArrayList<>();
    try (FleetGitHub fleet = FleetGitHub.start(token)) {
      for (int r = 0; r < config.repos(); r++) {
        repos.add(RepoRef.of("acme", String.format(Locale.ROOT, "service-%02d", r + 1)));
      }
      for (int i = 0; i < config.issues(); i++) {
        fleet.relabel(repos.get(i % repos.size()), 1 + i / repos.size(), List.of(scheme.trigger()));
      }
      IssueFeed feed =
          Forges.feed(ForgeType.GITHUB, fleet.apiUrl(), "builder", token, ForgeOptions.defaults());
      List<SlotUsage.Span> spans = Collections.synchronizedList(new ArrayList<>());
      Map<Job.Key, Integer> runs = new ConcurrentHashMap<>();
      CountDownLatch allDone = new CountDownLatch(config.issues());
      JobRunner noOp =
          job -> {
            if (job.kind() != Job.Kind.BUILD) {
              return result(job, PipelineResult.Status.SKIPPED);
            }
            long start = System.nanoTime();
            fleet.relabel(job.repo(), job.number(), List.of("build:running"));
            Thread.sleep(config.stage().toMillis());
            fleet.relabel(job.repo(), job.number(), List.of("build:pass"));
            runs.merge(job.key(), 1, Integer::sum);
            spans.add(new SlotUsage.Span(start, System.nanoTime()));
            allDone.countDown();
            return result(job, PipelineResult.Status.PASSED);
          };
      Pool pool = new Pool(config.slots());
      Supervisor supervisor =
          new Supervisor(
              feed,
              new JobPlanner(scheme),
              noOp,
              pool,
              new SupervisorMetrics(pool, ClaudeAccounts.none()),
              Clock.systemUTC(),
              line -> {});
      CountDownLatch stop = new CountDownLatch(1);
      AtomicInteger cycles = new AtomicInteger();
      long begin = System.nanoTime();
      Thread loop =
          new Thread(
              () -> {
                try {
                  SupervisorLoop.run(
                      supervisor,
                      pool,
                      repos,
                      config.interval(),
                      stop,
                      c -> cycles.incrementAndGet());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "hydra-bench-loop");
      loop.start();
      boolean finished =
          allDone.await(
              config.issues() * config.stage().toMillis() + 60_000, TimeUnit.MILLISECONDS);
      long end = spans.stream().mapToLong(SlotUsage.Span::end).max().orElse(System.nanoTime());
      int requests = fleet.requests.get();
      int cycleCount = cycles.get();
      stop.countDown();
      pool.drain(Duration.ofSeconds(10));
      loop.join(TimeUnit.SECONDS.toMillis(10));
      if (!finished) {
        throw new IllegalStateException(
            "only " + runs.size() + " of " + config.issues() + " jobs finished in time");
      }
      List<Integer> idle = new ArrayList<>();
      List<Integer> idle304 = new ArrayList<>();
      Pool idlePool = new Pool(1);
      Supervisor idler =
          new Supervisor(
              feed,
              new JobPlanner(scheme),
              noOp,
              idlePool,
              new SupervisorMetrics(idlePool, ClaudeAccounts.none()),
              Clock.systemUTC(),
              line -> {});
      idler.cycle(repos); // learns the ETags, as the supervisor had
      for (int i = 0; i < config.idleCycles(); i++) {
        int before = fleet.requests.get();
        int before304 = fleet.notModified.get();
        Supervisor.Cycle cycle = idler.cycle(repos);
        if (cycle.started() != 0) {
          throw new IllegalStateException("an idle cycle started a job: " + cycle);
        }
        idle.add(fleet.requests.get() - before);
        idle304.add(fleet.notModified.get() - before304);
      }
      Map<String, Long> memory = memory();
      return new Report(
          runs.values().stream().mapToInt(Integer::intValue).sum(),
          runs.size(),
          new SlotUsage(config.slots(), spans),
          Duration.ofNanos(end - begin),
          cycleCount,
          requests,
          idle,
          idle304,
          memory.getOrDefault("VmHWM", -1L),
          memory.getOrDefault("VmRSS", -1L));
    }
  }

  private static PipelineResult result(Job job, PipelineResult.Status status) {
    return new PipelineResult(job.kind().id(), status, "no-op", null, null, List.of());
  }

  /** {@code VmHWM} and {@code VmRSS} of this process, in kB, from {@code /proc/self/status}. */
  static Map<String, Long> memory() throws IOException {
    Path status = Path.of("/proc/self/status");
    Map<String, Long> kb = new HashMap<>();
    if (!Files.isReadable(status)) {
      return kb;
    }
    for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
      Matcher m = MEMORY.matcher(line);
      if (m.matches()) {
        kb.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    return kb;
  }

  /**
   * {@code bench/supervisor.sh}: runs issue 14's configuration (or {@code REPOS ISSUES POOL
   * STAGE_MS}), prints the report and the targets, and exits 1 when one is missed.
   */
  @SuppressWarnings("SystemOut") // the report is the benchmark's output
  public static void main(String[] args) throws Exception {
    Config standard = Config.issue14();
    Config config =
        args.length == 4
            ? new Config(
                Integer.parseInt(args[0]),
                Integer.parseInt(args[1]),
                Integer.parseInt(args[2]),
                Duration.ofMillis(Long.parseLong(args[3])),
                standard.interval(),
                standard.idleCycles())
            : standard;
    Report report = run(config);
    PrintStream out = System.out;
    out.print(report.text(config));
    boolean busy = report.usage().busyRatio() >= 0.90;
    boolean rss = report.peakRssKb() >= 0 && report.peakRssKb() <= 256 * 1024;
    boolean once = report.jobs() == config.issues() && report.distinct() == config.issues();
    out.printf(
        Locale.ROOT,
        "targets: slots >= 90 %% busy: %s; peak RSS <= 256 MB: %s; every issue once: %s%n",
        busy ? "PASS" : "MISS",
        rss ? "PASS" : "MISS",
        once ? "PASS" : "MISS");
    out.flush();
    System.exit(busy && rss && once ? 0 : 1);
  }
}
