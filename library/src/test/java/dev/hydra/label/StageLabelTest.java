package dev.hydra.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class StageLabelTest {

  @Nested
  class Parse {

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1} {2}")
    @CsvSource({
      "build:queued,            BUILD,           QUEUED",
      "build:running,           BUILD,           RUNNING",
      "build:pass,              BUILD,           PASS",
      "build:fail,              BUILD,           FAIL",
      "code-review:queued,      CODE_REVIEW,     QUEUED",
      "code-review:pass,        CODE_REVIEW,     PASS",
      "security-review:running, SECURITY_REVIEW, RUNNING",
      "security-review:fail,    SECURITY_REVIEW, FAIL",
      "applier:queued,          APPLIER,         QUEUED",
      "applier:pass,            APPLIER,         PASS",
      "retry:queued,            RETRY,           QUEUED",
      "retry:running,           RETRY,           RUNNING",
      "rebuild:queued,          REBUILD,         QUEUED"
    })
    void valid(String text, Stage stage, StageState state) {
      StageLabel label = StageLabel.parse(text);

      assertThat(label.stage()).isEqualTo(stage);
      assertThat(label.state()).isEqualTo(state);
      assertThat(label.baseName()).isEqualTo(text);
      assertThat(label).hasToString(text);
      assertThat(StageLabel.tryParse(text)).contains(label);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is not a stage label")
    @ValueSource(
        strings = {
          "",
          ":",
          "build",
          "build:",
          ":queued",
          "queued",
          "rebuild:pass",
          "rebuild:running",
          "rebuild:fail",
          "build:queued:x",
          "build::queued",
          "Build:queued",
          "build:Queued",
          "BUILD:QUEUED",
          "build :queued",
          "build: queued",
          "build:queued ",
          " build:queued",
          "build:queued\n",
          "build-queued",
          "build;queued",
          "build：queued",
          "bui\u0456ld:queued",
          "review:pass",
          "code_review:pass",
          "build:passed",
          "build:done",
          "done",
          "needs-input",
          "ready-to-build",
          "wilco-build:queued"
        })
    void invalid(String text) {
      assertThat(StageLabel.tryParse(text)).isEmpty();
      assertThatIllegalArgumentException()
          .isThrownBy(() -> StageLabel.parse(text))
          .withMessageStartingWith("not a stage label: `")
          .withMessageEndingWith("(expected <stage>:<state>)")
          .satisfies(e -> LabelSchemeTest.assertSingleLine(e.getMessage()));
    }
  }

  @Nested
  class Construction {

    @Test
    void retryPassesOrFailsAndTheFinishedStateMarksTheRoundAsRetried() {
      // issue 13: retry:pass / retry:fail stay on the issue so a second retry:queued in the same
      // round is refused; a rebuild clears them.
      assertThat(Stage.RETRY.states()).containsExactly(StageState.values());
      assertThat(StageLabel.parse("retry:pass"))
          .isEqualTo(StageLabel.of(Stage.RETRY, StageState.PASS));
      assertThat(StageLabel.parse("retry:fail"))
          .isEqualTo(StageLabel.of(Stage.RETRY, StageState.FAIL));
    }

    @Test
    void rebuildIsOnlyEverQueued() {
      assertThat(Stage.REBUILD.states()).containsExactly(StageState.QUEUED);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> StageLabel.of(Stage.REBUILD, StageState.RUNNING));
    }

    @ParameterizedTest
    @EnumSource(
        value = Stage.class,
        names = {"BUILD", "CODE_REVIEW", "SECURITY_REVIEW", "APPLIER"})
    void workingStagesHaveAllFourStates(Stage stage) {
      assertThat(stage.states()).containsExactlyInAnyOrder(StageState.values());
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void everyAllowedLabelRoundTrips(Stage stage) {
      for (StageState state : stage.states()) {
        StageLabel label = StageLabel.of(stage, state);
        assertThat(StageLabel.parse(label.baseName())).isEqualTo(label);
      }
    }

    @Test
    void finishedStates() {
      assertThat(StageState.PASS.finished()).isTrue();
      assertThat(StageState.FAIL.finished()).isTrue();
      assertThat(StageState.QUEUED.finished()).isFalse();
      assertThat(StageState.RUNNING.finished()).isFalse();
    }
  }
}
