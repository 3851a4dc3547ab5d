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

  private RouteCommand(
      String name, String summary, String description, Function<RouteDecision, String> render) {
    this.name = name;
    this.summary = summary;
    this.description = description;
    this.render = render;
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
        decision -> RouteOutput.json(decision) + System.lineSeparator());
  }

  /** {@code hydra explain}: the same decision, written for a person. */
  static RouteCommand explain() {
    return new RouteCommand(
        "explain",
        "Explain what Hydra does for an event and why (try: hydra explain --example).",
        "Explain what Hydra does for an event: what it saw, what it expected, the decision,"
            + " and what to change when it skips. Try it without a forge: hydra explain"
            + " --example",
        RouteOutput::explain);
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
    in.out().print(render.apply(decision));
    return ExitCodes.OK;
  }
}
