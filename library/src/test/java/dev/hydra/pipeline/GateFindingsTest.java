package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.hydra.gate.GateResult;
import dev.hydra.gate.GateStatus;
import dev.hydra.gate.GateTable;
import dev.hydra.verdict.Finding;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateFindingsTest {

  static GateResult red(String name, String reason, String report) {
    return new GateResult(name, GateStatus.FAIL, Duration.ofSeconds(2), reason, report);
  }

  static GateTable table(GateResult... results) {
    return new GateTable(List.of(results), results.length + " gates declared");
  }

  @Test
  void eachFileARedGatesOutputNamesIsAFindingOnThatFileWithItsLine() {
    GateTable table =
        table(
            red(
                "tests",
                "exit code 1",
                """
                [ERROR] src/main/java/App.java:[12,5] cannot find symbol
                at org.junit.Assert.fail(Assert.java:89)
                see pom.xml and /etc/passwd and ../up.txt
                src/main/java/App.java:40: again"""),
            new GateResult("lint", GateStatus.PASS, Duration.ZERO, "", "src/Ok.java fine"));

    List<Finding> findings = GateFindings.of(table);

    assertThat(findings)
        .extracting(Finding::file, Finding::line, Finding::rule)
        .containsExactly(
            tuple("src/main/java/App.java", 0, "gate:tests"),
            tuple("Assert.java", 89, "gate:tests"),
            tuple("pom.xml", 0, "gate:tests"));
    assertThat(findings.get(0).message())
        .isEqualTo("red gate: [ERROR] src/main/java/App.java:[12,5] cannot find symbol");
    assertThat(new RetryScope(12, "b", findings).unplacedGates()).isFalse();
  }

  @Test
  void aRedGateThatNamesNoFileIsOneFindingWithoutAFileThatWidensTheScope() {
    GateTable table = table(red("smoke", "exit code 3", "curl: (7) connection refused\nFAILED"));

    List<Finding> findings = GateFindings.of(table);

    assertThat(findings).singleElement().satisfies(f -> assertThat(f.file()).isEmpty());
    assertThat(findings.get(0).message())
        .startsWith("red gate: exit code 3; output ends: curl: (7) connection refused");
    RetryScope scope = new RetryScope(12, "hydra/7-x", findings);
    assertThat(scope.unplacedGates()).isTrue();
    assertThat(scope.files()).isEmpty();
    assertThat(scope.brief())
        .contains("gate:smoke", "every file this pull request already changed")
        .contains("The `gate:` findings were read from the output");
  }

  @Test
  void aGreenTableHasNoFindingsAndAReviewFindingWithoutAFileWidensNothing() {
    assertThat(GateFindings.of(table(new GateResult("t", GateStatus.PASS, Duration.ZERO, "", ""))))
        .isEmpty();
    RetryScope review =
        new RetryScope(
            12,
            "b",
            List.of(new Finding(dev.hydra.verdict.Severity.WARNING, "", 0, "CWE-1", "general")));
    assertThat(review.unplacedGates()).isFalse();
    assertThat(review.brief()).doesNotContain("already changed", "gate:");
  }

  @Test
  void atMostTenFilesPerGate() {
    StringBuilder report = new StringBuilder();
    for (int i = 0; i < 15; i++) {
      report.append("src/F").append(i).append(".java: bad\n");
    }
    assertThat(GateFindings.of(table(red("tests", "exit code 1", report.toString()))))
        .hasSize(GateFindings.MAX_FILES);
  }
}
