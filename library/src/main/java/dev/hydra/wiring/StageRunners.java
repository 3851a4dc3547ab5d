package dev.hydra.wiring;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.RuntimeSettings;
import dev.hydra.config.StageSettings;
import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerRuntime;
import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.container.kubernetes.KubernetesRuntime;
import dev.hydra.container.kubernetes.KubernetesSettings;
import dev.hydra.gate.GateRunner;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The stage runner as {@code hydra run}, {@code supervise}, {@code stage-run} and {@code dev-run}
 * use it, on the runtime the settings choose ({@code HYDRA_RUNTIME}): the local Docker engine, or
 * each stage as a Kubernetes Job (docs/kubernetes.md). The one place that picks it.
 */
public final class StageRunners {

  private StageRunners() {}

  /**
   * A runner on the chosen runtime whose stages' model gateways forward to the configured upstream
   * ({@code HYDRA_MODEL_UPSTREAM}) and remember exhausted and refused tokens in {@code
   * HYDRA_TOKEN_STATE} when it is set.
   *
   * @param runtime {@code HYDRA_RUNTIME} and the Kubernetes variables
   * @param docker the docker CLI ({@code --docker}/{@code HYDRA_DOCKER}) and the stage network,
   *     empty for the defaults; not used on Kubernetes
   * @param actions whether output is fenced against workflow commands (inside Actions)
   * @param stages the stage settings: the upstream and the token state
   * @param clock the clock
   * @param log where each output line goes, already masked and timestamped
   * @throws InvalidConfigurationException naming the variable that holds no valid value: the
   *     runtime, a Kubernetes setting, the upstream
   * @throws IOException when the docker CLI cannot be started
   */
  public static StageRunner of(
      RuntimeSettings runtime,
      RunWiring.Docker docker,
      boolean actions,
      StageSettings stages,
      Clock clock,
      Consumer<String> log)
      throws InvalidConfigurationException, IOException {
    String network = docker.network();
    return new StageRunner(
        runtime(runtime.choice(), docker, clock),
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

  /** The container runtime of the choice. */
  static ContainerRuntime runtime(
      RuntimeSettings.Choice choice, RunWiring.Docker docker, Clock clock)
      throws InvalidConfigurationException, IOException {
    if (!(choice instanceof RuntimeSettings.Kubernetes cluster)) {
      return DockerCliRuntime.create(docker.docker().isBlank() ? "docker" : docker.docker(), clock);
    }
    KubernetesSettings settings;
    try {
      // A literal checked by RuntimeSettings: no lookup happens.
      InetAddress pod = InetAddress.getAllByName(cluster.podIp())[0];
      settings =
          KubernetesSettings.defaults(cluster.namespace(), pod)
              .withRegistryCidrs(cluster.registryCidrs());
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      throw new InvalidConfigurationException(
          "the Kubernetes settings ("
              + RuntimeSettings.NAMESPACE
              + ", "
              + RuntimeSettings.POD_IP
              + ", "
              + RuntimeSettings.REGISTRY_CIDRS
              + ") are invalid: "
              + e.getMessage());
    }
    if (cluster.kubeconfig().isEmpty()) {
      return KubernetesRuntime.inCluster(settings, clock);
    }
    try {
      return KubernetesRuntime.fromKubeconfig(Path.of(cluster.kubeconfig().get()), settings, clock);
    } catch (ContainerException e) {
      throw new InvalidConfigurationException(String.valueOf(e.getMessage()));
    }
  }

  /**
   * The gates' runner on the runtime the settings choose (issue 13): each gate in its own
   * container, no network, no secret, its output masked with {@code masker}.
   *
   * @throws InvalidConfigurationException naming the variable that holds no valid value
   * @throws IOException when the docker CLI cannot be started
   */
  public static GateRunner gates(
      RuntimeSettings runtime, RunWiring.Docker docker, Clock clock, SecretMasker masker)
      throws InvalidConfigurationException, IOException {
    return new GateRunner(runtime(runtime.choice(), docker, clock), masker);
  }
}
