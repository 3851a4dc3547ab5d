package dev.hydra.supervise;

import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.RunRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The supervisor's metrics, kept by Micrometer and written as Prometheus text ({@link #scrape}):
 * jobs and stages started and finished by outcome, their durations, the queue, the slots, the polls
 * (and how many the forge answered {@code 304}), rate limits, exhausted Claude accounts, and the
 * tokens and cost the stages' model gateways counted (from each stage's {@link RunRecord}).
 */
public final class SupervisorMetrics {

  /** The stage outcome of a run record whose Claude accounts were all rate-limited. */
  static final String RATE_LIMITED = "rate-limited";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger queued = new AtomicInteger();

  /**
   * Metrics for a pool.
   *
   * @param pool whose busy slots are reported
   * @param accounts the Claude accounts out of rotation now (the stages' shared token state)
   */
  public SupervisorMetrics(Pool pool, ClaudeAccounts accounts) {
    Gauge.builder("hydra_supervisor_slots", pool, Pool::slots)
        .description("Slots of the pool")
        .register(registry);
    Gauge.builder("hydra_supervisor_slots_busy", pool, Pool::busy)
        .description("Slots running a job now")
        .register(registry);
    Gauge.builder("hydra_supervisor_queue_depth", queued, AtomicInteger::get)
        .description("Jobs found at the last cycle that waited for a free slot")
        .register(registry);
    // A gauge holds its object weakly: nothing else keeps the accounts, so the gauge must, or a
    // collection turns the value into NaN.
    Gauge.builder("hydra_claude_accounts_exhausted", accounts, ClaudeAccounts::exhausted)
        .description("Claude accounts rate-limited until their reset (the stages' token state)")
        .strongReference(true)
        .register(registry);
    Gauge.builder("hydra_claude_accounts_quarantined", accounts, ClaudeAccounts::quarantined)
        .description("Claude accounts refused and out of rotation until replaced")
        .strongReference(true)
        .register(registry);
  }

  /** The jobs that waited for a slot at the last cycle. */
  public void queueDepth(int jobs) {
    queued.set(jobs);
  }

  /** A job started in a slot. */
  public void started(Job job) {
    Counter.builder("hydra_supervisor_jobs_started")
        .description("Jobs started, by kind")
        .tag("kind", job.kind().id())
        .register(registry)
        .increment();
  }

  /** A job ended: its outcome and time, and what each of its stages did. */
  public void finished(Job job, PipelineResult result, Duration took) {
    ended(job, result.status().id(), took);
    for (RunRecord record : result.records()) {
      stage(record);
    }
  }

  /**
   * A job ended without a result.
   *
   * @param outcome {@code error} (an exception) or {@code handed-back} (drained)
   */
  public void ended(Job job, String outcome, Duration took) {
    Counter.builder("hydra_supervisor_jobs_finished")
        .description("Jobs finished, by kind and outcome")
        .tag("kind", job.kind().id())
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder("hydra_supervisor_job_duration")
        .description("Time a job held its slot")
        .tag("kind", job.kind().id())
        .register(registry)
        .record(took);
  }

  private void stage(RunRecord record) {
    Counter.builder("hydra_stages_finished")
        .description("Stage containers finished, by stage and outcome")
        .tag("stage", record.stage())
        .tag("outcome", record.outcome())
        .register(registry)
        .increment();
    Timer.builder("hydra_stage_duration")
        .description("Wall-clock time of a stage container")
        .tag("stage", record.stage())
        .register(registry)
        .record(record.durationMillis(), TimeUnit.MILLISECONDS);
    Counter.builder("hydra_gateway_tokens")
        .description("Model tokens the stages' gateways counted (input, output and cache)")
        .tag("stage", record.stage())
        .register(registry)
        .increment((double) record.tokens());
    Counter.builder("hydra_gateway_cost_usd")
        .description("Cost of the stages' model calls in US dollars")
        .tag("stage", record.stage())
        .register(registry)
        .increment(record.costUsd());
    if (record.outcome().equals(RATE_LIMITED)) {
      Counter.builder("hydra_claude_all_accounts_exhausted")
          .description("Stages that ended rate-limited on every Claude account")
          .register(registry)
          .increment();
    }
  }

  /**
   * One poll of a repository.
   *
   * @param notModified whether the forge answered {@code 304}
   * @param requests how many requests it took
   */
  public void polled(boolean notModified, int requests) {
    Counter.builder("hydra_forge_poll_requests")
        .description("List requests of the polls, by answer")
        .tag("answer", notModified ? "not-modified" : "modified")
        .register(registry)
        .increment(requests);
  }

  /**
   * A poll failed.
   *
   * @param rateLimited whether the forge's rate limit was the reason
   */
  public void pollFailed(boolean rateLimited) {
    Counter.builder("hydra_forge_poll_failures")
        .description("Polls that failed, by reason")
        .tag("reason", rateLimited ? "rate-limited" : "error")
        .register(registry)
        .increment();
  }

  /** The metrics as Prometheus text (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }
}
