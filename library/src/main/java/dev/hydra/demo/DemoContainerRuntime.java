package dev.hydra.demo;

import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerPlan;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerRuntime;
import dev.hydra.container.ContainerSpec;
import dev.hydra.container.Mount;
import dev.hydra.text.Texts;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The {@code hydra demo}'s only changes to the containers {@code StageRunner} starts, as a
 * decorator of the runtime so that the runner itself stays exactly the production one. Three
 * adjustments, and nothing else:
 *
 * <ul>
 *   <li><b>{@code DEMO_*} variables per stage</b>, which steer the scripted agent of the demo
 *       images ({@code DEMO_OUTCOME}, {@code DEMO_FIXES}, {@code DEMO_SLUG}; see {@code
 *       images/README.md}). Only names that start with {@code DEMO_} are accepted, so no input of
 *       the runner ⇄ image contract ({@code REPO_URL}, {@code HYDRA_*}, the gateway's {@code
 *       ANTHROPIC_*}) can be added or overridden this way. They are plain variables and travel like
 *       the others, in the env-file; the persona images ignore them.
 *   <li><b>The CPU limit is capped at the host's CPU count</b>: Docker refuses a {@code --cpus}
 *       above it, and the builder's profile asks for 4, which a small machine does not have.
 *   <li><b>Read-only files added to the mounts</b>: with the real persona images, the {@code
 *       /etc/hosts} of {@link DemoHosts}, which pins the builder's allow-listed registries to
 *       loopback, so that its egress firewall starts without DNS and nothing leaves the machine.
 * </ul>
 *
 * Every other part of the spec — read-only root, tmpfs, capabilities, memory, PIDs, network,
 * deadline, mounts, pinned hosts, a gate's command and working directory — reaches the delegate
 * unchanged.
 */
public final class DemoContainerRuntime implements ContainerRuntime {

  /** The label {@code StageRunner} puts the stage id in. */
  static final String STAGE_LABEL = "hydra.stage";

  private static final Pattern DEMO_NAME = Pattern.compile("DEMO_[A-Z0-9_]{1,40}");

  private final ContainerRuntime delegate;
  private final Map<String, Map<String, String>> demoEnv;
  private final double maxCpus;
  private final List<Mount> extraMounts;

  /**
   * @param delegate the real runtime
   * @param demoEnv per stage id the {@code DEMO_*} variables its container gets
   * @param maxCpus the host's CPU count; a larger CPU limit is lowered to it
   * @throws IllegalArgumentException as the other constructor
   */
  public DemoContainerRuntime(
      ContainerRuntime delegate, Map<String, Map<String, String>> demoEnv, double maxCpus) {
    this(delegate, demoEnv, maxCpus, List.of());
  }

  /**
   * @param delegate the real runtime
   * @param demoEnv per stage id ({@code build}, {@code code-review}, …) the {@code DEMO_*}
   *     variables its container gets
   * @param maxCpus the host's CPU count; a larger CPU limit is lowered to it
   * @param extraMounts read-only mounts every container gets besides its own
   * @throws IllegalArgumentException when a name does not start with {@code DEMO_}, a value holds a
   *     line break, the CPU count is not positive, or an extra mount is writable
   */
  public DemoContainerRuntime(
      ContainerRuntime delegate,
      Map<String, Map<String, String>> demoEnv,
      double maxCpus,
      List<Mount> extraMounts) {
    if (!(maxCpus > 0)) {
      throw new IllegalArgumentException("the host's CPU count must be positive");
    }
    if (extraMounts.stream().anyMatch(m -> !m.readOnly())) {
      throw new IllegalArgumentException("the demo adds read-only mounts only");
    }
    Map<String, Map<String, String>> copy = new HashMap<>();
    demoEnv.forEach(
        (stage, vars) -> {
          vars.forEach(
              (name, value) -> {
                if (!DEMO_NAME.matcher(name).matches()) {
                  throw new IllegalArgumentException(
                      "the demo may add only DEMO_* variables, not " + Texts.quote(name));
                }
                if (!Texts.isPrintableAscii(value)) {
                  throw new IllegalArgumentException(
                      name + " must be printable ASCII on one line for an env-file");
                }
              });
          copy.put(stage, Map.copyOf(vars));
        });
    this.delegate = delegate;
    this.demoEnv = Map.copyOf(copy);
    this.maxCpus = maxCpus;
    this.extraMounts = List.copyOf(extraMounts);
  }

  /**
   * The spec as the demo runs it: its stage's {@code DEMO_*} variables and the extra mounts added,
   * CPUs capped.
   */
  public ContainerSpec adjust(ContainerSpec spec) {
    Map<String, String> env = new HashMap<>(spec.env());
    env.putAll(demoEnv.getOrDefault(spec.labels().getOrDefault(STAGE_LABEL, ""), Map.of()));
    List<Mount> mounts = new ArrayList<>(spec.mounts());
    mounts.addAll(extraMounts);
    return new ContainerSpec(
        spec.image(),
        spec.name(),
        spec.network(),
        Math.min(spec.cpus(), maxCpus),
        spec.memoryBytes(),
        spec.pidsLimit(),
        spec.tmpBytes(),
        spec.workspaceBytes(),
        spec.capAdd(),
        env,
        mounts,
        spec.labels(),
        spec.timeout(),
        spec.hosts(),
        spec.command(),
        spec.workdir());
  }

  @Override
  public ContainerResult run(ContainerSpec spec, Consumer<String> stdout, Consumer<String> stderr)
      throws ContainerException, InterruptedException {
    return delegate.run(adjust(spec), stdout, stderr);
  }

  @Override
  public ContainerPlan plan(ContainerSpec spec) {
    return delegate.plan(adjust(spec));
  }

  @Override
  public InetAddress ensureNetwork(String name) throws ContainerException {
    return delegate.ensureNetwork(name);
  }

  @Override
  public List<String> sweepExpired(Instant now) throws ContainerException {
    return delegate.sweepExpired(now);
  }
}
