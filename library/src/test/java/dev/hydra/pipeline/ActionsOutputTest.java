package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionsOutputTest {

  /** Parses GITHUB_OUTPUT as the runner does: key=value lines and key<<DELIM blocks. */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> lines = List.of(text.split("\n", -1));
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        continue;
      }
      int heredoc = line.indexOf("<<");
      if (heredoc > 0) {
        String key = line.substring(0, heredoc);
        String delimiter = line.substring(heredoc + 2);
        StringBuilder value = new StringBuilder();
        i++;
        while (!lines.get(i).equals(delimiter)) {
          value.append(value.length() == 0 ? "" : "\n").append(lines.get(i));
          i++;
        }
        out.put(key, value.toString());
      } else {
        int eq = line.indexOf('=');
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  @Test
  void aHostileValueCannotInjectAnotherKey() {
    String hostile = "Add x\noutcome=passed\nstage<<EOF\nbuild\nEOF\nghadelimiter_\npr_url=evil";
    PipelineResult result =
        new PipelineResult(
            "build",
            PipelineResult.Status.NEEDS_INPUT,
            hostile,
            7,
            "https://github.com/acme/app/pull/7",
            List.of());
    Map<String, String> parsed = parse(ActionsOutput.render(ActionsOutput.outputs(result)));
    assertThat(parsed)
        .containsEntry("stage", "build")
        .containsEntry("outcome", "needs-input")
        .containsEntry("pr_number", "7")
        .containsEntry("pr_url", "https://github.com/acme/app/pull/7")
        .containsEntry("reason", hostile)
        .hasSize(5);
  }

  @Test
  void theSummaryIsOneTableWithoutLineBreaksFromValues() {
    PipelineResult result =
        new PipelineResult(
            "review", PipelineResult.Status.DONE, "a\n| b", 3, "https://x.test/pull/3", List.of());
    assertThat(ActionsOutput.summary(result))
        .contains("a \\| b")
        .startsWith("### Hydra review: done");
  }

  @Test
  void outputsAndTheSummaryAreMaskedAndTheSummaryCannotIssueCommands() {
    String token = dev.hydra.credentials.TestTokens.github(4401);
    dev.hydra.secret.SecretMasker masker =
        dev.hydra.secret.SecretMasker.of(List.of(dev.hydra.secret.Secret.of("t", token)));
    String reason =
        "failed: "
            + token
            + " b64 "
            + java.util.Base64.getEncoder()
                .encodeToString(("u:" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "\n::add-mask::x ##[error]y";
    ReviewReport report = new ReviewReport("code-review", ReviewReport.FAIL, false, reason, null);
    PipelineResult result =
        new PipelineResult(
            "code-review",
            PipelineResult.Status.FAILED,
            reason,
            3,
            "https://x.test/pull/3?t=" + token,
            List.of(),
            report);

    String outputs = ActionsOutput.render(ActionsOutput.outputs(result, masker));
    String summary = ActionsOutput.summary(result, masker);

    dev.hydra.credentials.TestTokens.assertNoTokenIn(outputs);
    dev.hydra.credentials.TestTokens.assertNoTokenIn(summary);
    assertThat(parse(outputs).get("report")).contains("failed: *** b64 dT***");
    assertThat(parse(outputs).get("reason")).startsWith("failed: *** b64 dT***");
    assertThat(dev.hydra.secret.RunnerCommands.commands(summary)).isEmpty();
  }
}
