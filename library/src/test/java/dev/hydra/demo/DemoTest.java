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
  void aReviewFailEndsInNeedsInputAndSuggestsTheFixes() throws Exception {
    PipelineResult result = demo(DemoOutcome.REVIEW_FAIL);

    assertThat(result.status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    assertThat(lines.get(lines.size() - 1)).startsWith("Next: bin/hydra demo --outcome fixes;");
  }

  @Test
  void aGateFailShowsTheRedGateTheFixPassAndTheGreenRecheckThenDone() throws Exception {
    PipelineResult result = demo(DemoOutcome.GATE_FAIL, false);

    assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(lines.get(0)).startsWith("containers: off for --outcome gate-fail");
    assertThat(lines)
        .containsSubsequence(
            "  plan: gates (scripted) on the builder's commits:",
            "  plan:   | `unit-tests` | ❌ FAIL | 3.0 s | exit code 1 |",
            "  plan: fix pass: the builder runs again with gates.md",
            "  plan: would run (build as builder):",
            "  plan:   | `unit-tests` | ✅ PASS | 4.0 s |  |");
    assertThat(lines)
        .anyMatch(l -> l.contains("gates rechecked on PR #") && l.endsWith("all green"));
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
