package dev.hydra.container.kubernetes;

import dev.hydra.container.ContainerSpec;
import dev.hydra.container.Mount;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Stage specs and settings for the Kubernetes tests. */
public final class KubernetesSpecs {

  static final String NAMESPACE = "hydra";

  private KubernetesSpecs() {}

  /** The value of a variable of one of the Job's containers. */
  public static String envOf(Job job, String container, String name) {
    var pod = job.getSpec().getTemplate().getSpec();
    List<Container> all = new ArrayList<>(pod.getInitContainers());
    all.addAll(pod.getContainers());
    return all.stream()
        .filter(c -> c.getName().equals(container))
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }

  static KubernetesSettings settings() {
    return KubernetesSettings.defaults(NAMESPACE, InetAddress.getLoopbackAddress())
        .withTiming(Duration.ZERO, Duration.ofMillis(20));
  }

  /** The builder's spec, as StageContainers makes it, with the workspace and input mounted. */
  static ContainerSpec builder(Path workspace, Path input, Duration timeout) {
    return new ContainerSpec(
        "ghcr.io/o/hydra-builder@sha256:" + "a".repeat(64),
        "hydra-build-7-0a1b2c3d",
        "hydra-net",
        4,
        8L << 30,
        512,
        512L << 20,
        2L << 30,
        Set.of("NET_ADMIN", "SETUID", "SETGID"),
        Map.of(
            "HYDRA_MODE", "build",
            "HYDRA_STAGE", "build",
            "REPO_URL", "https://github.com/o/r.git",
            "ANTHROPIC_BASE_URL", "http://10.1.2.3:41234",
            "ANTHROPIC_API_KEY", "hydra-gateway-placeholder-x"),
        List.of(new Mount(workspace, "/workspace", false), new Mount(input, "/input", true)),
        Map.of("hydra.stage", "build", "hydra.repo", "o/r", "hydra.issue", "7"),
        timeout);
  }

  /** A reviewer's spec: not the builder, so no registry. */
  static ContainerSpec reviewer(Path workspace, Path input) {
    ContainerSpec b = builder(workspace, input, Duration.ofMinutes(30));
    return new ContainerSpec(
        "ghcr.io/o/hydra-reviewer:v1",
        "hydra-code-review-7-0a1b2c3d",
        b.network(),
        2,
        4L << 30,
        b.pidsLimit(),
        b.tmpBytes(),
        b.workspaceBytes(),
        b.capAdd(),
        Map.of("HYDRA_MODE", "review", "ANTHROPIC_BASE_URL", "http://10.1.2.3:40000"),
        b.mounts(),
        Map.of("hydra.stage", "code-review"),
        b.timeout());
  }
}
