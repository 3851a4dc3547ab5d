package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.label.Stage;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReviewReportTest {

  static final RunRecord RECORD =
      new RunRecord(
          "code-review",
          "reviewer",
          "ghcr.io/acme/hydra-reviewer:1",
          null,
          "account-2",
          52_311,
          7,
          0.19,
          4200,
          "passed");

  static String needs(String code, String security) {
    return "{\"code-review\":{\"result\":\"success\",\"outputs\":{\"report\":"
        + code
        + "}},\"security-review\":{\"result\":\"failure\",\"outputs\":"
        + security
        + "}}";
  }

  static String quoted(String json) {
    return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void aReportTravelsThroughTheNeedsContextUnchanged() {
    ReviewReport code = new ReviewReport("code-review", "pass", true, "code-review passed", RECORD);
    Map<Stage, ReviewReport> reports = ReviewReport.fromNeeds(needs(quoted(code.toJson()), "{}"));
    assertThat(reports.get(Stage.CODE_REVIEW)).isEqualTo(code);
  }

  @Test
  void itsOpenFindingsTravelMaskedForTheRetry() {
    dev.hydra.secret.SecretMasker masker =
        dev.hydra.secret.SecretMasker.of(
            java.util.List.of(dev.hydra.secret.Secret.of("T", "s3cr3t-value-123")));
    ReviewReport code =
        new ReviewReport(
                "code-review",
                "fail",
                false,
                "code-review failed",
                RECORD,
                java.util.List.of(
                    new dev.hydra.verdict.Finding(
                        dev.hydra.verdict.Severity.CRITICAL,
                        "src/App.java",
                        3,
                        "CWE-89",
                        "token s3cr3t-value-123 in a query")))
            .masked(masker);

    ReviewReport read =
        java.util.Objects.requireNonNull(
            ReviewReport.fromNeeds(needs(quoted(code.toJson()), "{}")).get(Stage.CODE_REVIEW));

    assertThat(read).isEqualTo(code);
    assertThat(read.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.file()).isEqualTo("src/App.java");
              assertThat(f.message()).doesNotContain("s3cr3t-value-123");
            });
  }

  @Test
  void aJobThatEndedWithoutAReportIsAFailedReviewWithItsResult() {
    ReviewReport code = new ReviewReport("code-review", "pass", false, "ok", null);
    ReviewReport security =
        java.util.Objects.requireNonNull(
            ReviewReport.fromNeeds(needs(quoted(code.toJson()), "{}")).get(Stage.SECURITY_REVIEW));
    assertThat(security.passed()).isFalse();
    assertThat(security.ran()).isTrue();
    assertThat(security.reason()).contains("security-review job ended without a report", "failure");
  }

  @ParameterizedTest
  @ValueSource(strings = {"failure", "cancelled", "skipped", "Success", "", "timed_out"})
  void aJobWhoseResultIsNotSuccessIsAFailedReviewWhateverItsReportSays(String result) {
    ReviewReport passing =
        new ReviewReport("code-review", "pass", true, "code-review passed", RECORD);
    ReviewReport security = new ReviewReport("security-review", "pass", false, "ok", null);
    String needs =
        "{\"code-review\":{\"result\":"
            + quoted(result)
            + ",\"outputs\":{\"report\":"
            + quoted(passing.toJson())
            + "}},\"security-review\":{\"result\":\"success\",\"outputs\":{\"report\":"
            + quoted(security.toJson())
            + "}}}";

    Map<Stage, ReviewReport> reports = ReviewReport.fromNeeds(needs);
    ReviewReport code = java.util.Objects.requireNonNull(reports.get(Stage.CODE_REVIEW));

    assertThat(code.passed()).isFalse();
    assertThat(code.ran()).as("a failed review, decided as one").isTrue();
    assertThat(code.fixes()).as("nothing the report says is believed").isFalse();
    assertThat(code.record()).isNull();
    assertThat(code.reason())
        .contains("code-review job", result.isEmpty() ? "unknown" : result, "failed review")
        .doesNotContain("\n");
    assertThat(reports.get(Stage.SECURITY_REVIEW)).isEqualTo(security);
  }

  @Test
  void aJobWithoutAResultIsNotTheNeedsContext() {
    ReviewReport passing = new ReviewReport("code-review", "pass", false, "ok", null);
    String needs =
        "{\"code-review\":{\"outputs\":{\"report\":"
            + quoted(passing.toJson())
            + "}},\"security-review\":{\"result\":\"success\",\"outputs\":{}}}";
    assertThatThrownBy(() -> ReviewReport.fromNeeds(needs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("code-review", "no `result`", "toJSON(needs)");
  }

  @Test
  void aReportForAnotherStageIsRefused() {
    ReviewReport wrong = new ReviewReport("security-review", "pass", false, "ok", null);
    assertThatThrownBy(() -> ReviewReport.fromNeeds(needs(quoted(wrong.toJson()), "{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("each review job reports its own stage");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  ",
        "not json",
        "[]",
        "{\"code-review\":{}}",
        "{\"code-review\":{\"outputs\":{\"report\":\"{}\"}},\"security-review\":{}}",
        "{\"code-review\":{\"outputs\":{\"report\":\"{\\\"stage\\\":\\\"code-review\\\",\\\"outcome\\\":\\\"approve\\\",\\\"reason\\\":\\\"\\\"}\"}},\"security-review\":{}}"
      })
  void anythingButTheReviewWorkflowsNeedsIsAClearError(String text) {
    assertThatThrownBy(() -> ReviewReport.fromNeeds(text))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("\n"));
  }

  @Test
  void stepsParseFromTheStageInput() {
    assertThat(Step.parse("")).isEqualTo(Step.ALL);
    assertThat(Step.parse(" Code-Review ")).isEqualTo(Step.CODE_REVIEW);
    assertThat(Step.parse("decision")).isEqualTo(Step.DECISION);
    assertThatThrownBy(() -> Step.parse("build"))
        .hasMessageContaining("code-review, security-review, decision");
  }
}
