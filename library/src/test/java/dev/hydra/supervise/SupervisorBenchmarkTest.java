package dev.hydra.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness run small: it counts what it claims to (every queued issue run once, the
 * requests of an idle cycle, the memory read from {@code /proc}). How fast is not asserted here;
 * {@code bench/supervisor.sh} measures that.
 */
class SupervisorBenchmarkTest {

  @Test
  void runsEveryQueuedIssueOnceAndCountsAnIdleCycle() throws Exception {
    SupervisorBenchmark.Config config =
        new SupervisorBenchmark.Config(4, 10, 3, Duration.ofMillis(40), Duration.ofSeconds(60), 2);

    SupervisorBenchmark.Report report = SupervisorBenchmark.run(config);

    assertThat(report.jobs()).isEqualTo(10);
    assertThat(report.distinct()).isEqualTo(10);
    assertThat(report.usage().spans()).hasSize(10);
    assertThat(report.usage().busyRatio()).isBetween(0.0, 1.0);
    // With a 60 s interval, ten jobs in three slots finish in seconds only because a freed slot
    // wakes the loop.
    assertThat(report.wall()).isLessThan(Duration.ofSeconds(30));
    assertThat(report.cycles()).isGreaterThan(1);
    assertThat(report.idleRequests()).isEqualTo(List.of(4, 4));
    assertThat(report.idleNotModified()).isEqualTo(List.of(4, 4));
    assertThat(report.peakRssKb()).isGreaterThanOrEqualTo(report.rssKb());
    assertThat(report.text(config))
        .contains("requests per idle cycle: [4, 4] (answered 304: [4, 4])")
        .contains("jobs run: 10 (distinct issues: 10)");
  }
}
