package dev.hydra.container;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link ContainerRuntime} for tests: records every call and plays a scripted
 * container for each run, chosen by a function of the spec (for example by the Claude token it
 * carries, as the fake agent image does under real Docker).
 */
public final class FakeContainerRuntime implements ContainerRuntime {

  /** What one fake container does: print lines, then end. */
  @FunctionalInterface
  public interface Container {
    /**
     * Plays the container.
     *
     * @throws ContainerException to act as a runtime that cannot start it
     */
    ContainerResult play(ContainerSpec spec, Consumer<String> stdout, Consumer<String> stderr)
        throws ContainerException, InterruptedException;
  }

  /** Every call, in order: {@code sweep}, {@code network <name>}, {@code run <name>}. */
  public final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  /** The spec of every run, in order. */
  public final List<ContainerSpec> runs = Collections.synchronizedList(new ArrayList<>());

  private final Function<ContainerSpec, Container> containers;
  private @Nullable ContainerException sweepFailure;
  private @Nullable ContainerException networkFailure;
  private List<String> swept = List.of();

  /** A runtime whose containers are chosen per spec. */
  public FakeContainerRuntime(Function<ContainerSpec, Container> containers) {
    this.containers = containers;
  }

  /** A container that prints these stdout lines and exits with the code. */
  public static Container printing(List<String> stdout, int exitCode) {
    return (spec, out, err) -> {
      stdout.forEach(out);
      return new ContainerResult(exitCode, false, Duration.ofMillis(10));
    };
  }

  /** A container that prints these lines and is then killed at its deadline. */
  public static Container timingOut(List<String> stdout) {
    return (spec, out, err) -> {
      stdout.forEach(out);
      return new ContainerResult(ContainerResult.KILLED, true, spec.timeout().plusSeconds(1));
    };
  }

  /** A container that cannot be started. */
  public static Container failingToStart(String message) {
    return (spec, out, err) -> {
      throw new ContainerException(message);
    };
  }

  /** Makes {@link #sweepExpired} fail. */
  public FakeContainerRuntime failSweep(ContainerException e) {
    this.sweepFailure = e;
    return this;
  }

  /**
   * Makes {@link #ensureNetwork} fail. Otherwise the network's gateway is the loopback address, so
   * the stage's model gateway listens where the test (the fake container) reaches it.
   */
  public FakeContainerRuntime failNetwork(ContainerException e) {
    this.networkFailure = e;
    return this;
  }

  /** Makes {@link #sweepExpired} report these containers as removed. */
  public FakeContainerRuntime sweeping(List<String> names) {
    this.swept = List.copyOf(names);
    return this;
  }

  @Override
  public ContainerResult run(ContainerSpec spec, Consumer<String> stdout, Consumer<String> stderr)
      throws ContainerException, InterruptedException {
    calls.add("run " + spec.name());
    runs.add(spec);
    return containers.apply(spec).play(spec, stdout, stderr);
  }

  /** A plan whose command names the fake runtime, the container and the image. */
  @Override
  public ContainerPlan plan(ContainerSpec spec) {
    calls.add("plan " + spec.name());
    return new ContainerPlan(
        List.of("fake-run", spec.name(), spec.image()), ContainerPlan.shownEnvironment(spec));
  }

  @Override
  public InetAddress ensureNetwork(String name) throws ContainerException {
    calls.add("network " + name);
    if (networkFailure != null) {
      throw networkFailure;
    }
    return InetAddress.getLoopbackAddress();
  }

  @Override
  public List<String> sweepExpired(Instant now) throws ContainerException {
    calls.add("sweep");
    if (sweepFailure != null) {
      throw sweepFailure;
    }
    return swept;
  }
}
