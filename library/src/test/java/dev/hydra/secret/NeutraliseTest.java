package dev.hydra.secret;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NeutraliseTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::add-mask::harmless",
        "::stop-commands::attacker",
        "::error file=src/A.java,line=3::owned",
        "::set-output name=x::y",
        "  ::warning::leading spaces",
        "\t::notice::leading tab",
        "\u00A0::debug::no-break space",
        "\u3000::group::ideographic space",
        "\u2028::endgroup::line separator",
        "\u0085::add-mask::next line",
        "\u000B\f::add-mask::vertical tab and form feed",
        "##[set-output name=x;]y",
        "##[add-mask]harmless",
        "text before ##[error]mid-line",
        "summary: all good ##[warning]x ##[group]y",
        "###[add-mask]three hashes",
        "##[##[add-mask]]nested",
        "fine\r::add-mask::after a CR",
        "fine\r\n::add-mask::after CRLF",
        "first line\n  ::add-mask::second line",
        "a\n##[add-mask]b\r##[error]c",
        "::a::",
      })
  void noRunnerActsOnANeutralisedLine(String line) {
    assertThat(RunnerCommands.commands(line)).as("the runner model sees a command").isNotEmpty();
    String safe = WorkflowCommands.neutralise(line);
    assertThat(RunnerCommands.commands(safe)).isEmpty();
    assertThat(safe.replace("\\::", "::").replace("##\\[", "##[")).isEqualTo(line);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain text",
        "std::vector<int> and Foo::bar() mid-line",
        "a :: b",
        "## [heading link](x)",
        "#[not a command]",
        "\uFF1A\uFF1Aadd-mask\uFF1A\uFF1Afull-width colons",
        ":\u200B:add-mask::zero-width space between",
        "x ::add-mask:: not at the start",
      })
  void textThatIsNoCommandIsLeftAsItIs(String line) {
    assertThat(RunnerCommands.commands(line)).isEmpty();
    assertThat(WorkflowCommands.neutralise(line)).isSameAs(line);
  }

  @Test
  void theRewriteIsAVisibleBackslash() {
    assertThat(WorkflowCommands.neutralise("  ::add-mask::x")).isEqualTo("  \\::add-mask::x");
    assertThat(WorkflowCommands.neutralise("see ##[error]x")).isEqualTo("see ##\\[error]x");
    assertThat(WorkflowCommands.neutralise("a\r::b::c")).isEqualTo("a\r\\::b::c");
  }

  @Test
  void neutralisingTwiceChangesNothingMore() {
    String once = WorkflowCommands.neutralise("::a::b\n##[c]d");
    assertThat(WorkflowCommands.neutralise(once)).isEqualTo(once);
  }
}
