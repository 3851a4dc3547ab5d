package dev.hydra.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.TokenPoolState;
import dev.hydra.forge.RepoRef;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.RunRecord;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsServerTest {

  static final List<String> ACCOUNTS = List.of("account-1", "account-2", "account-3", "account-4");

  @TempDir Path dir;
  final Pool pool = new Pool(3);
  final ManualClock clock = new ManualClock();
  final HttpClient http = HttpClient.newHttpClient();
  SupervisorMetrics metrics = new SupervisorMetrics(pool, ClaudeAccounts.none());

  /**
   * The token state the stages' gateways left: two accounts rate-limited for an hour, one of them
   * refused as well, and one refused.
   */
  @BeforeEach
  void tokenState() throws Exception {
    Path state = dir.resolve("state/claude-tokens.json");
    ClaudeTokenPool pool = new ClaudeTokenPool(ACCOUNTS);
    Instant now = clock.instant();
    pool.markExhausted("account-1", now.plus(Duration.ofHours(1)), now);
    pool.markExhausted("account-2", now.plus(Duration.ofMinutes(30)), now);
    pool.markExhausted("account-3", now.plus(Duration.ofHours(1)), now);
    pool.quarantine("account-3", "401");
    pool.quarantine("account-4", "401");
    TokenPoolState.save(state, pool, now);
    metrics = new SupervisorMetrics(this.pool, ClaudeAccounts.fromState(state, ACCOUNTS, clock));
  }

  @Test
  void servesPrometheusTextAndHealthOnLoopback() throws Exception {
    Job build = new Job(RepoRef.of("acme", "app"), 7, "t", Job.Kind.BUILD);
    metrics.started(build);
    metrics.finished(
        build,
        new PipelineResult(
            "build",
            PipelineResult.Status.PASSED,
            "ok",
            null,
            null,
            List.of(
                new RunRecord(
                    "build",
                    "builder",
                    "img:1",
                    null,
                    "account-1",
                    1200,
                    9,
                    0.42,
                    61_000,
                    "passed"))),
        Duration.ofSeconds(62));
    metrics.ended(build, "handed-back", Duration.ofSeconds(1));
    metrics.polled(true, 1);
    metrics.polled(false, 2);
    metrics.pollFailed(true);
    metrics.queueDepth(4);
    AtomicBoolean healthy = new AtomicBoolean(true);

    try (MetricsServer server =
        MetricsServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            metrics::scrape,
            healthy::get)) {
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      HttpResponse<String> scraped = get(server, "/metrics");

      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.headers().firstValue("content-type")).contains(MetricsServer.PROMETHEUS);
      assertThat(scraped.body())
          .contains("hydra_supervisor_jobs_started_total{kind=\"build\"} 1.0")
          .contains("hydra_supervisor_jobs_finished_total{kind=\"build\",outcome=\"passed\"} 1.0")
          .contains(
              "hydra_supervisor_jobs_finished_total{kind=\"build\",outcome=\"handed-back\"} 1.0")
          .contains("hydra_supervisor_job_duration_seconds_count{kind=\"build\"} 2")
          .contains("hydra_stages_finished_total{outcome=\"passed\",stage=\"build\"} 1.0")
          .contains("hydra_stage_duration_seconds_sum{stage=\"build\"} 61.0")
          .contains("hydra_gateway_tokens_total{stage=\"build\"} 1200.0")
          .contains("hydra_gateway_cost_usd_total{stage=\"build\"} 0.42")
          .contains("hydra_forge_poll_requests_total{answer=\"not-modified\"} 1.0")
          .contains("hydra_forge_poll_requests_total{answer=\"modified\"} 2.0")
          .contains("hydra_forge_poll_failures_total{reason=\"rate-limited\"} 1.0")
          .contains("hydra_supervisor_queue_depth 4.0")
          .contains("hydra_supervisor_slots 3.0")
          .contains("hydra_supervisor_slots_busy 0.0")
          .contains("hydra_claude_accounts_exhausted 2.0")
          .contains("hydra_claude_accounts_quarantined 2.0");

      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      healthy.set(false);
      HttpResponse<String> draining = get(server, "/healthz");
      assertThat(draining.statusCode()).isEqualTo(503);
      assertThat(draining.body()).isEqualTo("draining\n");
      assertThat(get(server, "/other").statusCode()).isEqualTo(404);
      assertThat(get(server, "/metrics/x").statusCode()).isEqualTo(404);
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(url(server, "/metrics"))
                  .POST(HttpRequest.BodyPublishers.ofString("x"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void theExhaustedAccountsComeFromTheStagesTokenStateAndResetByTheClock() throws Exception {
    assertThat(metrics.scrape()).contains("hydra_claude_accounts_exhausted 2.0");
    clock.advance(Duration.ofMinutes(31));
    assertThat(metrics.scrape()).contains("hydra_claude_accounts_exhausted 1.0");
    clock.advance(Duration.ofMinutes(30));
    assertThat(metrics.scrape())
        .contains("hydra_claude_accounts_exhausted 0.0")
        .contains("hydra_claude_accounts_quarantined 2.0");
  }

  @Test
  void aTokenStateThatCannotBeReadIsUnknownNotZero() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.json"), "not json");
    SupervisorMetrics unknown =
        new SupervisorMetrics(pool, ClaudeAccounts.fromState(broken, ACCOUNTS, clock));
    SupervisorMetrics missing =
        new SupervisorMetrics(
            pool, ClaudeAccounts.fromState(dir.resolve("none.json"), ACCOUNTS, clock));
    assertThat(unknown.scrape())
        .contains("hydra_claude_accounts_exhausted NaN")
        .contains("hydra_claude_accounts_quarantined NaN");
    assertThat(missing.scrape()).contains("hydra_claude_accounts_exhausted 0.0");
  }

  @Test
  void aStageRateLimitedOnEveryAccountIsCounted() {
    Job review = new Job(RepoRef.of("acme", "app"), 7, "t", Job.Kind.REVIEWS);
    RunRecord limited =
        new RunRecord("code-review", "reviewer", "img:1", null, "", 0, 0, 0, 10, "rate-limited");
    metrics.finished(
        review,
        new PipelineResult(
            "code-review", PipelineResult.Status.FAILED, "x", null, null, List.of(limited)),
        Duration.ofSeconds(1));
    assertThat(metrics.scrape()).contains("hydra_claude_all_accounts_exhausted_total 1.0");
  }

  HttpResponse<String> get(MetricsServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(url(server, path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static URI url(MetricsServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }
}
