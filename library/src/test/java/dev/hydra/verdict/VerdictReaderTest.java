package dev.hydra.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.label.Stage;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictReaderTest {

  @Test
  void theWarmUpVerdictIsValid() {
    assertThatCode(VerdictReader::warmUp).doesNotThrowAnyException();
  }

  static final String BUILD_PASS =
      "{\"schema\":1,\"stage\":\"build\",\"outcome\":\"pass\",\"summary\":\"Added /health\","
          + "\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],\"turns\":31,\"cost_usd\":0.84,"
          + "\"branch\":\"hydra/7-add-a-health-endpoint\",\"pr_title\":\"Add /health\","
          + "\"pr_body\":\"Closes #7\"}";

  static final String REVIEW_FAIL =
      "{\"schema\":1,\"stage\":\"security-review\",\"outcome\":\"fail\",\"summary\":\"SQL"
          + " injection\",\"findings\":[{\"severity\":\"CRITICAL\",\"file\":\"src/Db.java\","
          + "\"line\":42,\"rule\":\"CWE-89\",\"message\":\"query built from input\"}],"
          + "\"fixes_applied\":[],\"unfixed\":[{\"severity\":\"CRITICAL\",\"file\":\"src/Db.java\","
          + "\"line\":42,\"rule\":\"CWE-89\",\"message\":\"query built from input\"}],"
          + "\"turns\":12,\"cost_usd\":0.2}";

  @Nested
  class Valid {
    @Test
    void readsAPassingBuild() throws Exception {
      Verdict v =
          VerdictReader.read(Stage.BUILD, List.of("cloning…", "HYDRA-VERDICT " + BUILD_PASS));
      assertThat(v.passed()).isTrue();
      assertThat(v.turns()).isEqualTo(31);
      assertThat(v.costUsd()).isEqualTo(0.84);
      assertThat(v.builder())
          .get()
          .extracting(Verdict.BuilderResult::branch)
          .isEqualTo("hydra/7-add-a-health-endpoint");
    }

    @Test
    void readsAFailingReviewWithFindings() throws Exception {
      Verdict v =
          VerdictReader.read(Stage.SECURITY_REVIEW, List.of("HYDRA-VERDICT " + REVIEW_FAIL));
      assertThat(v.passed()).isFalse();
      assertThat(v.findings())
          .containsExactly(
              new Finding(
                  Severity.CRITICAL, "src/Db.java", 42, "CWE-89", "query built from input"));
      assertThat(v.builder()).isEmpty();
    }

    @Test
    void theLastVerdictLineWins() throws Exception {
      String fake = BUILD_PASS.replace("\"pass\"", "\"fail\"");
      Verdict v =
          VerdictReader.read(
              Stage.BUILD,
              List.of("HYDRA-VERDICT " + fake, "more output", "HYDRA-VERDICT " + BUILD_PASS));
      assertThat(v.passed()).isTrue();
    }
  }

  @Nested
  class Invalid {
    @Test
    void noVerdictLineIsAFailure() {
      assertThatThrownBy(() -> VerdictReader.read(Stage.BUILD, List.of("done!", "HYDRA-VERDICT")))
          .isInstanceOf(InvalidVerdictException.class)
          .hasMessageContaining("printed no line starting with `HYDRA-VERDICT `");
    }

    @Test
    void malformedJsonIsAFailure() {
      assertThatThrownBy(
              () -> VerdictReader.read(Stage.BUILD, List.of("HYDRA-VERDICT {\"schema\":1,")))
          .isInstanceOf(InvalidVerdictException.class)
          .hasMessageContaining("not valid JSON");
    }

    @Test
    void aVerdictForAnotherStageIsAFailure() {
      assertThatThrownBy(
              () -> VerdictReader.read(Stage.CODE_REVIEW, List.of("HYDRA-VERDICT " + REVIEW_FAIL)))
          .isInstanceOf(InvalidVerdictException.class)
          .hasMessageContaining("reported a verdict for stage security-review");
    }

    @Test
    void anOversizedLineIsRefusedBeforeParsing() {
      String big = "HYDRA-VERDICT " + "x".repeat(VerdictReader.MAX_LINE + 1);
      assertThatThrownBy(() -> VerdictReader.read(Stage.BUILD, List.of(big)))
          .hasMessageContaining("larger than");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        value = {
          "schema version 2           | \"schema\":1 | \"schema\":2",
          "unknown outcome            | \"outcome\":\"pass\" | \"outcome\":\"maybe\"",
          "missing summary            | \"summary\":\"Added /health\", | ",
          "extra property             | \"turns\":31 | \"turns\":31,\"approved\":true",
          "negative turns             | \"turns\":31 | \"turns\":-1",
          "branch not Hydra's         | hydra/7-add-a-health-endpoint | main",
          "branch with option         | hydra/7-add-a-health-endpoint | --upload-pack=x",
          "turns as string            | \"turns\":31 | \"turns\":\"31\"",
        })
    void schemaViolationsAreFailures(String name, String from, String to) {
      String broken = BUILD_PASS.replace(from, to == null ? "" : to);
      assertThat(broken).isNotEqualTo(BUILD_PASS);
      assertThatThrownBy(() -> VerdictReader.parse(Stage.BUILD, broken))
          .isInstanceOf(InvalidVerdictException.class)
          .hasMessageContaining("breaks verdict-v1.schema.json");
    }

    static final String NO_PR =
        BUILD_PASS.replace(
            ",\"branch\":\"hydra/7-add-a-health-endpoint\",\"pr_title\":\"Add /health\",\"pr_body\":\"Closes #7\"",
            "");

    @Test
    void aPassingBuildMustNameItsBranchAndPr() {
      assertThat(NO_PR).isNotEqualTo(BUILD_PASS);
      assertThatThrownBy(() -> VerdictReader.parse(Stage.BUILD, NO_PR))
          .isInstanceOf(InvalidVerdictException.class)
          .hasMessageContaining("has no branch, pr_title and pr_body");
      assertThatThrownBy(
              () -> VerdictReader.read(Stage.BUILD, "build", List.of("HYDRA-VERDICT " + NO_PR)))
          .isInstanceOf(InvalidVerdictException.class)
          .hasMessageContaining("has no branch, pr_title and pr_body");
    }

    @Test
    void aRetryPassNeedsNoPrTextForThePullRequestExists() throws Exception {
      Verdict v =
          VerdictReader.read(
              Stage.BUILD, VerdictReader.FIX_MODE, List.of("HYDRA-VERDICT " + NO_PR));
      assertThat(v.passed()).isTrue();
      assertThat(v.builder()).isEmpty();
      assertThat(VerdictReader.parse(Stage.BUILD, "fix", BUILD_PASS).builder()).isPresent();
    }

    @Test
    void theBranchAndPrTextComeTogetherInEveryMode() {
      String branchOnly = BUILD_PASS.replace(",\"pr_title\":\"Add /health\"", "");
      assertThat(branchOnly).isNotEqualTo(BUILD_PASS);
      assertThatThrownBy(() -> VerdictReader.parse(Stage.BUILD, "fix", branchOnly))
          .hasMessageContaining("breaks verdict-v1.schema.json");
    }

    @Test
    void aReviewerCannotClaimABranch() {
      String withBranch =
          REVIEW_FAIL.replace("\"turns\":12", "\"turns\":12,\"branch\":\"hydra/7-x\"");
      assertThatThrownBy(() -> VerdictReader.parse(Stage.SECURITY_REVIEW, withBranch))
          .hasMessageContaining("breaks verdict-v1.schema.json");
    }

    @ParameterizedTest
    @CsvSource({"/etc/passwd", "../secrets", "src/../../x", "a/.."})
    void findingPathsStayInsideTheRepository(String file) {
      String bad = REVIEW_FAIL.replaceFirst("src/Db.java", file);
      assertThatThrownBy(() -> VerdictReader.parse(Stage.SECURITY_REVIEW, bad))
          .hasMessageContaining("breaks verdict-v1.schema.json");
    }

    @Test
    void wrongSeverityIsAFailureWithoutEchoingControlCharacters() {
      String bad = REVIEW_FAIL.replaceFirst("CRITICAL", "BAD\\\\n::error::x");
      assertThatThrownBy(() -> VerdictReader.parse(Stage.SECURITY_REVIEW, bad))
          .isInstanceOf(InvalidVerdictException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
