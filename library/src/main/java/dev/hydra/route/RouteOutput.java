package dev.hydra.route;

import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link RouteDecision} for machines ({@code hydra route}) and for people ({@code hydra
 * explain}).
 */
public final class RouteOutput {

  /** Version of the JSON contract; bumped only on incompatible changes. */
  public static final int SCHEMA = 1;

  private RouteOutput() {}

  /**
   * The machine contract: one compact JSON object on one line. Keys {@code decision}, {@code
   * stage}, {@code forge}, {@code repository}, {@code issue}, {@code pull_request}, {@code
   * trigger_label} and {@code reason} are always present (null where they do not apply); the others
   * are additions for people and tools. Control, line-breaking, bidi, zero-width and other
   * invisible characters from untrusted input are written as JSON escapes ({@code \\u202E}), so the
   * line can never be split or reordered on screen, and the {@code [} of a {@code ##[} (the
   * runner's older workflow-command syntax, acted on anywhere in a line) as {@code \\u005B}. The
   * line is valid JSON and parses back to the original strings.
   */
  public static String json(RouteDecision d) {
    Map<String, @Nullable Object> node = new LinkedHashMap<>();
    node.put("decision", d.decision().id());
    node.put("stage", d.workflow() == null ? null : d.workflow().id());
    node.put("forge", d.forge().type().id());
    node.put("repository", d.repository().fullName());
    node.put("issue", d.issue());
    node.put("pull_request", d.pullRequest());
    node.put("trigger_label", d.triggerLabel());
    node.put("reason", d.reason());
    node.put("fix", d.fix());
    node.put("event", d.event());
    node.put("label", d.label());
    node.put("sender", d.sender().isEmpty() ? null : d.sender());
    node.put("seen", d.seen());
    node.put("forge_source", d.forge().source());
    node.put("schema", SCHEMA);
    try {
      // The JSON line starts with '{', so only `##[` can make it a workflow command; a '#' never
      // occurs outside a string, and within one the JSON escape of it reads back as '['.
      return Json.lite().asString(node).replace("##[", "##\\u005B");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same decision for a person: what was seen, what was expected, why, and what to change. */
  public static String explain(RouteDecision d) {
    StringBuilder out = new StringBuilder();
    line(
        out,
        "Event",
        d.event()
            + " in "
            + d.repository().fullName()
            + " on "
            + d.forge().type().id()
            + " (forge from "
            + d.forge().source()
            + ")");
    line(out, "Seen", d.seen());
    line(out, "Trigger", "`" + d.triggerLabel() + "`");
    if (d.runs()) {
      Workflow workflow = d.runningWorkflow().orElseThrow();
      line(out, "Decision", "run " + workflow.id() + target(d));
      line(out, "Why", d.reason());
      line(out, "Next", next(workflow, d));
    } else {
      line(out, "Decision", "skip" + target(d));
      line(out, "Why", d.reason());
      line(out, "Fix", d.suggestedFix().orElse("nothing to change: this event is not for Hydra"));
    }
    return out.toString();
  }

  private static String target(RouteDecision d) {
    if (d.pullRequest() != null && d.issue() != null) {
      return " for PR #" + d.pullRequest() + " (issue #" + d.issue() + ")";
    }
    if (d.pullRequest() != null) {
      return " for PR #" + d.pullRequest();
    }
    if (d.issue() != null) {
      return " for issue #" + d.issue();
    }
    return "";
  }

  private static String next(Workflow workflow, RouteDecision d) {
    return switch (workflow) {
      case BUILD ->
          "the Builder implements issue #"
              + d.issue()
              + " on branch hydra/"
              + d.issue()
              + "-<slug> and opens a draft PR";
      case REVIEW ->
          "the code and security reviewers review PR #"
              + d.pullRequest()
              + " in parallel; then the decision (done, applier or needs-input)";
      case IMAGE -> "the persona images are built, tagged and pushed; their digests are reported";
    };
  }

  // Everything shown has already been escaped where it came from untrusted input (Texts.quote);
  // a final pass guarantees one line per field, no hidden or reordering character and no workflow
  // command whatever a future caller passes in.
  private static void line(StringBuilder out, String key, String value) {
    StringBuilder label = new StringBuilder(key).append(':');
    while (label.length() < 10) {
      label.append(' ');
    }
    out.append(label).append(Texts.oneLine(value)).append(System.lineSeparator());
  }
}
