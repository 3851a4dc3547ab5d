package dev.hydra.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.model.scripted.Script;
import dev.hydra.model.scripted.ToolCall;
import dev.hydra.model.scripted.ToolResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code hydra demo --agent}: the choices, their defaults and refusals, the scripts. Pure. */
class DemoAgentTest {

  @Test
  void theDefaultsMatchWhatANewcomerBuilds() {
    assertThat(DemoAgent.fromId("demo")).hasValue(DemoAgent.DEMO);
    assertThat(DemoAgent.fromId("real")).hasValue(DemoAgent.REAL);
    assertThat(DemoAgent.fromId("Real")).isEmpty();
    assertThat(DemoAgent.DEMO.defaultPrefix()).isEqualTo("hydra-demo");
    assertThat(DemoAgent.DEMO.defaultTag()).isEqualTo("local");
    // `bin/hydra image build --prefix localhost/hydra` tags :latest without a forge's environment.
    assertThat(DemoAgent.REAL.defaultPrefix()).isEqualTo("localhost/hydra");
    assertThat(DemoAgent.REAL.defaultTag()).isEqualTo("latest");
  }

  @Test
  void theRealAgentPlaysPassOnlyAndAlwaysInContainers() {
    assertThat(DemoAgent.REAL.refusal(DemoOutcome.PASS, false)).isEmpty();
    assertThat(DemoAgent.REAL.refusal(DemoOutcome.REVIEW_FAIL, false))
        .hasValueSatisfying(why -> assertThat(why).contains("--outcome pass", "review-fail"));
    assertThat(DemoAgent.REAL.refusal(DemoOutcome.PASS, true))
        .hasValueSatisfying(why -> assertThat(why).contains("--scripted"));
    for (DemoOutcome outcome : DemoOutcome.values()) {
      assertThat(DemoAgent.DEMO.refusal(outcome, true)).isEmpty();
      assertThat(DemoAgent.DEMO.refusal(outcome, false)).isEmpty();
    }
    assertThatThrownBy(
            () ->
                new Demo.Options(
                    null,
                    Path.of("images"),
                    "docker",
                    DemoAgent.REAL_PREFIX,
                    "latest",
                    DemoAgent.REAL,
                    DemoOutcome.FIXES,
                    false,
                    Demo.NETWORK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--outcome pass");
  }

  @Test
  void eachPersonaHasItsScriptAndTheBuilderEditsTheReadmeTheDemoRepositoryHas() {
    Map<String, Script> scripts = DemoScripts.forIssue(1, "hydra/1-add-a-health-endpoint");
    assertThat(scripts).containsOnlyKeys("builder", "reviewer", "security", "applier");
    Script builder = java.util.Objects.requireNonNull(scripts.get("builder"));
    assertThat(builder.turns()).isEqualTo(6);
    String calls = builder.steps().toString();
    assertThat(calls)
        .contains("/input/issue.md", "/workspace/repo/README.md", DemoRepository.README_LINE);
    assertThat(DemoScripts.CHANGE.newText()).startsWith(DemoRepository.README_LINE);
    assertThat(java.util.Objects.requireNonNull(scripts.get("reviewer")).steps().toString())
        .contains("/input/pull-request.diff");
  }

  @Test
  void theToolLinesShowEachCallWithTheFirstLineOfItsResultEscapedAndCut() {
    ToolResult read =
        new ToolResult(
            0,
            ToolCall.read("/input/issue.md"),
            "1\t# Issue #1 `x`\u001b[31m\n2\tsecond line",
            false);
    ToolResult denied =
        new ToolResult(1, ToolCall.bash("env"), "Permission denied " + "x".repeat(400), true);
    List<String> lines = Demo.toolLines(List.of(read, denied), "builder");
    assertThat(lines.get(0))
        .isEqualTo(
            "  model | builder Read {\"file_path\":\"/input/issue.md\"} → 1 # Issue #1 `x`\\u001B[31m");
    assertThat(lines.get(1))
        .startsWith("  model | builder Bash {\"command\":\"env\"")
        .contains("} → ERROR: Permission denied")
        .endsWith("more)");
  }

  @Test
  void theRealChoiceSaysWhatIsReal() {
    DemoChoice choice = DemoChoice.real("localhost/hydra", "latest");
    assertThat(choice.containers()).isTrue();
    assertThat(choice.lines())
        .singleElement()
        .asString()
        .contains(
            "real persona images (localhost/hydra-{builder,reviewer,security,applier}:latest)",
            "real Claude Code CLI, scripted model on loopback");
  }
}
