package dev.hydra.gate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original Hydra's gate-runner contract, read gate by gate (pure): stdout lines {@code [gate-N]
 * <name>: PASS}, {@code FAIL — <reasons>}, {@code SKIPPED (…)} or {@code NOT APPLICABLE}, and the
 * exit code = the number of failing gates (99: could not run). Never a silent pass: no line, a
 * count that disagrees with the exit code, or a timeout is a failure of the runner gate itself.
 */
public final class RunnerContract {

  /** The runner's exit code for "could not run" (bad base ref, not a git repository …). */
  public static final int COULD_NOT_RUN = 99;

  private static final Pattern LINE =
      Pattern.compile(
          "\\[gate-([0-9]{1,4})\\]\\s+([^:]{1,120}?):\\s+(PASS|FAIL|SKIPPED|NOT APPLICABLE)\\b(.*)");

  private RunnerContract() {}

  static boolean isContractLine(String line) {
    return LINE.matcher(line.strip()).matches();
  }

  /**
   * The runner gate's checks.
   *
   * @param gate the declared runner gate
   * @param exitCode its container's exit code
   * @param timedOut whether it was killed at its deadline
   * @param time how long it ran
   * @param lines its {@code [gate-N]} lines ({@link GateOutput#contractLines})
   * @param report its output's tail
   * @return one result per reported check (a number reported twice: the worse status), plus a
   *     failure of the runner gate itself when its result cannot be trusted
   */
  public static List<GateResult> read(
      Gate gate, int exitCode, boolean timedOut, Duration time, List<String> lines, String report) {
    Map<String, GateResult> checks = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      GateStatus status =
          switch (m.group(3)) {
            case "PASS" -> GateStatus.PASS;
            case "FAIL" -> GateStatus.FAIL;
            default -> GateStatus.SKIPPED;
          };
      String reason =
          status == GateStatus.PASS
              ? ""
              : m.group(3).equals("NOT APPLICABLE") ? "not applicable" : detail(m.group(4));
      String name = gate.name() + "/gate-" + m.group(1) + " " + m.group(2).strip();
      GateResult result = new GateResult(name, status, time, reason, report);
      checks.merge("gate-" + m.group(1), result, (a, b) -> b.failed() ? b : a);
    }
    List<GateResult> results = new ArrayList<>(checks.values());
    long failing = results.stream().filter(GateResult::failed).count();
    String distrust = distrust(gate, exitCode, timedOut, time, results.isEmpty(), failing);
    if (!distrust.isEmpty()) {
      results.add(new GateResult(gate.name(), GateStatus.FAIL, time, distrust, report));
    }
    return results;
  }

  private static String distrust(
      Gate gate, int exitCode, boolean timedOut, Duration time, boolean none, long failing) {
    if (timedOut) {
      return "timed out after "
          + time.toSeconds()
          + " s (limit "
          + gate.timeout().toSeconds()
          + " s)";
    }
    if (exitCode == COULD_NOT_RUN) {
      return "the gate runner could not run (exit code 99)";
    }
    if (none) {
      return "the gate runner printed no [gate-N] line (exit code " + exitCode + ")";
    }
    if (exitCode != failing) {
      return "exit code "
          + exitCode
          + " but "
          + failing
          + " check(s) reported FAIL: the runner's result cannot be trusted";
    }
    return "";
  }

  /** A FAIL's or SKIPPED's detail without its separator: {@code — x}, {@code - x}, {@code (x)}. */
  private static String detail(String rest) {
    String s = rest.strip();
    s = s.replaceFirst("^(—|–|-|:)\\s*", "");
    if (s.startsWith("(") && s.endsWith(")")) {
      s = s.substring(1, s.length() - 1);
    }
    return s.strip();
  }
}
