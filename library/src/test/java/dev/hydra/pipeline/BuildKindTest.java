package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.label.LabelScheme;
import dev.hydra.label.PipelineState;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildKindTest {

  static final LabelScheme SCHEME = LabelScheme.canonical();

  @Test
  void theLiveIssueSaysWhichBuild() {
    assertThat(BuildKind.of(SCHEME, List.of("ready-to-build"))).isEqualTo(BuildKind.FRESH);
    assertThat(BuildKind.of(SCHEME, List.of("build:fail", "rebuild:queued")))
        .isEqualTo(BuildKind.RESET);
    assertThat(BuildKind.FRESH.label(SCHEME)).isEqualTo("ready-to-build");
    assertThat(BuildKind.RESET.label(SCHEME)).isEqualTo("rebuild:queued");
  }

  @Test
  void aFreshClaimRunsTheBuildAndKeepsTheRest() {
    assertThat(BuildKind.FRESH.claimed(SCHEME, List.of("bug", "yolo")))
        .containsExactly("bug", "yolo", "build:running");
  }

  @Test
  void theResetTakesEveryPipelineLabelOffButAPersonsOwn() {
    assertThat(
            BuildKind.RESET.claimed(
                SCHEME, List.of("bug", "build:pass", "code-review:fail", "needs-input")))
        .containsExactly("bug", "build:running");
  }

  @Test
  void onlyTheResetMayReuseThePullRequest() {
    assertThat(BuildKind.FRESH.reusesPullRequest()).isFalse();
    assertThat(BuildKind.RESET.reusesPullRequest()).isTrue();
  }

  @Test
  void theResetsOwnQueuedLabelIsNotABusyStage() {
    PipelineState queued = PipelineState.of(SCHEME, List.of("rebuild:queued"));
    assertThat(BuildKind.FRESH.busy(queued)).isTrue();
    assertThat(BuildKind.RESET.busy(queued)).isFalse();
    PipelineState running = PipelineState.of(SCHEME, List.of("rebuild:queued", "build:running"));
    assertThat(BuildKind.RESET.busy(running)).isTrue();
  }

  @Test
  void theWordsFollowTheKind() {
    assertThat(BuildKind.FRESH.startedNote("alice may"))
        .isEqualTo("Build started by the builder persona (alice may).");
    assertThat(BuildKind.RESET.startedNote("alice may"))
        .isEqualTo("Rebuild started by the builder persona (alice may): labels reset.");
    assertThat(BuildKind.FRESH.named(SCHEME)).isEqualTo("the trigger");
    assertThat(BuildKind.RESET.named(SCHEME)).isEqualTo("`rebuild:queued`");
  }
}
