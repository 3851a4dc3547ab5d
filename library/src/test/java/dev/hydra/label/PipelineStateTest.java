package dev.hydra.label;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineStateTest {

  static final LabelScheme WILCO = LabelScheme.of("wilco", "");

  @Test
  void startingABuildConsumesTheTriggerAndQueuesTheBuild() {
    PipelineState s = PipelineState.of(WILCO, List.of("bug", "wilco-ready-to-build", "yolo"));
    assertThat(s.triggered()).isTrue();
    assertThat(s.has(MetadataLabel.YOLO)).isTrue();
    assertThat(s.startBuild()).containsExactly("bug", "yolo", "wilco-build:queued");
  }

  @Test
  void aTransitionReplacesOnlyThatStagesLabel() {
    PipelineState s =
        PipelineState.of(
            WILCO, List.of("wilco-build:queued", "build:running", "other-build:pass", "docs"));
    assertThat(s.with(Stage.BUILD, StageState.RUNNING))
        .containsExactly("build:running", "other-build:pass", "docs", "wilco-build:running");
  }

  @Test
  void aPassingBuildQueuesBothReviewsAFailingOneNeedsInput() {
    PipelineState s = PipelineState.of(WILCO, List.of("wilco-build:running"));
    assertThat(s.afterBuild(true))
        .containsExactly(
            "wilco-build:pass", "wilco-code-review:queued", "wilco-security-review:queued");
    assertThat(s.afterBuild(false)).containsExactly("wilco-build:fail", "wilco-needs-input");
  }

  @Test
  void stateIsReadFromLabelsOfThisNamespaceOnly() {
    PipelineState s =
        PipelineState.of(
            WILCO, List.of("build:running", "wilco-build:pass", "wilco-code-review:running"));
    assertThat(s.state(Stage.BUILD)).contains(StageState.PASS);
    assertThat(s.busy()).isTrue();
    assertThat(s.inPipeline()).isTrue();
    assertThat(PipelineState.of(WILCO, List.of("build:running")).inPipeline()).isFalse();
  }

  @Test
  void contradictionsAreReportedNotGuessed() {
    PipelineState s =
        PipelineState.of(
            LabelScheme.canonical(), List.of("build:running", "build:pass", "done", "needs-input"));
    assertThat(s.contradictions())
        .containsExactly("build has build:running and build:pass", "both done and needs-input");
  }

  @ParameterizedTest(name = "code={0} security={1} fixes={2} -> {3}")
  @CsvSource({
    "PASS,    PASS,    false, DONE",
    "PASS,    PASS,    true,  APPLIER",
    "FAIL,    PASS,    false, NEEDS_INPUT",
    "PASS,    FAIL,    true,  NEEDS_INPUT",
    "FAIL,    RUNNING, false, NEEDS_INPUT",
    "PASS,    RUNNING, false, WAIT",
    "QUEUED,  QUEUED,  false, WAIT",
    ",        PASS,    false, WAIT",
  })
  void theDecisionAfterBothReviewsHasNoLoops(
      StageState code, StageState security, boolean fixes, ReviewDecision expected) {
    assertThat(
            ReviewDecision.decide(Optional.ofNullable(code), Optional.ofNullable(security), fixes))
        .isEqualTo(expected);
  }

  @Test
  void theApplierEndsTheRun() {
    assertThat(ReviewDecision.afterApplier(true)).isEqualTo(Outcome.DONE);
    assertThat(ReviewDecision.afterApplier(false)).isEqualTo(Outcome.NEEDS_INPUT);
  }
}
