package dev.hydra.container.docker;

import dev.hydra.container.ContainerSpec;
import dev.hydra.container.HostPin;
import dev.hydra.container.Mount;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Builds the argv of every {@code docker} call Hydra makes: pure, and asserted by tests. */
final class DockerArgs {

  private DockerArgs() {}

  /** The container's work folder: a tmpfs, unless the stage mounts its workspace there. */
  static final String WORKSPACE = "/workspace";

  /**
   * {@code docker run} for a stage. Every variable goes through the env-file: nothing but names and
   * limits reaches the command line, which any user can read in {@code ps}.
   *
   * @param cpus the CPU limit to ask for: the spec's, or less when the engine has fewer CPUs
   */
  static List<String> run(
      String docker, ContainerSpec spec, double cpus, Path envFile, Instant start) {
    List<String> argv = new ArrayList<>();
    argv.add(docker);
    argv.add("run");
    argv.add("--rm");
    argv.add("--name");
    argv.add(spec.name());
    argv.add("--init");
    argv.add("--read-only");
    argv.add("--tmpfs");
    argv.add("/tmp:rw,nosuid,nodev,size=" + spec.tmpBytes());
    if (!spec.mounts(WORKSPACE)) {
      argv.add("--tmpfs");
      argv.add(WORKSPACE + ":rw,nosuid,nodev,size=" + spec.workspaceBytes());
    }
    argv.add("--security-opt");
    argv.add("no-new-privileges");
    argv.add("--cap-drop");
    argv.add("ALL");
    for (String cap : new TreeSet<>(spec.capAdd())) {
      argv.add("--cap-add");
      argv.add(cap);
    }
    argv.add("--cpus");
    argv.add(Double.toString(cpus));
    argv.add("--memory");
    argv.add(Long.toString(spec.memoryBytes()));
    argv.add("--memory-swap");
    argv.add(Long.toString(spec.memoryBytes()));
    argv.add("--pids-limit");
    argv.add(Integer.toString(spec.pidsLimit()));
    argv.add("--network");
    argv.add(spec.network());
    for (HostPin pin : spec.hosts()) {
      argv.add("--add-host");
      argv.add(pin.addHost());
    }
    argv.add("--stop-timeout");
    argv.add("5");
    for (Map.Entry<String, String> label : spec.allLabels(start).entrySet()) {
      argv.add("--label");
      argv.add(label.getKey() + "=" + label.getValue());
    }
    argv.add("--env-file");
    argv.add(envFile.toString());
    for (Mount mount : spec.mounts()) {
      argv.add("--mount");
      argv.add(
          "type=bind,source="
              + mount.source()
              + ",target="
              + mount.target()
              + (mount.readOnly() ? ",readonly" : ""));
    }
    if (!spec.workdir().isEmpty()) {
      argv.add("--workdir");
      argv.add(spec.workdir());
    }
    if (!spec.command().isEmpty()) {
      // The command replaces the image's ENTRYPOINT, not only its CMD: a persona image's
      // entrypoint would otherwise start the agent and ignore the command (a gate's).
      argv.add("--entrypoint");
      argv.add(spec.command().get(0));
    }
    argv.add("--");
    argv.add(spec.image());
    argv.addAll(spec.command().stream().skip(1).toList());
    return argv;
  }

  /** How many CPUs the engine has: the most {@code docker run --cpus} accepts. */
  static List<String> engineCpus(String docker) {
    return List.of(docker, "info", "--format", "{{.NCPU}}");
  }

  static List<String> removeForce(String docker, String name) {
    return List.of(docker, "rm", "--force", "--volumes", "--", name);
  }

  static List<String> kill(String docker, String name) {
    return List.of(docker, "kill", "--", name);
  }

  /** The network's gateway addresses, one per line (IPv4 and, on a dual-stack network, IPv6). */
  static List<String> networkInspect(String docker, String network) {
    return List.of(
        docker,
        "network",
        "inspect",
        "--format",
        "{{range .IPAM.Config}}{{.Gateway}}\n{{end}}",
        "--",
        network);
  }

  static List<String> networkCreate(String docker, String network) {
    return List.of(
        docker,
        "network",
        "create",
        "--driver",
        "bridge",
        "--label",
        ContainerSpec.MANAGED_LABEL + "=true",
        "--",
        network);
  }

  static List<String> listManaged(String docker) {
    return List.of(
        docker,
        "ps",
        "--all",
        "--no-trunc",
        "--filter",
        "label=" + ContainerSpec.MANAGED_LABEL + "=true",
        "--format",
        "{{.Names}}\t{{.Label \"" + ContainerSpec.DEADLINE_LABEL + "\"}}");
  }
}
