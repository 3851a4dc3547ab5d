package dev.hydra.container;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs stage containers. Implementations: {@code docker.DockerCliRuntime}, {@code
 * kubernetes.KubernetesRuntime}.
 *
 * <p>No code path leaves a container behind: a container is removed when it exits, when its
 * deadline passes, when the runner is interrupted or terminated, and — for runners that crashed —
 * by {@link #sweepExpired} at the next start.
 */
public interface ContainerRuntime {

  /**
   * Runs a container to completion, streaming its output line by line.
   *
   * @param spec what to run
   * @param stdout receives each stdout line as it arrives
   * @param stderr receives each stderr line as it arrives
   * @return how it ended, including a timeout
   * @throws ContainerException when the container could not be started (image missing, daemon
   *     unreachable)
   * @throws InterruptedException when the runner is interrupted; the container is removed first
   */
  ContainerResult run(ContainerSpec spec, Consumer<String> stdout, Consumer<String> stderr)
      throws ContainerException, InterruptedException;

  /**
   * Creates the dedicated network when it does not exist, and says where its containers reach the
   * host: the network's gateway address, which the stage's model gateway binds to so that only
   * containers on this network reach it.
   *
   * @return the network's gateway address (IPv4 where it has one)
   * @throws ContainerException when it can neither be found nor created, or has no gateway
   */
  InetAddress ensureNetwork(String name) throws ContainerException;

  /**
   * What {@link #run} would start for this spec, without starting anything or writing any file: the
   * command and the environment, for a plan that a person reads. No secret value is in it.
   *
   * @param spec what would run
   * @return the command and the environment with secret values hidden
   */
  ContainerPlan plan(ContainerSpec spec);

  /**
   * Removes every Hydra container whose deadline has passed.
   *
   * @return the names removed
   * @throws ContainerException when containers cannot be listed
   */
  List<String> sweepExpired(Instant now) throws ContainerException;
}
