package dev.hydra.wiring;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.gate.GateRunner;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The stage runner on the local Docker engine, as {@code hydra run} and {@code stage-run} use it.
 */
public final class StageRunners {

  private StageRunners() {}

  /**
   * A runner on the docker CLI whose stages' model gateways forward to the configured upstream
   * ({@code HYDRA_MODEL_UPSTREAM}) and remember exhausted and refused tokens in {@code
   * HYDRA_TOKEN_STATE} when it is set.
   *
   * @param docker the docker CLI ({@code --docker}/{@code HYDRA_DOCKER}), empty for {@code docker}
   * @param network the stage containers' network, empty for the default
   * @param actions whether output is fenced against workflow commands (inside Actions)
   * @param stages the stage settings: the upstream and the token state
   * @param clock the clock
   * @param log where each output line goes, already masked and timestamped
   * @throws InvalidConfigurationException when the upstream is not one the gateway may use
   * @throws IOException when the docker CLI cannot be started
   */
  public static StageRunner docker(
      String docker,
      String network,
      boolean actions,
      StageSettings stages,
      Clock clock,
      Consumer<String> log)
      throws InvalidConfigurationException, IOException {
    return new StageRunner(
        DockerCliRuntime.create(docker.isBlank() ? "docker" : docker, clock),
        clock,
        wait -> Thread.sleep(wait.toMillis()),
        log,
        StageRunner.Options.defaults()
            .withNetwork(network.isBlank() ? StageRunner.Options.DEFAULT_NETWORK : network)
            .withActions(actions)
            .withModelUpstream(StageProfile.modelUpstream(stages))
            .withTokenState(
                Optional.of(stages.tokenState()).filter(s -> !s.isEmpty()).map(Path::of)));
  }

  /**
   * The gates' runner on the same docker CLI (issue 13): each gate in its own container, no
   * network, no secret, its output masked with {@code masker}.
   *
   * @throws IOException when the docker CLI cannot be started
   */
  public static GateRunner gates(String docker, Clock clock, SecretMasker masker)
      throws IOException {
    return new GateRunner(
        DockerCliRuntime.create(docker.isBlank() ? "docker" : docker, clock), masker);
  }
}
