package dev.hydra.image.publish;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Finding the repository's images/ and a Docker daemon for the image tests. */
final class ImageTestSupport {

  private ImageTestSupport() {}

  /** The repository's images/ directory, found upwards from the working directory. */
  static Path imagesDir() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("images/demo/Dockerfile"))) {
        return dir.resolve("images");
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no images/ directory above " + Path.of("").toAbsolutePath());
  }

  /**
   * {@code docker run --rm --network none} and the rest of the argv: a container with no network.
   */
  static List<String> offlineRun(String... rest) {
    List<String> argv = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none"));
    argv.addAll(List.of(rest));
    return argv;
  }

  /** The argv listing the setuid/setgid files of an image (CIS 4.8): none expected. */
  static List<String> setuidFiles(String image) {
    return offlineRun("--entrypoint", "find", image, "/", "-xdev", "-perm", "/6000", "-type", "f");
  }

  /** Skips (or, with HYDRA_REQUIRE_DOCKER=1, fails) without a daemon and the base image. */
  static void requireDocker() {
    String problem = dockerProblem();
    if (problem == null) {
      return;
    }
    String message = problem + "; run .ci/provision-docker.sh (as root) to provision Docker";
    if ("1".equals(System.getenv("HYDRA_REQUIRE_DOCKER"))) {
      Assertions.fail("HYDRA_REQUIRE_DOCKER=1 but " + message);
    }
    Assumptions.abort("Docker tests skipped: " + message);
  }

  private static @Nullable String dockerProblem() {
    CommandRunner runner = new CommonsExecCommandRunner();
    try {
      if (runner
              .run(
                  List.of("docker", "info", "--format", "{{.ServerVersion}}"),
                  Duration.ofSeconds(20))
              .exitCode()
          != 0) {
        return "no Docker daemon answers";
      }
      if (runner
              .run(
                  List.of("docker", "image", "inspect", "debian:bookworm-slim"),
                  Duration.ofSeconds(20))
              .exitCode()
          != 0) {
        return "the base image debian:bookworm-slim is not present (no image can be pulled here)";
      }
      return null;
    } catch (IOException e) {
      return "the docker CLI cannot run (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
