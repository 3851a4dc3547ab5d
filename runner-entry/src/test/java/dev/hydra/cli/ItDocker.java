package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.demo.DemoImages;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine of the command ITs: whether they can run (skipped without a daemon and the
 * local base image, failed instead under {@code HYDRA_REQUIRE_DOCKER=1}), the docker CLI, and the
 * clean-up that leaves only what was there before.
 */
final class ItDocker {

  static final CommandRunner RUNNER = new CommonsExecCommandRunner();

  private ItDocker() {}

  /** Runs the docker CLI with {@code args}. */
  static CommandRunner.Result docker(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("docker"));
    argv.addAll(List.of(args));
    return RUNNER.run(argv, Duration.ofMinutes(2));
  }

  /**
   * Returns normally when a daemon answers and the base image is here; otherwise aborts the class
   * (or fails it under {@code HYDRA_REQUIRE_DOCKER=1}) with what is missing and the fix.
   */
  static void require() throws Exception {
    Optional<String> problem = problem();
    if (problem.isEmpty()) {
      return;
    }
    String message = problem.get() + "; run .ci/provision-docker.sh (as root) to provision Docker";
    if ("1".equals(System.getenv("HYDRA_REQUIRE_DOCKER"))) {
      Assertions.fail("HYDRA_REQUIRE_DOCKER=1 but " + message);
    }
    Assumptions.abort("Docker test skipped: " + message);
  }

  private static Optional<String> problem() throws Exception {
    try {
      if (docker("info", "--format", "{{.ServerVersion}}").exitCode() != 0) {
        return Optional.of("no Docker daemon answers");
      }
      if (docker("image", "inspect", DemoImages.BASE_IMAGE).exitCode() != 0) {
        return Optional.of(
            "the base image "
                + DemoImages.BASE_IMAGE
                + " is not present (nothing can be pulled here)");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("the docker CLI cannot run (" + e.getMessage() + ")");
    }
  }

  /**
   * Removes every image whose reference starts with {@code prefix-} and the network, then asserts
   * that they are gone and the base image stays.
   */
  static void removeImagesAndNetwork(String prefix, String network) throws Exception {
    String images =
        docker(
                "images",
                "--format",
                "{{.Repository}}:{{.Tag}}",
                "--filter",
                "reference=" + prefix + "-*")
            .stdout();
    for (String image : images.lines().filter(l -> !l.isBlank()).toList()) {
      docker("image", "rm", "--force", image);
    }
    docker("network", "rm", network);
    assertThat(
            docker("images", "--quiet", "--filter", "reference=" + prefix + "-*").stdout().strip())
        .as("images left behind")
        .isEmpty();
    assertThat(docker("network", "inspect", network).exitCode()).as("network left").isNotZero();
    assertThat(docker("image", "inspect", DemoImages.BASE_IMAGE).exitCode())
        .as("the base image stays")
        .isZero();
  }
}
