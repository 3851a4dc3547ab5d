package dev.hydra.container;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link ContainerRuntime} would start for a {@link ContainerSpec}, without starting it: for
 * plans ("this is the container that would run") and for tests. It never holds a secret value.
 *
 * @param command the exact command the runtime would run, for example the {@code docker run} argv;
 *     secrets are not in it (they go through an env-file, whose path is shown, never its content)
 * @param environment every variable the container would receive, sorted by name: plain values as
 *     they are, secret variables as {@value #HIDDEN}
 */
public record ContainerPlan(List<String> command, Map<String, String> environment) {

  /** How a secret variable's value is shown. */
  public static final String HIDDEN = "***";

  /** Copies the values. */
  public ContainerPlan {
    command = List.copyOf(command);
    environment = java.util.Collections.unmodifiableMap(new TreeMap<>(environment));
  }

  /**
   * The environment of a spec as a plan shows it: plain variables with their values, secret ones as
   * {@value #HIDDEN}.
   */
  public static Map<String, String> shownEnvironment(ContainerSpec spec) {
    Map<String, String> shown = new TreeMap<>(spec.env());
    spec.secretEnv().keySet().forEach(name -> shown.put(name, HIDDEN));
    return shown;
  }
}
