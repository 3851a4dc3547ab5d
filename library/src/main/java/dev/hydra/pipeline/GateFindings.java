package dev.hydra.pipeline;

import dev.hydra.gate.GateResult;
import dev.hydra.gate.GateTable;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Red gates as a retry's findings (issue 13 item 4; pure): each file a red gate's output names
 * becomes one finding on that file, with the output line that names it; a red gate whose output
 * names no file becomes one finding without a file, its reason and the last lines of its output.
 * The rule is {@value #RULE}{@code <gate>}, so the runner knows which findings came from gates.
 *
 * <p>A file is a relative path with an extension ({@code src/App.java}, {@code pom.xml}, with an
 * optional {@code :line}); anything absolute, with {@code ..}, or that a finding refuses is left
 * out. A name in the output that is no file of the repository costs nothing: the scope only keeps
 * existing files from changing, and new files are allowed anyway.
 */
final class GateFindings {

  /** The prefix of a gate finding's rule. */
  static final String RULE = "gate:";

  /** Files kept per red gate. */
  static final int MAX_FILES = 10;

  private static final Pattern PATH =
      Pattern.compile(
          "(?<![\\w./@-])((?:[\\w-][\\w.-]*/)*[\\w-][\\w-]*(?:\\.[\\w-]+)*\\.[A-Za-z][A-Za-z0-9]{0,9})"
              + "(?::(\\d{1,7}))?(?![\\w/])");

  private GateFindings() {}

  /** The findings of the table's red gates; empty when every gate passed. */
  static List<Finding> of(GateTable table) {
    List<Finding> findings = new ArrayList<>();
    for (GateResult red : table.failures()) {
      String rule = RULE + Texts.oneLine(red.name());
      Map<String, Finding> named = new LinkedHashMap<>();
      for (String line : (red.reason() + "\n" + red.report()).split("\n", -1)) {
        Matcher m = PATH.matcher(line);
        while (m.find() && named.size() < MAX_FILES) {
          String file = m.group(1);
          if (!looksLikeFile(file) || named.containsKey(file)) {
            continue;
          }
          int at = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
          try {
            named.put(
                file, new Finding(Severity.CRITICAL, file, at, rule, "red gate: " + line.strip()));
          } catch (IllegalArgumentException e) {
            // not a path a finding may name
          }
        }
      }
      if (named.isEmpty()) {
        findings.add(new Finding(Severity.CRITICAL, "", 0, rule, unplaced(red)));
      }
      findings.addAll(named.values());
    }
    return findings;
  }

  /**
   * A dotted name without a folder is a file only with one dot ({@code pom.xml}), not a class or a
   * host name ({@code org.junit.Assert}, {@code repo.maven.apache.org}).
   */
  private static boolean looksLikeFile(String name) {
    return name.contains("/") || name.indexOf('.') == name.lastIndexOf('.');
  }

  /** A red gate that names no file: its reason and the end of its output. */
  private static String unplaced(GateResult red) {
    String report = red.report().strip();
    String tail =
        report.length() > RetryScope.MAX_MESSAGE / 2
            ? "…" + report.substring(report.length() - RetryScope.MAX_MESSAGE / 2)
            : report;
    return "red gate: " + red.reason() + (tail.isEmpty() ? "" : "; output ends: " + tail);
  }
}
