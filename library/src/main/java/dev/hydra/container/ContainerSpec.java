package dev.hydra.container;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything needed to start one stage container, with the hardening of SPEC §5 built in: a
 * read-only root, tmpfs {@code /tmp} and {@code /workspace} (unless a host folder is mounted
 * there), no new privileges, all capabilities dropped except the few the entrypoint needs, CPU,
 * memory and PID limits, a dedicated network, and a wall-clock deadline.
 *
 * @param image the image reference
 * @param name the unique container name ({@code hydra-<stage>-<issue>-<random>})
 * @param network the dedicated network
 * @param cpus CPU limit
 * @param memoryBytes memory limit (swap is limited to the same, so no swap)
 * @param pidsLimit process limit (fork-bomb backstop)
 * @param tmpBytes size of the {@code /tmp} tmpfs
 * @param workspaceBytes size of the {@code /workspace} tmpfs
 * @param capAdd capabilities added back after {@code --cap-drop ALL}
 * @param env the environment variables, all plain: a stage container holds no secret (issue 10; the
 *     model gateway keeps the Claude tokens and the runner the git tokens), so there is no secret
 *     variable here and nothing a {@code docker inspect} shows needs hiding
 * @param mounts host directories mounted into the container; a mount at {@code /workspace} replaces
 *     the tmpfs there
 * @param labels Hydra labels on the container, so it can be found and swept
 * @param timeout the wall-clock limit
 * @param hosts host names pinned in the container's {@code /etc/hosts} (the allow-list the runner
 *     resolved for it); empty for none
 * @param command the argv run instead of the image's ENTRYPOINT and CMD (its first element becomes
 *     the entrypoint, so an image whose entrypoint would ignore arguments still runs it); empty for
 *     the image's own (a stage's entrypoint); a gate's command (dev.hydra.gate)
 * @param workdir the working directory in the container; empty for the image's own
 */
public record ContainerSpec(
    String image,
    String name,
    String network,
    double cpus,
    long memoryBytes,
    int pidsLimit,
    long tmpBytes,
    long workspaceBytes,
    Set<String> capAdd,
    Map<String, String> env,
    List<Mount> mounts,
    Map<String, String> labels,
    Duration timeout,
    List<HostPin> hosts,
    List<String> command,
    String workdir) {

  /** Docker's built-in network without any interface but loopback: a container with no network. */
  public static final String NO_NETWORK = "none";

  /** A spec that runs the image's own command in its own working directory (a stage). */
  public ContainerSpec(
      String image,
      String name,
      String network,
      double cpus,
      long memoryBytes,
      int pidsLimit,
      long tmpBytes,
      long workspaceBytes,
      Set<String> capAdd,
      Map<String, String> env,
      List<Mount> mounts,
      Map<String, String> labels,
      Duration timeout) {
    this(
        image,
        name,
        network,
        cpus,
        memoryBytes,
        pidsLimit,
        tmpBytes,
        workspaceBytes,
        capAdd,
        env,
        mounts,
        labels,
        timeout,
        List.of(),
        List.of(),
        "");
  }

  /** A spec that runs this command in this working directory, with no pinned host (a gate). */
  public ContainerSpec(
      String image,
      String name,
      String network,
      double cpus,
      long memoryBytes,
      int pidsLimit,
      long tmpBytes,
      long workspaceBytes,
      Set<String> capAdd,
      Map<String, String> env,
      List<Mount> mounts,
      Map<String, String> labels,
      Duration timeout,
      List<String> command,
      String workdir) {
    this(
        image,
        name,
        network,
        cpus,
        memoryBytes,
        pidsLimit,
        tmpBytes,
        workspaceBytes,
        capAdd,
        env,
        mounts,
        labels,
        timeout,
        List.of(),
        command,
        workdir);
  }

  /** Label present on every container Hydra starts. */
  public static final String MANAGED_LABEL = "hydra.managed";

  /** Label holding the epoch second after which the container may be swept. */
  public static final String DEADLINE_LABEL = "hydra.deadline";

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
  private static final Pattern ENV = Pattern.compile("[A-Z_][A-Z0-9_]*");
  private static final Pattern CAP = Pattern.compile("[A-Z_]+");
  private static final Set<String> ALLOWED_CAPS =
      Set.of(
          "NET_ADMIN", "NET_RAW", "SETUID", "SETGID", "SETPCAP", "CHOWN", "DAC_OVERRIDE", "FOWNER");

  public ContainerSpec {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid container name: " + name);
    }
    if (!NAME.matcher(network).matches()) {
      throw new IllegalArgumentException("invalid network name: " + network);
    }
    if (image.isBlank()
        || image.startsWith("-")
        || image.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("invalid image reference: " + image);
    }
    if (cpus <= 0 || memoryBytes <= 0 || pidsLimit <= 0 || tmpBytes <= 0 || workspaceBytes <= 0) {
      throw new IllegalArgumentException("resource limits must be positive");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    for (String cap : capAdd) {
      if (!CAP.matcher(cap).matches() || !ALLOWED_CAPS.contains(cap)) {
        throw new IllegalArgumentException(
            "capability " + cap + " is not one a stage entrypoint may need: " + ALLOWED_CAPS);
      }
    }
    for (String key : env.keySet()) {
      requireEnvName(key);
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\r') >= 0) {
        throw new IllegalArgumentException(
            "variable " + e.getKey() + " contains a line break; an env-file cannot carry it");
      }
    }
    if (!command.isEmpty() && command.get(0).isBlank()) {
      throw new IllegalArgumentException("a command's first element (the entrypoint) is blank");
    }
    if (!workdir.isEmpty() && (!workdir.startsWith("/") || workdir.contains("\n"))) {
      throw new IllegalArgumentException("workdir must be an absolute path: " + workdir);
    }
    capAdd = Set.copyOf(capAdd);
    command = List.copyOf(command);
    env = Map.copyOf(env);
    mounts = List.copyOf(mounts);
    labels = Map.copyOf(labels);
    hosts = List.copyOf(hosts);
  }

  /** The same spec with these hosts pinned. */
  public ContainerSpec withHosts(List<HostPin> pins) {
    return new ContainerSpec(
        image,
        name,
        network,
        cpus,
        memoryBytes,
        pidsLimit,
        tmpBytes,
        workspaceBytes,
        capAdd,
        env,
        mounts,
        labels,
        timeout,
        pins,
        command,
        workdir);
  }

  /** The labels put on the container: the caller's plus the managed marker and the deadline. */
  public Map<String, String> allLabels(Instant start) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put(MANAGED_LABEL, "true");
    all.put(DEADLINE_LABEL, Long.toString(start.plus(timeout).getEpochSecond()));
    return all;
  }

  private static void requireEnvName(String key) {
    if (!ENV.matcher(key).matches()) {
      throw new IllegalArgumentException("invalid environment variable name: " + key);
    }
  }

  /** Whether a host directory is mounted at this path, replacing the tmpfs Hydra puts there. */
  public boolean mounts(String target) {
    return mounts.stream().anyMatch(m -> m.target().equals(target));
  }

  @Override
  public String toString() {
    // Short: names only, values are for the env-file.
    return "ContainerSpec[image="
        + image
        + ", name="
        + name
        + ", network="
        + network
        + ", env="
        + env.keySet()
        + ", mounts="
        + mounts
        + ", timeout="
        + timeout
        + "]";
  }
}
