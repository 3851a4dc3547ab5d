package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never silent (issue 12 item 6): the workflows' near-miss job runs {@code hydra explain}, which
 * writes its explanation to the job summary, so a mistyped trigger label is visible in CI.
 */
class NearMissSummaryTest {

  @TempDir Path dir;

  MainTest.Result explain(String label, Path summary) throws IOException {
    Path event = dir.resolve("event.json");
    Files.writeString(event, MainTest.exampleIssueLabeled(label), StandardCharsets.UTF_8);
    return MainTest.run(
        Map.of("GITHUB_STEP_SUMMARY", summary.toString(), "HYDRA_LABEL_PREFIX", "wilco"),
        "explain",
        "--event",
        event.toString(),
        "--event-name",
        "issues",
        "--forge",
        "github");
  }

  @Test
  void aLabelWithAnotherPrefixIsExplainedInTheJobSummary() throws IOException {
    Path summary = dir.resolve("summary.md");
    MainTest.Result r = explain("willco-ready-to-build", summary);
    assertThat(r.code()).isZero();
    String text = Files.readString(summary, StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith("### Hydra: what this label event does")
        .contains("    Decision: skip for issue #7")
        .contains("wilco-ready-to-build")
        .contains("HYDRA_LABEL_PREFIX=willco")
        .contains("    Fix:");
  }

  @Test
  void everyLineOfTheExplanationIsCodeSoNoLabelTextBecomesMarkdown() throws IOException {
    Path summary = dir.resolve("summary.md");
    explain("# Ready-To-Build [x](https://example.invalid)", summary);
    String text = Files.readString(summary, StandardCharsets.UTF_8);
    assertThat(text.lines().skip(2).filter(l -> !l.isEmpty()))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).startsWith("    "));
  }

  @Test
  void routeWritesNoSummaryOnlyExplainDoes() throws IOException {
    Path event = dir.resolve("event.json");
    Files.writeString(
        event, MainTest.exampleIssueLabeled("Ready-To-Build"), StandardCharsets.UTF_8);
    Path summary = dir.resolve("summary.md");
    MainTest.Result r =
        MainTest.run(
            Map.of("GITHUB_STEP_SUMMARY", summary.toString()),
            "route",
            "--event",
            event.toString(),
            "--event-name",
            "issues",
            "--forge",
            "github");
    assertThat(r.code()).isZero();
    assertThat(summary).doesNotExist();
  }
}
