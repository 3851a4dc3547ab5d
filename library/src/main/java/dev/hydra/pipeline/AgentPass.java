package dev.hydra.pipeline;

import dev.hydra.gateway.TokenUsage;
import dev.hydra.stage.StageResult;
import java.util.List;
import java.util.Locale;

/**
 * What one agent pass of a stage used (issue 13): the build's first pass and each gate fix pass,
 * the retry's pass and its fix passes, or a review's one pass. A {@link RunRecord} carries every
 * pass, and its totals are their sums, so a build with fix passes is not recorded at its last
 * pass's cost.
 *
 * @param pass {@code build-1}, {@code build-2} …, {@code retry-1} …, or the stage of a one-pass
 *     stage
 * @param inputTokens {@code input_tokens} of every answer the model gateway forwarded
 * @param outputTokens {@code output_tokens}
 * @param cacheCreationTokens {@code cache_creation_input_tokens}
 * @param cacheReadTokens {@code cache_read_input_tokens}
 * @param turns agent turns
 * @param costUsd cost in US dollars, 0 when the agent reported none
 * @param durationMillis the container's wall-clock time
 * @param outcome how the pass ended ({@code passed}, {@code failed}, …)
 */
public record AgentPass(
    String pass,
    long inputTokens,
    long outputTokens,
    long cacheCreationTokens,
    long cacheReadTokens,
    int turns,
    double costUsd,
    long durationMillis,
    String outcome) {

  /** The usage of one pass's result. */
  public static AgentPass of(String pass, StageResult result) {
    TokenUsage tokens = result.usage().tokens();
    return new AgentPass(
        pass,
        tokens.input(),
        tokens.output(),
        tokens.cacheCreation(),
        tokens.cacheRead(),
        result.turns(),
        result.costUsd(),
        result.duration().toMillis(),
        result.status().id());
  }

  /** Every token the pass counted. */
  public long tokens() {
    return inputTokens + outputTokens + cacheCreationTokens + cacheReadTokens;
  }

  /**
   * The passes of the records, one Markdown table for the job summary: {@code | Stage | Pass |
   * Input | Output | Cache | Turns | Cost | Duration | Outcome |}; empty when no record had more
   * than one pass (the stage rows say it all then).
   */
  static String markdown(List<RunRecord> records) {
    if (records.stream().allMatch(r -> r.passes().size() < 2)) {
      return "";
    }
    StringBuilder s =
        new StringBuilder(
            "| Stage | Pass | Input | Output | Cache (write/read) | Turns | Cost | Duration |"
                + " Outcome |\n|---|---|---|---|---|---|---|---|---|\n");
    for (RunRecord r : records) {
      for (AgentPass p : r.passes()) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %d | %d / %d | %d | $%.2f | %.1f s | %s |\n",
                r.stage(),
                p.pass().replace("|", ""),
                p.inputTokens(),
                p.outputTokens(),
                p.cacheCreationTokens(),
                p.cacheReadTokens(),
                p.turns(),
                p.costUsd(),
                p.durationMillis() / 1000.0,
                p.outcome().replace("|", "")));
      }
    }
    return s.toString();
  }
}
