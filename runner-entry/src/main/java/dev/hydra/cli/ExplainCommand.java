package dev.hydra.cli;

import dev.hydra.route.RouteDecision;
import dev.hydra.route.RouteOutput;
import dev.hydra.route.Router;
import org.apache.commons.cli.Options;

/** {@code hydra explain}: the same decision as {@code route}, written for a person. */
final class ExplainCommand implements CliCommand {

  @Override
  public String name() {
    return "explain";
  }

  @Override
  public String summary() {
    return "Explain what Hydra does for an event and why (try: hydra explain --example).";
  }

  @Override
  public String description() {
    return "Explain what Hydra does for an event: what it saw, what it expected, the decision,"
        + " and what to change when it skips. Try it without a forge: hydra explain --example";
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
    in.out().print(RouteOutput.explain(decision));
    return ExitCodes.OK;
  }
}
