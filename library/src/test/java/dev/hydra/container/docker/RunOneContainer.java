package dev.hydra.container.docker;

import dev.hydra.container.ContainerSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in runner process for {@link DockerCliRuntimeIT}: runs one container and echoes its
 * output, so that the test can send this JVM SIGTERM mid-stage. Arguments: image, name, network,
 * and the directory for its env-file.
 */
public final class RunOneContainer {

  private RunOneContainer() {}

  @SuppressWarnings("SystemOut") // a test process talking to its parent test through stdout
  public static void main(String[] args) throws Exception {
    DockerCliRuntime runtime =
        new DockerCliRuntime(DockerSupport.RUNNER, "docker", Path.of(args[3]), Clock.systemUTC());
    ContainerSpec spec =
        new ContainerSpec(
            args[0],
            args[1],
            args[2],
            1,
            128L << 20,
            32,
            8L << 20,
            8L << 20,
            Set.of(),
            Map.of("TEST_SCRIPT", "echo started; sleep 300", "HYDRA_BRANCH", "it-" + args[1]),
            List.of(),
            Map.of("hydra.stage", "test"),
            Duration.ofMinutes(10));
    runtime.run(
        spec,
        line -> {
          System.out.println(line);
          System.out.flush();
        },
        line -> {});
  }
}
