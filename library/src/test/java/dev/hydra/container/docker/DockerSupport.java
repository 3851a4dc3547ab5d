package dev.hydra.container.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared set-up of the Docker integration tests: a daemon that answers, the local base image, and
 * test images and names that are unique and removed afterwards.
 *
 * <p>Without a daemon the tests are skipped with a message, unless {@code HYDRA_REQUIRE_DOCKER=1}
 * (set by CI), in which case they fail: CI must never pass by running no container test.
 */
public final class DockerSupport {

  /** The base image every test image is built on; provisioned by .ci/provision-docker.sh. */
  public static final String BASE_IMAGE = "debian:bookworm-slim";

  public static final CommandRunner RUNNER = new CommonsExecCommandRunner();

  private DockerSupport() {}

  /** Skips (or, in CI, fails) when there is no daemon or no base image. */
  public static void requireDocker() {
    String problem = problem();
    if (problem == null) {
      return;
    }
    String message = problem + "; run .ci/provision-docker.sh (as root) to provision Docker";
    if ("1".equals(System.getenv("HYDRA_REQUIRE_DOCKER"))) {
      Assertions.fail("HYDRA_REQUIRE_DOCKER=1 but " + message);
    }
    Assumptions.abort("Docker tests skipped: " + message);
  }

  private static @org.jspecify.annotations.Nullable String problem() {
    try {
      if (RUNNER
              .run(
                  List.of("docker", "info", "--format", "{{.ServerVersion}}"),
                  Duration.ofSeconds(20))
              .exitCode()
          != 0) {
        return "no Docker daemon answers";
      }
      if (RUNNER
              .run(List.of("docker", "image", "inspect", BASE_IMAGE), Duration.ofSeconds(20))
              .exitCode()
          != 0) {
        return "the base image " + BASE_IMAGE + " is not present (no image can be pulled here)";
      }
      return null;
    } catch (IOException e) {
      return "the docker CLI cannot run (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** How many CPUs the engine has ({@code docker info}): the most {@code --cpus} it accepts. */
  public static int engineCpus() throws Exception {
    CommandRunner.Result r =
        RUNNER.run(List.of("docker", "info", "--format", "{{.NCPU}}"), Duration.ofSeconds(20));
    assertThat(r.exitCode()).as("docker info: %s", r.stderr()).isZero();
    return Integer.parseInt(r.stdout().strip());
  }

  /**
   * The line a test container prints for its CPU limit as the kernel enforces it, for a limit of
   * {@code cpus}: {@code "<quota> <period>"} in microseconds, whether cgroup v1 or v2.
   */
  public static String cpuQuota(int cpus) {
    return cpus * 100_000 + " 100000";
  }

  /** A unique name for a test resource. */
  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /** Builds a test image from a Dockerfile body and returns its tag. */
  public static String buildImage(Path dir, String dockerfile) throws Exception {
    return buildImage(dir, dockerfile, Map.of());
  }

  /**
   * Builds a test image from a Dockerfile body and further files of the build context (relative
   * path to content), and returns its tag.
   */
  public static String buildImage(Path dir, String dockerfile, Map<String, byte[]> files)
      throws Exception {
    String tag = unique("hydra-it-image") + ":test";
    Path context = Files.createTempDirectory(dir, "ctx");
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path target = context.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
    CommandRunner.Result r =
        RUNNER.run(
            List.of("docker", "build", "--quiet", "-t", tag, context.toString()),
            Duration.ofMinutes(5));
    assertThat(r.exitCode()).as("docker build: %s", r.stderr()).isZero();
    return tag;
  }

  public static void removeImage(String tag) throws Exception {
    RUNNER.run(List.of("docker", "image", "rm", "--force", tag), Duration.ofMinutes(1));
  }

  public static void removeNetwork(String name) throws Exception {
    RUNNER.run(List.of("docker", "network", "rm", name), Duration.ofMinutes(1));
  }

  /** Whether an image with this tag exists. */
  public static boolean imageExists(String tag) throws Exception {
    return RUNNER.run(List.of("docker", "image", "inspect", tag), Duration.ofSeconds(30)).exitCode()
        == 0;
  }

  /** Whether a network with this name exists. */
  public static boolean networkExists(String name) throws Exception {
    return RUNNER
            .run(List.of("docker", "network", "inspect", name), Duration.ofSeconds(30))
            .exitCode()
        == 0;
  }

  /** Names of containers (running or not) carrying the label {@code key=value}. */
  public static List<String> containersLabelled(String label) throws Exception {
    CommandRunner.Result r =
        RUNNER.run(
            List.of(
                "docker", "ps", "--all", "--filter", "label=" + label, "--format", "{{.Names}}"),
            Duration.ofSeconds(30));
    return r.stdout().lines().filter(l -> !l.isBlank()).toList();
  }

  /** Names of containers (running or not) whose name contains the text. */
  public static List<String> containers(String prefix) throws Exception {
    CommandRunner.Result r =
        RUNNER.run(
            List.of(
                "docker", "ps", "--all", "--filter", "name=" + prefix, "--format", "{{.Names}}"),
            Duration.ofSeconds(30));
    return r.stdout().lines().filter(l -> !l.isBlank()).toList();
  }
}
