package dev.hydra.container.kubernetes;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How stage Jobs are made in one cluster (docs/kubernetes.md).
 *
 * @param namespace the runner's own namespace, where every stage Job and NetworkPolicy is created
 * @param runnerAddress the runner pod's IP ({@code HYDRA_POD_IP} from the downward API): the model
 *     gateway and the transfer endpoint listen there, and stage pods reach it
 * @param runnerSelector the labels of the runner pods, which a stage's NetworkPolicy lets it reach
 *     (on the gateway's and the transfer's port only)
 * @param registryCidrs the builder's package registries (or their mirror) by CIDR, reached on TCP
 *     443; a plain NetworkPolicy cannot name hosts
 * @param ttlAfterFinished {@code ttlSecondsAfterFinished}: the backstop when a runner dies before
 *     it deletes its Job
 * @param inputBytes the size limit of the {@code /input} volume
 * @param uploadLimit the largest bundle the transfer endpoint accepts
 * @param grace how long after the stage's timeout the runtime still waits for the Job's own
 *     deadline ({@code activeDeadlineSeconds}) to show
 * @param pollInterval how often the runtime looks at the stage's pod
 * @param serviceAccount the service account of stage pods (its token is never mounted); empty for
 *     the namespace's default
 */
public record KubernetesSettings(
    String namespace,
    InetAddress runnerAddress,
    Map<String, String> runnerSelector,
    List<String> registryCidrs,
    Duration ttlAfterFinished,
    long inputBytes,
    long uploadLimit,
    Duration grace,
    Duration pollInterval,
    Optional<String> serviceAccount) {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern CIDR =
      Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]{2,39}/[0-9]{1,3}");

  /** Checks the values. */
  public KubernetesSettings {
    if (!DNS_LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException("invalid namespace: " + namespace);
    }
    if (runnerSelector.isEmpty()) {
      throw new IllegalArgumentException(
          "the runner pods' labels must not be empty: an empty selector opens every pod");
    }
    for (String cidr : registryCidrs) {
      if (!CIDR.matcher(cidr).matches()) {
        throw new IllegalArgumentException("invalid registry CIDR: " + cidr);
      }
    }
    if (ttlAfterFinished.isNegative()
        || grace.isNegative()
        || pollInterval.isNegative()
        || pollInterval.isZero()) {
      throw new IllegalArgumentException("durations must be positive");
    }
    if (inputBytes <= 0 || uploadLimit <= 0) {
      throw new IllegalArgumentException("sizes must be positive");
    }
    serviceAccount.ifPresent(
        account -> {
          if (!DNS_LABEL.matcher(account).matches()) {
            throw new IllegalArgumentException("invalid service account: " + account);
          }
        });
    runnerSelector = Map.copyOf(runnerSelector);
    registryCidrs = List.copyOf(registryCidrs);
  }

  /**
   * The defaults of deploy/: runner pods labelled {@code app.kubernetes.io/name=hydra-runner}, no
   * registry, finished Jobs kept one hour, 256 MiB of input, bundles up to 64 MiB, a minute of
   * grace, a look every two seconds, the {@code hydra-stage} service account.
   */
  public static KubernetesSettings defaults(String namespace, InetAddress runnerAddress) {
    return new KubernetesSettings(
        namespace,
        runnerAddress,
        Map.of("app.kubernetes.io/name", "hydra-runner"),
        List.of(),
        Duration.ofHours(1),
        256L << 20,
        64L << 20,
        Duration.ofMinutes(1),
        Duration.ofSeconds(2),
        Optional.of("hydra-stage"));
  }

  /** The same settings with other registry CIDRs. */
  public KubernetesSettings withRegistryCidrs(List<String> cidrs) {
    return new KubernetesSettings(
        namespace,
        runnerAddress,
        runnerSelector,
        cidrs,
        ttlAfterFinished,
        inputBytes,
        uploadLimit,
        grace,
        pollInterval,
        serviceAccount);
  }

  /** The same settings with another grace period and poll interval (tests). */
  public KubernetesSettings withTiming(Duration graceAfterTimeout, Duration interval) {
    return new KubernetesSettings(
        namespace,
        runnerAddress,
        runnerSelector,
        registryCidrs,
        ttlAfterFinished,
        inputBytes,
        uploadLimit,
        graceAfterTimeout,
        interval,
        serviceAccount);
  }
}
