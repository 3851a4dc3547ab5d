package dev.hydra.cli;

import dev.hydra.config.ForgeSelection;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.Settings;
import dev.hydra.event.EventExamples;
import dev.hydra.event.EventFiles;
import dev.hydra.event.ForgeEvent;
import dev.hydra.event.InvalidEventException;
import java.nio.file.Path;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Where the event comes from and which forge it is for; shared by route and explain. */
final class EventOptions {

  private EventOptions() {}

  static Options options() {
    return CliOptions.of(
        CliOptions.arg(
            "event",
            "FILE",
            "Event payload file. Default: $GITHUB_EVENT_PATH, as Actions sets it."),
        CliOptions.arg(
            "event-name",
            "NAME",
            "Event name: issues, pull_request, push, workflow_dispatch or schedule."
                + " Default: $GITHUB_EVENT_NAME."),
        ForgeOptionsCli.forge(
            "github or forgejo. Default: $HYDRA_FORGE, else detected from the Actions"
                + " environment; Hydra stops when neither settles it."),
        Option.builder()
            .longOpt("example")
            .hasArg()
            .optionalArg(true)
            .argName("NAME")
            .desc(
                "Use an example event bundled in the jar instead of a file; one of "
                    + String.join(", ", EventExamples.names())
                    + " (default "
                    + EventExamples.DEFAULT
                    + ").")
            .get());
  }

  /** The event and the settings it is judged by. */
  record Loaded(ForgeEvent event, Settings settings) {}

  static Loaded load(Invocation in) throws InvalidEventException, InvalidConfigurationException {
    String forge = in.option("forge");
    if (in.flag("example")) {
      if (in.flag("event") || in.flag("event-name")) {
        throw new InvalidEventException(
            "--example cannot be combined with --event or --event-name; use one or the other");
      }
      String name = in.option("example");
      EventExamples.Example ex = EventExamples.get(name.isEmpty() ? EventExamples.DEFAULT : name);
      ForgeSelection selection =
          forge.isEmpty()
              ? new ForgeSelection(ex.forge(), "the example " + ex.name())
              : ForgeSelection.resolve(forge, in.env());
      Settings settings = Settings.from(selection, in.env());
      return new Loaded(ex.parse(settings.repository()), settings);
    }
    String file = in.option("event", "GITHUB_EVENT_PATH");
    if (file.isBlank()) {
      throw new InvalidEventException(
          "no event: pass --event FILE --event-name NAME, or --example, or run inside Actions,"
              + " which sets GITHUB_EVENT_PATH and GITHUB_EVENT_NAME");
    }
    String name = in.option("event-name", "GITHUB_EVENT_NAME");
    EventFiles.eventName(name);
    Settings settings = Settings.from(ForgeSelection.resolve(forge, in.env()), in.env());
    return new Loaded(EventFiles.load(Path.of(file), name, settings.repository()), settings);
  }
}
