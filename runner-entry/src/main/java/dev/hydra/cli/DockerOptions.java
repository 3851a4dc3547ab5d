package dev.hydra.cli;

import org.apache.commons.cli.Option;

/** The options of the commands that start containers, defined once. */
final class DockerOptions {

  private DockerOptions() {}

  /** {@code --docker PATH}: the docker CLI. */
  static Option docker() {
    return CliOptions.arg(
        "docker", "PATH", "The docker CLI. Default: $HYDRA_DOCKER, else docker on PATH.");
  }

  /** {@code --network NAME}: the stage containers' network. */
  static Option network() {
    return CliOptions.arg(
        "network",
        "NAME",
        "Docker network of the stage containers, created when missing. Default:"
            + " $HYDRA_NETWORK, else hydra-net.");
  }

  /** The choice the two options make, each defaulting to its variable. */
  static dev.hydra.wiring.RunWiring.Docker of(Invocation in) {
    return new dev.hydra.wiring.RunWiring.Docker(
        in.option("docker", "HYDRA_DOCKER"), in.option("network", "HYDRA_NETWORK"));
  }
}
