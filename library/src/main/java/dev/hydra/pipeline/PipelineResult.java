package dev.hydra.pipeline;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one {@code run} ended.
 *
 * @param stage the stage performed ({@code build}, {@code review}, {@code reconcile})
 * @param status how it ended
 * @param reason one sentence for people
 * @param pullRequest the PR number, when there is one
 * @param pullRequestUrl the PR's page, when there is one
 * @param records the run records of the stages that ran
 * @param report what a review job hands to the decision job, for a single review
 */
public record PipelineResult(
    String stage,
    Status status,
    String reason,
    @Nullable Integer pullRequest,
    @Nullable String pullRequestUrl,
    List<RunRecord> records,
    @Nullable ReviewReport report) {

  public PipelineResult {
    records = List.copyOf(records);
  }

  /** A result without a review report. */
  public PipelineResult(
      String stage,
      Status status,
      String reason,
      @Nullable Integer pullRequest,
      @Nullable String pullRequestUrl,
      List<RunRecord> records) {
    this(stage, status, reason, pullRequest, pullRequestUrl, records, null);
  }

  /** How a run ended. */
  public enum Status {
    /** Nothing was done: the guard said so (the reason says why). */
    SKIPPED,
    /** The stage passed: the build (reviews queued), or one review (the decision follows). */
    PASSED,
    /** One review failed; the decision job will put the issue in {@code needs-input}. */
    FAILED,
    /** The pipeline ended in {@code done} (the PR is ready for review, or merged). */
    DONE,
    /** The PR was merged ({@code yolo} by a user with write access). */
    MERGED,
    /** A stage failed: the issue is in {@code needs-input}. */
    NEEDS_INPUT,
    /** Hydra stopped without running a stage, for a reason a person must fix. */
    STOPPED,
    /** A stage left running past its deadline was recovered. */
    RECOVERED;

    /** The lower-case id for outputs. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** Whether the operator must see this run (a failed stage or a stop): exit non-zero. */
  public boolean operatorMustSee() {
    return status == Status.NEEDS_INPUT || status == Status.STOPPED;
  }

  /** The review report, for a single review job. */
  public Optional<ReviewReport> reviewReport() {
    return Optional.ofNullable(report);
  }

  /** The PR number. */
  public Optional<Integer> pullRequestNumber() {
    return Optional.ofNullable(pullRequest);
  }

  static PipelineResult skipped(String stage, String reason) {
    return new PipelineResult(stage, Status.SKIPPED, reason, null, null, List.of());
  }
}
