package dev.hydra.cli;

import org.apache.commons.cli.Option;

/** The options of the commands that start containers, defined once. */
final class DockerOptions {

  private DockerOptions() {}

  /** {@code --docker PATH}: the docker CLI. */
  static Option docker() {
    return Option.builder()
        .longOpt("docker")
        .hasArg()
        .argName("PATH")
        .desc("The docker CLI. Default: $HYDRA_DOCKER, else docker on PATH.")
        .get();
  }

  /** {@code --network NAME}: the stage containers' network. */
  static Option network() {
    return Option.builder()
        .longOpt("network")
        .hasArg()
        .argName("NAME")
        .desc(
            "Docker network of the stage containers, created when missing. Default:"
                + " $HYDRA_NETWORK, else hydra-net.")
        .get();
  }
}
