package dev.hydra.pipeline;

import dev.hydra.gate.GateResult;
import dev.hydra.gate.GateTable;
import dev.hydra.text.Texts;
import java.util.List;
import java.util.Locale;

/**
 * One gate's result in a {@link RunRecord}: which run of the gates, the gate, PASS / FAIL / SKIPPED
 * and its time (issue 13). Names and reasons are untrusted and escaped ({@link Texts}).
 *
 * @param run {@code build-1}, {@code build-2} … (the builder's passes) or {@code recheck} (the PR's
 *     final head)
 * @param name the gate
 * @param status {@code PASS}, {@code FAIL} or {@code SKIPPED}
 * @param seconds how long it ran
 * @param reason why it failed or was skipped; empty when it passed
 */
public record GateRecord(String run, String name, String status, double seconds, String reason) {

  /** The records of one run of the gates. */
  public static List<GateRecord> of(String run, GateTable table) {
    return table.results().stream().map(r -> of(run, r)).toList();
  }

  /**
   * The records as one Markdown table, for the job summary: {@code | Run | Gate | Result | Time |
   * Detail |}; empty when there are none.
   */
  public static String markdown(List<GateRecord> records) {
    if (records.isEmpty()) {
      return "";
    }
    StringBuilder s =
        new StringBuilder("| Run | Gate | Result | Time | Detail |\n|---|---|---|---|---|\n");
    for (GateRecord r : records) {
      s.append("| ")
          .append(cell(r.run()))
          .append(" | ")
          .append(cell(r.name()))
          .append(" | ")
          .append(r.status())
          .append(String.format(Locale.ROOT, " | %.1f s | ", r.seconds()))
          .append(cell(r.reason()))
          .append(" |\n");
    }
    return s.toString();
  }

  private static String cell(String text) {
    return Texts.oneLine(text).replace("|", "\\|");
  }

  private static GateRecord of(String run, GateResult r) {
    return new GateRecord(
        run,
        Texts.escape(r.name(), 200),
        r.status().name(),
        r.time().toMillis() / 1000.0,
        Texts.escape(r.reason(), 400));
  }
}
