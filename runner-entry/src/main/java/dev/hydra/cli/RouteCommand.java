package dev.hydra.cli;

import dev.hydra.route.RouteDecision;
import dev.hydra.route.RouteOutput;
import dev.hydra.route.Router;
import java.util.function.Function;
import org.apache.commons.cli.Options;

/**
 * {@code hydra route} and {@code hydra explain}: the decision for one event, as one JSON object for
 * the workflows or written for a person.
 */
final class RouteCommand implements CliCommand {

  private final String name;
  private final String summary;
  private final String description;
  private final Function<RouteDecision, String> render;
  private final boolean jobSummary;

  private RouteCommand(
      String name,
      String summary,
      String description,
      Function<RouteDecision, String> render,
      boolean jobSummary) {
    this.name = name;
    this.summary = summary;
    this.description = description;
    this.render = render;
    this.jobSummary = jobSummary;
  }

  /** {@code hydra route}: the machine-readable decision. */
  static RouteCommand route() {
    return new RouteCommand(
        "route",
        "Decide whether a stage runs for an event; one JSON object on stdout.",
        "Decide whether a stage runs for an event, and print the decision as one JSON object"
            + " on stdout with the keys decision (run|skip), stage (build|review|image|null),"
            + " forge, repository, issue, pull_request, trigger_label and reason, plus fix,"
            + " event, label, sender, seen, forge_source and schema. Exits 0 for any decision.",
        decision -> RouteOutput.json(decision) + System.lineSeparator(),
        false);
  }

  /** {@code hydra explain}: the same decision, written for a person. */
  static RouteCommand explain() {
    return new RouteCommand(
        "explain",
        "Explain what Hydra does for an event and why (try: hydra explain --example).",
        "Explain what Hydra does for an event: what it saw, what it expected, the decision,"
            + " and what to change when it skips; in Actions also in the job summary"
            + " ($GITHUB_STEP_SUMMARY), which is how the workflows' near-miss job makes a"
            + " mistyped trigger label visible. Try it without a forge: hydra explain --example",
        RouteOutput::explain,
        true);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Options options() {
    return EventOptions.options();
  }

  @Override
  public int run(Invocation in) throws Exception {
    EventOptions.Loaded loaded = EventOptions.load(in);
    RouteDecision decision =
        Router.route(loaded.event(), loaded.settings().labels(), loaded.settings().forge());
    String text = render.apply(decision);
    in.out().print(text);
    if (jobSummary) {
      RunCommand.append(in.env().getOrDefault("GITHUB_STEP_SUMMARY", ""), summary(text));
    }
    return ExitCodes.OK;
  }

  /**
   * The explanation as a job summary section: a heading, then the text as an indented code block,
   * line by line, so no label text can turn into Markdown (it is escaped by {@code Texts} already).
   */
  static String summary(String explanation) {
    StringBuilder out = new StringBuilder("### Hydra: what this label event does\n\n");
    explanation.lines().forEach(line -> out.append("    ").append(line).append('\n'));
    return out.append('\n').toString();
  }
}
