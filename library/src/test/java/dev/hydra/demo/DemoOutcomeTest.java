package dev.hydra.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.label.Stage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outcomes' option values and what each tells the stages. */
class DemoOutcomeTest {

  @Test
  void everyOutcomeParsesFromItsIdAndTheChoicesNameThemAll() {
    for (DemoOutcome outcome : DemoOutcome.values()) {
      assertThat(DemoOutcome.fromId(outcome.id())).contains(outcome);
    }
    assertThat(DemoOutcome.fromId("retry")).contains(DemoOutcome.RETRY);
    assertThat(DemoOutcome.fromId("gate-fail")).contains(DemoOutcome.GATE_FAIL);
    assertThat(DemoOutcome.fromId("RETRY")).isEmpty();
    assertThat(DemoOutcome.choices()).isEqualTo("pass, review-fail, fixes, gate-fail or retry");
    assertThat(DemoOutcome.help())
        .contains("retry: the security review fails, the admin applies retry:queued");
  }

  @Test
  void theRetryFailsTheSecurityReviewAndOnlyTheGateFailDeclaresAGate() {
    assertThat(DemoOutcome.RETRY.passes(Stage.SECURITY_REVIEW)).isFalse();
    assertThat(DemoOutcome.RETRY.passes(Stage.CODE_REVIEW)).isTrue();
    assertThat(DemoOutcome.RETRY.passes(Stage.BUILD)).isTrue();
    assertThat(DemoOutcome.GATE_FAIL.passes(Stage.SECURITY_REVIEW)).isTrue();
    assertThat(DemoOutcome.GATE_FAIL.declaresGates()).isTrue();
    assertThat(DemoOutcome.RETRY.declaresGates()).isFalse();
    assertThat(DemoOutcome.PASS.declaresGates()).isFalse();
  }

  @Test
  void theContainersOfAGateFailStartWithARedBuilderAndOfARetryWithAFailingSecurityReview() {
    Map<String, Map<String, String>> gate = DemoOutcome.GATE_FAIL.containerEnv("slug");
    assertThat(gate.get("build"))
        .containsEntry("DEMO_GATE", "red")
        .containsEntry("DEMO_SLUG", "slug");
    assertThat(gate.get("security-review")).doesNotContainKey("DEMO_GATE");
    assertThat(DemoOutcome.PASS.containerEnv("slug").get("build")).doesNotContainKey("DEMO_GATE");
    Map<String, Map<String, String>> retry = DemoOutcome.RETRY.containerEnv("slug");
    assertThat(retry.get("security-review")).containsEntry("DEMO_OUTCOME", "fail");
    assertThat(retry.get("code-review")).containsEntry("DEMO_OUTCOME", "pass");
    assertThat(retry.get("build")).containsEntry("DEMO_OUTCOME", "pass");
  }

  @Test
  void theNextLineSuggestsAnotherOutcomeForEach() {
    assertThat(Demo.next(DemoOutcome.PASS))
        .startsWith("Next: bin/hydra demo --outcome review-fail;");
    assertThat(Demo.next(DemoOutcome.REVIEW_FAIL))
        .startsWith("Next: bin/hydra demo --outcome retry;");
    assertThat(Demo.next(DemoOutcome.RETRY))
        .startsWith("Next: bin/hydra demo --outcome gate-fail;");
    assertThat(Demo.next(DemoOutcome.GATE_FAIL))
        .startsWith("Next: bin/hydra demo --outcome fixes;");
    assertThat(Demo.next(DemoOutcome.FIXES))
        .startsWith("Next: bin/hydra demo --outcome review-fail;");
  }
}
