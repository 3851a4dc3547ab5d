package dev.hydra.stage;

import dev.hydra.container.HostPin;
import dev.hydra.label.Stage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The hosts a stage container may reach by name, resolved by the runner and pinned in the
 * container's {@code /etc/hosts}. The container's own DNS cannot resolve them once its egress
 * firewall is up: on a dedicated Docker network the embedded DNS server forwards outside queries
 * from inside the container's network namespace, where they are dropped. So the runner, which has
 * DNS, resolves the builder's package registries before the container starts; the entrypoint then
 * reads them from {@code /etc/hosts} only ({@code HYDRA_EGRESS_PINNED=1}), and the agent's tools
 * find them there. Outside names stay unresolvable inside: no DNS channel out of the container.
 */
public final class EgressPins {

  /**
   * The package registries the builder may reach for the project's own build: the list of {@code
   * hydra_registries} in {@code images/base/entrypoint-common.sh} (a test keeps both equal).
   */
  public static final List<String> BUILDER_REGISTRIES =
      List.of(
          "registry.npmjs.org",
          "repo.maven.apache.org",
          "repo1.maven.org",
          "pypi.org",
          "files.pythonhosted.org",
          "deb.debian.org");

  /** The variable that tells the entrypoint its allow-list is pinned in {@code /etc/hosts}. */
  public static final String PINNED_VARIABLE = "HYDRA_EGRESS_PINNED";

  /** How long the runner waits for all names of one stage together. */
  static final Duration LIMIT = Duration.ofSeconds(5);

  /** Resolves a host name to its addresses; the JDK's resolver by default. */
  @FunctionalInterface
  public interface Resolver {

    /** The addresses of {@code host}. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The system's resolver ({@link InetAddress#getAllByName}). */
    static Resolver system() {
      return host -> List.of(InetAddress.getAllByName(host));
    }
  }

  private EgressPins() {}

  /** The names a stage may reach: the builder's registries; none for the other stages. */
  static List<String> names(Stage stage) {
    return stage == Stage.BUILD ? BUILDER_REGISTRIES : List.of();
  }

  /**
   * Resolves the stage's names, all at once and within {@link #LIMIT}. A name that does not resolve
   * here (a network that blocks it, an offline machine) is left out with a note: the allow-list
   * only shrinks, the container starts without it.
   *
   * @param stage the stage
   * @param resolver resolves one name
   * @param note receives one line per name left out
   * @return the pins, in the list's order
   */
  static List<HostPin> resolve(Stage stage, Resolver resolver, Consumer<String> note)
      throws InterruptedException {
    Map<String, CompletableFuture<List<InetAddress>>> lookups = new LinkedHashMap<>();
    for (String name : names(stage)) {
      lookups.put(
          name,
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return resolver.resolve(name);
                } catch (UnknownHostException e) {
                  return List.<InetAddress>of();
                }
              }));
    }
    long deadline = System.nanoTime() + LIMIT.toNanos();
    List<HostPin> pins = new ArrayList<>();
    for (Map.Entry<String, CompletableFuture<List<InetAddress>>> lookup : lookups.entrySet()) {
      List<InetAddress> addresses;
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        addresses = lookup.getValue().get(left, TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        lookup.getValue().cancel(true);
        addresses = List.of();
      }
      if (addresses.isEmpty()) {
        note.accept(
            "egress: "
                + lookup.getKey()
                + " does not resolve on the runner; the stage runs without it");
      }
      for (InetAddress address : addresses) {
        pins.add(new HostPin(lookup.getKey(), address));
      }
    }
    return pins;
  }
}
