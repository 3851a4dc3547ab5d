package dev.hydra.cli;

import dev.hydra.route.RouteDecision;
import dev.hydra.route.RouteOutput;
import dev.hydra.route.Router;
import org.apache.commons.cli.Options;

/** {@code hydra route}: the machine-readable decision for one event. */
final class RouteCommand implements CliCommand {

  @Override
  public String name() {
    return "route";
  }

  @Override
  public String summary() {
    return "Decide whether a stage runs for an event; one JSON object on stdout.";
  }

  @Override
  public String description() {
    return "Decide whether a stage runs for an event, and print the decision as one JSON object"
        + " on stdout with the keys decision (run|skip), stage (build|review|image|null), forge,"
        + " repository, issue, pull_request, trigger_label and reason, plus fix, event, label,"
        + " sender, seen, forge_source and schema. Exits 0 for any decision.";
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
    in.out().println(RouteOutput.json(decision));
    return ExitCodes.OK;
  }
}
