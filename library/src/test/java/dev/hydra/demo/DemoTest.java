package dev.hydra.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.pipeline.PipelineResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's demo entry, scripted: what it prints and how it ends, without a CLI. */
class DemoTest {

  @TempDir Path dir;

  List<String> lines = new ArrayList<>();

  PipelineResult demo(DemoOutcome outcome) throws Exception {
    return demo(outcome, true);
  }

  PipelineResult demo(DemoOutcome outcome, boolean scripted) throws Exception {
    Demo.Options options =
        new Demo.Options(
            dir.resolve("forge"),
            dir.resolve("no-images"),
            "docker",
            DemoImages.PREFIX,
            DemoImages.TAG,
            DemoAgent.DEMO,
            outcome,
            scripted,
            Demo.NETWORK);
    return new Demo(options, lines::add).run();
  }

  @Test
  void scriptedPassRunsToDoneAndSaysWhatToTryNext() throws Exception {
    PipelineResult result = demo(DemoOutcome.PASS);

    assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(lines.get(0)).startsWith("containers: off (--scripted)");
    assertThat(lines.get(1)).isEqualTo("outcome: pass (" + DemoOutcome.PASS.description() + ")");
    assertThat(lines).contains("local forge: " + dir.resolve("forge"));
    assertThat(lines).anyMatch(l -> l.startsWith("  plan: would run (build as builder):"));
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo(
            "Next: bin/hydra demo --outcome review-fail; bin/hydra explain --example; to adopt"
                + " Hydra on your repository, README.md");
  }

  @Test
  void aReviewFailEndsInNeedsInputAndSuggestsTheRetry() throws Exception {
    PipelineResult result = demo(DemoOutcome.REVIEW_FAIL);

    assertThat(result.status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    assertThat(lines.get(lines.size() - 1)).startsWith("Next: bin/hydra demo --outcome retry;");
  }

  @Test
  void aGateFailShowsTheRedGateTheFixPassAndTheGreenRecheckThenDone() throws Exception {
    PipelineResult result = demo(DemoOutcome.GATE_FAIL);

    assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(lines.get(0)).startsWith("containers: off (--scripted)");
    assertThat(lines)
        .containsSubsequence(
            "  plan: would run (build as builder):",
            "  gates on the builder's commits, pass 1: 1 gate declared in .hydra/gates.yml"
                + " (scripted demo)",
            "  gates | | `demo-test-line` | ❌ FAIL | 0.3 s | exit code 1 |",
            "  fix pass: the builder runs again with /input/gates.md",
            "  plan: would run (build as builder):",
            "  gates | | `demo-test-line` | ✅ PASS | 0.4 s |  |",
            "  gates green: the runner pushes the commits")
        .anyMatch(l -> l.startsWith("  gates rechecked on PR #2's final head "))
        .anyMatch(l -> l.contains("gates rechecked on PR #") && l.endsWith("all green"));
    assertThat(lines.get(lines.size() - 1)).startsWith("Next: bin/hydra demo --outcome fixes;");
  }

  @Test
  void aRetryAfterTheFailedReviewRunsOneFixerPassAndRoundTwoToDone() throws Exception {
    PipelineResult result = demo(DemoOutcome.RETRY);

    assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(result.stage()).isEqualTo("decision");
    assertThat(lines)
        .filteredOn(l -> l.startsWith("  plan: would run (build as builder):"))
        .as("the build and the one fixer pass")
        .hasSize(2);
    assertThat(lines)
        .anyMatch(l -> l.contains("HYDRA_MODE=fix"))
        .containsSubsequence(
            "  builder claimed the build of #1 (`ready-to-build` was applied to #1 by @mona, who"
                + " has write access)",
            "  security reviewed PR #2: fail",
            "person: mona (the admin, with write access) removes `needs-input` and applies"
                + " `retry:queued`: one fixer pass on the findings, then the reviews again",
            "  builder claimed the retry of #1 (`retry:queued` was applied to #1 by @mona, who has"
                + " write access)",
            "  plan: would run (build as builder):",
            "  builder retried PR #2 for #1",
            "  reviewer reviewed PR #2: pass",
            "  security reviewed PR #2: pass",
            "result: decision done: PR #2 is ready for review");
    assertThat(lines.get(lines.size() - 1)).startsWith("Next: bin/hydra demo --outcome gate-fail;");
  }

  @Test
  void noLineShowsADemoToken() throws Exception {
    demo(DemoOutcome.PASS);

    String all = String.join("\n", lines);
    assertThat(all).doesNotContain(DemoCredentials.CLAUDE_TOKEN);
    for (dev.hydra.credentials.Persona p : dev.hydra.credentials.Persona.values()) {
      assertThat(all).doesNotContain(DemoCredentials.gitToken(p));
    }
  }

  @Test
  void aCommentShowsOnlyTheLinesAPersonSees() {
    assertThat(
            DemoTimeline.visibleLines(
                "<!-- hydra:progress -->\n### Title\n\n| a | b |\n|---|---|\n- `done`\n"))
        .containsExactly("### Title", "- `done`");
  }
}
