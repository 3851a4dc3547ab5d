package dev.hydra.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every gate's result, in the order declared: a Markdown table for the progress comment and the job
 * summary, JSON for the run record and the verdict. Names, reasons and reports are untrusted and
 * pass through {@link Texts} in both.
 *
 * @param results the results; a runner gate contributes one per check
 * @param note one line about the gate file ({@link GateFile#note})
 */
public record GateTable(List<GateResult> results, String note) {

  /** Longest reason shown in the Markdown table. */
  public static final int MAX_REASON = 160;

  /** Copies the list. */
  public GateTable {
    results = List.copyOf(results);
  }

  /**
   * A plain gate's result from its container's end (pure): exit 0 passes; anything else, a timeout
   * included, fails with the reason.
   */
  public static GateResult plain(
      Gate gate, int exitCode, boolean timedOut, Duration time, String report) {
    if (timedOut) {
      return new GateResult(
          gate.name(),
          GateStatus.FAIL,
          time,
          "timed out after " + time.toSeconds() + " s (limit " + gate.timeout().toSeconds() + " s)",
          report);
    }
    if (exitCode == 0) {
      return new GateResult(gate.name(), GateStatus.PASS, time, "", report);
    }
    return new GateResult(gate.name(), GateStatus.FAIL, time, "exit code " + exitCode, report);
  }

  /**
   * The table of gates that could not run at all: one FAIL named {@code what} (the gate file's path
   * when it is invalid), with the reason. Never an empty, passing table.
   */
  public static GateTable notRun(String what, String reason) {
    return new GateTable(
        List.of(new GateResult(what, GateStatus.FAIL, Duration.ZERO, reason, "")),
        "the gates could not run");
  }

  /** Whether no gate failed (true when there are none). */
  public boolean passed() {
    return results.stream().noneMatch(GateResult::failed);
  }

  /** The failed results. */
  public List<GateResult> failures() {
    return results.stream().filter(GateResult::failed).toList();
  }

  /** The table in GitHub-flavoured Markdown; the note alone when there are no results. */
  public String markdown() {
    if (results.isEmpty()) {
      return "_" + cell(note) + "_\n";
    }
    StringBuilder out = new StringBuilder("| Gate | Result | Time | Detail |\n|---|---|---|---|\n");
    for (GateResult r : results) {
      out.append("| ")
          .append(cell(Texts.quote(r.name())))
          .append(" | ")
          .append(mark(r.status()))
          .append(' ')
          .append(r.status().name())
          .append(" | ")
          .append(seconds(r.time()))
          .append(" s | ")
          .append(cell(Texts.escape(r.reason(), MAX_REASON)))
          .append(" |\n");
    }
    return out.toString();
  }

  /**
   * The table as one JSON object: {@code {"passed", "note", "gates": [{"name", "status", "seconds",
   * "reason", "report"}]}}, every text escaped by {@link Texts#escape} (the report keeps its line
   * breaks).
   */
  public String json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("passed", passed());
    root.put("note", Texts.escape(note, 400));
    List<Map<String, Object>> gates = new ArrayList<>();
    for (GateResult r : results) {
      Map<String, Object> gate = new LinkedHashMap<>();
      gate.put("name", Texts.escape(r.name(), 200));
      gate.put("status", r.status().name());
      gate.put("seconds", r.time().toMillis() / 1000.0);
      gate.put("reason", Texts.escape(r.reason(), 400));
      gate.put(
          "report",
          String.join(
              "\n",
              r.report().lines().map(l -> Texts.escape(l, GateOutput.MAX_LINE + 8)).toList()));
      gates.add(gate);
    }
    root.put("gates", gates);
    try {
      return Json.mapper().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings always serialise", e);
    }
  }

  private static String mark(GateStatus status) {
    return switch (status) {
      case PASS -> "✅";
      case FAIL -> "❌";
      case SKIPPED -> "➖";
    };
  }

  private static String seconds(Duration time) {
    return String.format(Locale.ROOT, "%.1f", time.toMillis() / 1000.0);
  }

  /** A table cell: one line (already escaped), its pipes escaped so it stays one cell. */
  private static String cell(String text) {
    return Texts.oneLine(text).replace("|", "\\|");
  }
}
