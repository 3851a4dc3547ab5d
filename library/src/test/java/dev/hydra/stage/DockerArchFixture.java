package dev.hydra.stage;

import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.container.docker.DockerCliRuntime;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Deliberately breaks the stage rule of {@code dev.hydra.ArchitectureTest} (a stage class reaching
 * for the Docker adapter instead of the port), so that test can show the rule fails. Never called.
 */
public final class DockerArchFixture {

  private DockerArchFixture() {}

  static DockerCliRuntime docker() {
    return new DockerCliRuntime(
        new CommonsExecCommandRunner(), "docker", Path.of("/tmp"), Clock.systemUTC());
  }
}
