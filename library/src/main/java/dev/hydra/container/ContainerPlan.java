package dev.hydra.container;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link ContainerRuntime} would start for a {@link ContainerSpec}, without starting it: for
 * plans ("this is the container that would run") and for tests. It never holds a secret value.
 *
 * @param command the exact command the runtime would run, for example the {@code docker run} argv
 *     (variables go through an env-file, whose path is shown)
 * @param environment every variable the container would receive, sorted by name; none is secret
 */
public record ContainerPlan(List<String> command, Map<String, String> environment) {

  /** Copies the values. */
  public ContainerPlan {
    command = List.copyOf(command);
    environment = java.util.Collections.unmodifiableMap(new TreeMap<>(environment));
  }

  /** The environment of a spec as a plan shows it: every variable with its value. */
  public static Map<String, String> shownEnvironment(ContainerSpec spec) {
    return new TreeMap<>(spec.env());
  }
}
