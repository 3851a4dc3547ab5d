package dev.hydra.wiring;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.image.ImageRef;
import dev.hydra.ops.ImageCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link ImageCheck.ImageProbe} on the docker CLI: {@code docker manifest inspect} asks the
 * registry without pulling (with the CLI's own login), and an image only present locally ({@code
 * docker image inspect}) counts as available, as it is for a stage on this machine.
 */
public final class DockerImageProbe implements ImageCheck.ImageProbe {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final CommandRunner runner;

  /**
   * @param runner runs {@code docker}
   */
  public DockerImageProbe(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public Optional<String> unavailable(ImageRef image) throws IOException, InterruptedException {
    String ref = image.toString();
    CommandRunner.Result remote =
        runner.run(List.of("docker", "manifest", "inspect", ref), TIMEOUT);
    if (remote.exitCode() == 0) {
      return Optional.empty();
    }
    CommandRunner.Result local =
        runner.run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", ref), TIMEOUT);
    if (local.exitCode() == 0) {
      return Optional.empty();
    }
    String why = remote.stderr().strip();
    return Optional.of(
        "the registry does not have it or refused the request"
            + (why.isEmpty() ? "" : " (" + why.lines().findFirst().orElse("") + ")"));
  }
}
