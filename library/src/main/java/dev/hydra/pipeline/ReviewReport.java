package dev.hydra.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.json.Json;
import dev.hydra.label.Stage;
import dev.hydra.secret.SecretMasker;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Finding;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one review job hands to the decision job: how its review ended, whether it pushed fixes, and
 * its run record. In Actions it travels as the job output {@code report} and reaches the decision
 * job as {@code toJSON(needs)}, which only the workflow run itself can write; in one process it is
 * passed in memory. It never carries a token; the agent's text only masked (the reason and the open
 * findings, which a person's {@code retry:queued} pass fixes: {@link RetryScope}).
 *
 * @param stage {@code code-review} or {@code security-review}
 * @param outcome {@link #PASS}, {@link #FAIL}, or {@link #SKIP} when the job did not run the review
 * @param fixes whether the reviewer pushed fixes to the branch
 * @param reason one sentence for people
 * @param record the run record, when a container ran
 * @param findings the findings the reviewer left open (null read as none)
 */
public record ReviewReport(
    String stage,
    String outcome,
    boolean fixes,
    String reason,
    @Nullable RunRecord record,
    @Nullable List<Finding> findings) {

  /** The review passed. */
  public static final String PASS = "pass";

  /** The review failed, or its job ended without a report. */
  public static final String FAIL = "fail";

  /** The job did not run the review (nothing was queued for it). */
  public static final String SKIP = "skip";

  public ReviewReport {
    requireNonNull(stage, "stage");
    if (!PASS.equals(outcome) && !FAIL.equals(outcome) && !SKIP.equals(outcome)) {
      throw new IllegalArgumentException("outcome must be pass, fail or skip");
    }
    requireNonNull(reason, "reason");
    findings = findings == null ? List.of() : List.copyOf(findings);
  }

  /** A report without findings. */
  public ReviewReport(
      String stage, String outcome, boolean fixes, String reason, @Nullable RunRecord record) {
    this(stage, outcome, fixes, reason, record, List.of());
  }

  /** The findings the reviewer left open: what a {@code retry:queued} pass fixes. */
  @Override
  public List<Finding> findings() {
    List<Finding> open = findings;
    return open == null ? List.of() : open;
  }

  /** This report with its reason and every finding's text masked, for a job output. */
  public ReviewReport masked(SecretMasker masker) {
    List<Finding> masked = new ArrayList<>();
    for (Finding f : findings()) {
      masked.add(
          new Finding(
              f.severity(), f.file(), f.line(), masker.mask(f.rule()), masker.mask(f.message())));
    }
    return new ReviewReport(stage, outcome, fixes, masker.mask(reason), record, masked);
  }

  /** Whether the review ran (pass or fail). */
  public boolean ran() {
    return !SKIP.equals(outcome);
  }

  /** Whether the review passed. */
  public boolean passed() {
    return PASS.equals(outcome);
  }

  /** Compact JSON, the job output's value. */
  public String toJson() {
    try {
      return Json.mapper().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a review report: " + e.getMessage(), e);
    }
  }

  /**
   * The two reviews' reports from the review workflow's {@code needs} context ({@code
   * toJSON(needs)} in the decision job): each job's {@code outputs.report}, trusted only when the
   * job's {@code result} is {@code success}. A job that failed, was cancelled or skipped counts as
   * a failed review whatever its report says (a step may have written a passing report before a
   * later step failed), and so does a job that ended without a report; the reason names the job and
   * its result.
   *
   * @throws IllegalArgumentException when the text is not the {@code needs} object of the review
   *     workflow, naming what is wrong and the fix
   */
  public static Map<Stage, ReviewReport> fromNeeds(String needsJson) {
    if (needsJson.isBlank()) {
      throw new IllegalArgumentException(
          "HYDRA_REVIEW_REPORTS is empty; the decision job passes `review-reports: ${{"
              + " toJSON(needs) }}` to the action (see .github/workflows/hydra-review.yml)");
    }
    JsonNode needs =
        Json.readTree(
            needsJson,
            (why, e) ->
                new IllegalArgumentException(
                    "HYDRA_REVIEW_REPORTS is not JSON ("
                        + Texts.oneLine(why)
                        + "); pass `review-reports: ${{ toJSON(needs) }}`",
                    e));
    if (needs == null || !needs.isObject()) {
      throw new IllegalArgumentException(
          "HYDRA_REVIEW_REPORTS must be the JSON object of the `needs` context");
    }
    Map<Stage, ReviewReport> reports = new EnumMap<>(Stage.class);
    for (Stage stage : new Stage[] {Stage.CODE_REVIEW, Stage.SECURITY_REVIEW}) {
      JsonNode job = needs.get(stage.id());
      if (job == null || !job.isObject()) {
        throw new IllegalArgumentException(
            "HYDRA_REVIEW_REPORTS has no job `"
                + stage.id()
                + "`; the decision job must `needs: [code-review, security-review]`");
      }
      if (!job.path("result").isTextual()) {
        throw new IllegalArgumentException(
            "HYDRA_REVIEW_REPORTS: job `"
                + stage.id()
                + "` has no `result`; pass `review-reports: ${{ toJSON(needs) }}`, which carries"
                + " each job's result");
      }
      String result = job.path("result").asText();
      String text = job.path("outputs").path("report").asText("");
      if (text.isBlank()) {
        reports.put(stage, missing(stage, result));
      } else if (!SUCCESS.equals(result)) {
        reports.put(stage, unsuccessful(stage, result));
      } else {
        reports.put(stage, parse(stage, text));
      }
    }
    return reports;
  }

  /** The only job result whose report is read. */
  private static final String SUCCESS = "success";

  private static ReviewReport unsuccessful(Stage stage, String result) {
    return failed(
        stage,
        " job's result is "
            + (result.isBlank() ? "unknown" : Texts.quote(Texts.oneLine(result)))
            + ", not success: it counts as a failed review whatever its report says");
  }

  private static ReviewReport missing(Stage stage, String result) {
    return failed(
        stage,
        " job ended without a report (result: "
            + (result.isBlank() ? "unknown" : Texts.oneLine(result))
            + "): it counts as a failed review");
  }

  /** A failed review of a job whose report is not believed: "the STAGE" + why. */
  private static ReviewReport failed(Stage stage, String why) {
    return new ReviewReport(stage.id(), FAIL, false, "the " + stage.id() + why, null);
  }

  private static ReviewReport parse(Stage stage, String text) {
    ReviewReport report;
    try {
      report = Json.mapper().readValue(text, ReviewReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the "
              + stage.id()
              + " job's report is not a review report: "
              + Texts.oneLine(String.valueOf(e.getOriginalMessage())),
          e);
    }
    if (!stage.id().equals(report.stage())) {
      throw new IllegalArgumentException(
          "the "
              + stage.id()
              + " job's report is for "
              + Texts.quote(report.stage())
              + "; each review job reports its own stage");
    }
    return report;
  }
}
