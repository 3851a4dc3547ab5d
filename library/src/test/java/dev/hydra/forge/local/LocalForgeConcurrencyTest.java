package dev.hydra.forge.local;

import static dev.hydra.forge.local.Demo.REPO;
import static dev.hydra.forge.local.LocalForgeRace.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.forge.Comment;
import dev.hydra.forge.ForgeException;
import dev.hydra.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers on one directory: threads of this JVM, and separate JVMs (two {@code hydra run}
 * processes of the issue's test). The invariant is the one the pipeline needs: each transition is
 * made exactly once, nothing is lost, and every file stays valid JSON.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalForgeConcurrencyTest {

  static final int LAST = 30;

  @TempDir Path dir;
  Demo demo;
  int issue;
  ExecutorService pool;

  @BeforeEach
  void steps() throws ForgeException {
    demo = new Demo(dir);
    issue = demo.issue;
    List<String> steps = new ArrayList<>();
    for (int i = 0; i <= LAST; i++) {
      steps.add(step(i));
    }
    demo.addLabels(steps);
    demo.builder.setLabels(REPO, issue, Set.of(step(0)));
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  <T> List<T> together(int threads, Callable<T> work) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return work.call();
              }));
    }
    start.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(2, TimeUnit.MINUTES));
    }
    return results;
  }

  @Test
  void ofManyClaimsOnTheSameLabelsExactlyOneWins() throws Exception {
    demo.builder.setLabels(REPO, issue, Set.of("build:queued"));

    List<Boolean> won =
        together(
            16,
            () ->
                demo.persona("builder")
                    .replaceLabelsIf(REPO, issue, Set.of("build:queued"), Set.of("build:running")));

    assertThat(won.stream().filter(w -> w).count()).isEqualTo(1);
    assertThat(demo.builder.issue(REPO, issue).labels()).containsExactly("build:running");
    assertThat(
            LocalForges.timeline(dir, REPO).stream()
                .filter(l -> l.contains("+build:running"))
                .count())
        .isEqualTo(1);
  }

  @Test
  void threadsMakeEachStepExactlyOnce() throws Exception {
    List<Integer> wins =
        together(8, () -> LocalForgeRace.race(demo.persona("builder"), issue, LAST));

    assertSteppedExactlyOnce(wins.stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void twoProcessesAndTwoThreadsMakeEachStepExactlyOnce() throws Exception {
    List<Process> processes = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      processes.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LocalForgeRace.class.getName(),
                  dir.toString(),
                  Integer.toString(issue),
                  Integer.toString(LAST),
                  name)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("log-" + name).toFile())
              .start());
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!(Files.exists(dir.resolve("ready-a")) && Files.exists(dir.resolve("ready-b")))) {
        assertThat(System.nanoTime()).as("both racers ready").isLessThan(deadline);
        assertThat(processes).allMatch(Process::isAlive);
        Thread.sleep(10);
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        threads.add(
            pool.submit(
                () -> {
                  go.await();
                  return LocalForgeRace.race(demo.persona("builder"), issue, LAST);
                }));
      }
      Files.writeString(dir.resolve("go"), "");
      go.countDown();

      int total = 0;
      for (Future<Integer> thread : threads) {
        total += thread.get(2, TimeUnit.MINUTES);
      }
      for (int p = 0; p < processes.size(); p++) {
        Process process = processes.get(p);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String name = p == 0 ? "a" : "b";
        assertThat(process.exitValue())
            .as(() -> "racer " + name + ": " + read(dir.resolve("log-" + name)))
            .isZero();
        total += Integer.parseInt(Files.readString(dir.resolve("wins-" + name)).strip());
      }

      assertSteppedExactlyOnce(total);
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  private void assertSteppedExactlyOnce(int wins) throws Exception {
    assertThat(wins).as("steps won across all racers").isEqualTo(LAST);
    assertThat(demo.builder.issue(REPO, issue).labels()).containsExactly(step(LAST));
    JsonNode file = Json.mapper().readTree(Files.readAllBytes(demo.store().issueFile(REPO, issue)));
    // The step-0 label was added once, then each step removed one label and added one.
    assertThat(file.get("label_events")).hasSize(1 + 2 * LAST);
    assertThat(
            LocalForges.timeline(dir, REPO).stream().filter(l -> l.contains(" labels #")).count())
        .isEqualTo(1 + LAST);
  }

  @Test
  void concurrentCommentsAreNeitherLostNorGivenTheSameId() throws Exception {
    AtomicInteger next = new AtomicInteger();

    List<List<Long>> ids =
        together(
            8,
            () -> {
              LocalForge forge = demo.persona("reviewer");
              List<Long> mine = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                Comment c = forge.comment(REPO, issue, "comment " + next.incrementAndGet());
                mine.add(c.id());
              }
              return mine;
            });

    Set<Long> distinct = new HashSet<>();
    ids.forEach(distinct::addAll);
    assertThat(distinct).hasSize(160);
    JsonNode file = Json.mapper().readTree(Files.readAllBytes(demo.store().issueFile(REPO, issue)));
    assertThat(file.get("comments")).hasSize(160);
  }

  @Test
  void readersNeverSeeHalfAFile() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    Future<Integer> reader =
        pool.submit(
            () -> {
              int reads = 0;
              LocalForge forge = demo.persona("security");
              while (writing.get() || reads == 0) {
                forge.issue(REPO, issue);
                forge.lastLabeled(REPO, issue, step(1));
                reads++;
              }
              return reads;
            });

    for (int i = 0; i < 100; i++) {
      demo.builder.setLabels(REPO, issue, Set.of(step(i % 2)));
      demo.builder.comment(REPO, issue, "x".repeat(2000));
    }
    writing.set(false);

    assertThat(reader.get(1, TimeUnit.MINUTES)).isPositive();
    try (var files = Files.list(demo.repoDir().resolve("issues"))) {
      assertThat(files.map(Path::getFileName).map(Path::toString)).containsExactly("1.json");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
