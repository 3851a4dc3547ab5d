package dev.hydra.stage;

import dev.hydra.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The container a stage would run, as {@link StageRunner#plan} describes it without running it: the
 * runtime's own command (for Docker the exact {@code docker run} argv) and the environment the
 * container would receive. Every secret is shown as {@code ***}: the secret variables by name only,
 * and anything else that could hold a secret value masked like the runner's log.
 *
 * @param container the container name the first attempt would get
 * @param image the persona image it would run
 * @param command the runtime's command, one argument per element
 * @param environment the container's variables by name; secret ones as {@code ***}
 */
public record StagePlan(
    String container, ImageRef image, List<String> command, Map<String, String> environment) {

  // Arguments a shell would read as they are; anything else is quoted for display.
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@+%-]+");

  /** Copies the values. */
  public StagePlan {
    command = List.copyOf(command);
    environment = java.util.Collections.unmodifiableMap(new TreeMap<>(environment));
  }

  /** The command as one line a person could paste into a shell. */
  public String commandLine() {
    List<String> shown = new ArrayList<>();
    for (String arg : command) {
      shown.add(PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return String.join(" ", shown);
  }

  /** {@code NAME=value} for every variable, sorted by name, secrets as {@code ***}. */
  public List<String> environmentLines() {
    List<String> lines = new ArrayList<>();
    environment.forEach((name, value) -> lines.add(name + "=" + value));
    return lines;
  }
}
