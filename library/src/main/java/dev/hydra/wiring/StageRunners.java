package dev.hydra.wiring;

import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.stage.StageRunner;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The stage runner on the local Docker engine, as {@code hydra run} and {@code stage-run} use it.
 */
public final class StageRunners {

  private StageRunners() {}

  /**
   * A runner on the docker CLI.
   *
   * @param docker the docker CLI ({@code --docker}/{@code HYDRA_DOCKER}), empty for {@code docker}
   * @param network the stage containers' network, empty for the default
   * @param actions whether output is fenced against workflow commands (inside Actions)
   * @param clock the clock
   * @param log where each output line goes, already masked and timestamped
   * @throws IOException when the docker CLI cannot be started
   */
  public static StageRunner docker(
      String docker, String network, boolean actions, Clock clock, Consumer<String> log)
      throws IOException {
    return new StageRunner(
        DockerCliRuntime.create(docker.isBlank() ? "docker" : docker, clock),
        clock,
        wait -> Thread.sleep(wait.toMillis()),
        log,
        StageRunner.Options.defaults()
            .withNetwork(network.isBlank() ? StageRunner.Options.DEFAULT_NETWORK : network)
            .withActions(actions));
  }
}
