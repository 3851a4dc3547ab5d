package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorReporterTest {

  final StringWriter err = new StringWriter();

  int report(Map<String, String> env, Exception ex) {
    return new ErrorReporter(env, new PrintWriter(err), false).report("hydra run", ex);
  }

  @Test
  void anInterruptIsNotABugAndSaysHowTheStageIsRecovered() {
    assertThat(report(Map.of(), new InterruptedException("sleep interrupted"))).isEqualTo(130);
    assertThat(err.toString())
        .startsWith("hydra run: error: interrupted;")
        .contains("hydra reconcile --issue N")
        .doesNotContain("internal error");
  }

  @Test
  void anUnexpectedExceptionIsAnInternalErrorWithOneLineAndAnAnnotationInActions() {
    assertThat(report(Map.of("GITHUB_ACTIONS", "true"), new IllegalStateException("a\nb")))
        .isEqualTo(70);
    assertThat(err.toString())
        .contains("internal error: java.lang.IllegalStateException")
        .contains("::error title=hydra::hydra run: error: internal error")
        .contains("a%0Ab");
  }

  @Test
  void aMessageQuotingUntrustedTextCannotIssueAWorkflowCommand() {
    report(
        Map.of("GITHUB_ACTIONS", "true"),
        new dev.hydra.forge.ForgeException(
            "GitHub answered 500 (`x`)\n::add-mask::leaked\r  ::stop-commands::t ##[set-output"
                + " name=stage;]pass",
            500,
            null));
    String out = err.toString();
    assertThat(dev.hydra.secret.RunnerCommands.commands(out))
        .as("only Hydra's own annotation, as each runner sees it")
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).contains(": ::error title=hydra::hydra run: error:"));
    assertThat(out).contains("\\::add-mask::leaked", "##\\[set-output");
  }
}
