package dev.hydra.config;

import dev.hydra.text.Texts;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which container runtime runs the stages, as the environment gives it, read once: {@code
 * HYDRA_RUNTIME} ({@code docker}, the default, or {@code kubernetes}) and what the Kubernetes
 * runtime needs ({@code HYDRA_K8S_NAMESPACE}, {@code HYDRA_POD_IP}, {@code
 * HYDRA_K8S_REGISTRY_CIDRS}, {@code HYDRA_K8S_KUBECONFIG}; docs/kubernetes.md). Values are
 * stripped; {@link #choice()} checks them when a stage is about to run, so a command that runs no
 * stage never fails on them. Pure.
 *
 * @param runtime {@code HYDRA_RUNTIME} as set, empty for the default
 * @param namespace {@code HYDRA_K8S_NAMESPACE}
 * @param podIp {@code HYDRA_POD_IP}
 * @param registryCidrs {@code HYDRA_K8S_REGISTRY_CIDRS}, comma-separated
 * @param kubeconfig {@code HYDRA_K8S_KUBECONFIG}, empty for the client's own configuration
 */
public record RuntimeSettings(
    String runtime, String namespace, String podIp, String registryCidrs, String kubeconfig) {

  /** The variable that picks the runtime. */
  public static final String RUNTIME = Variables.RUNTIME.name();

  /** The runner's namespace, where stage Jobs are made. */
  public static final String NAMESPACE = Variables.K8S_NAMESPACE.name();

  /** The runner pod's IP, from the downward API. */
  public static final String POD_IP = Variables.POD_IP.name();

  /** The builder's registries (or their mirror) by CIDR. */
  public static final String REGISTRY_CIDRS = Variables.K8S_REGISTRY_CIDRS.name();

  /** A kubeconfig file, for a runner outside the cluster. */
  public static final String KUBECONFIG = Variables.K8S_KUBECONFIG.name();

  /** The local Docker engine, nothing else set. */
  public static final RuntimeSettings DOCKER = new RuntimeSettings("", "", "", "", "");

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]{2,39}");
  private static final Pattern CIDR =
      Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]{2,39}/[0-9]{1,3}");

  /** Strips the values. */
  public RuntimeSettings {
    runtime = runtime.strip();
    namespace = namespace.strip();
    podIp = podIp.strip();
    registryCidrs = registryCidrs.strip();
    kubeconfig = kubeconfig.strip();
  }

  /**
   * Reads the variables; never fails.
   *
   * @param env the process environment
   */
  public static RuntimeSettings from(Map<String, String> env) {
    return new RuntimeSettings(
        env.getOrDefault(RUNTIME, ""),
        env.getOrDefault(NAMESPACE, ""),
        env.getOrDefault(POD_IP, ""),
        env.getOrDefault(REGISTRY_CIDRS, ""),
        env.getOrDefault(KUBECONFIG, ""));
  }

  /** Where stages run. */
  public sealed interface Choice permits Docker, Kubernetes {}

  /** On the local Docker engine. */
  public record Docker() implements Choice {}

  /**
   * As Kubernetes Jobs.
   *
   * @param namespace the runner's namespace
   * @param podIp the runner pod's IP literal: the model gateway and the transfer endpoint listen
   *     there
   * @param registryCidrs the builder's registries by CIDR, none for none
   * @param kubeconfig a kubeconfig file; empty for the client's own (in a pod: its service account)
   */
  public record Kubernetes(
      String namespace, String podIp, List<String> registryCidrs, Optional<String> kubeconfig)
      implements Choice {

    /** Copies the list. */
    public Kubernetes {
      registryCidrs = List.copyOf(registryCidrs);
    }
  }

  /**
   * The runtime the settings choose, checked.
   *
   * @throws InvalidConfigurationException naming the variable that is wrong and the fix
   */
  public Choice choice() throws InvalidConfigurationException {
    switch (runtime.toLowerCase(Locale.ROOT)) {
      case "", "docker" -> {
        return new Docker();
      }
      case "kubernetes" -> {
        return kubernetes();
      }
      default ->
          throw new InvalidConfigurationException(
              RUNTIME
                  + " is "
                  + Texts.quote(Texts.escape(runtime, 40))
                  + ", not a runtime; set it to docker (the local Docker engine, the default) or"
                  + " kubernetes (each stage a Job in "
                  + NAMESPACE
                  + "; docs/kubernetes.md)");
    }
  }

  /** What is wrong with a variable's value: unset, or not what it should be. */
  private static String wrong(String variable, String value, String what) {
    return variable
        + (value.isEmpty()
            ? " is not set"
            : " is " + Texts.quote(Texts.escape(value, 70)) + ", not " + what);
  }

  private Kubernetes kubernetes() throws InvalidConfigurationException {
    String with = " with " + RUNTIME + "=kubernetes";
    if (!DNS_LABEL.matcher(namespace).matches()) {
      throw new InvalidConfigurationException(
          wrong(NAMESPACE, namespace, "a namespace")
              + with
              + "; set it to the runner's own namespace (deploy/ makes hydra)");
    }
    if (!IPV4.matcher(podIp).matches() && !(IPV6.matcher(podIp).matches() && podIp.contains(":"))) {
      throw new InvalidConfigurationException(
          wrong(POD_IP, podIp, "an IP address")
              + with
              + "; set it from the downward API (fieldPath: status.podIP), as"
              + " deploy/arc/runner-scale-set-values.yaml does");
    }
    List<String> cidrs =
        Arrays.stream(registryCidrs.split(",", -1))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    for (String cidr : cidrs) {
      if (!CIDR.matcher(cidr).matches()) {
        throw new InvalidConfigurationException(
            REGISTRY_CIDRS
                + ": "
                + Texts.quote(Texts.escape(cidr, 45))
                + " is not a CIDR; list the builder's registries or their mirror as"
                + " comma-separated CIDRs (10.20.0.0/16,2001:db8::/32), or leave it empty");
      }
    }
    return new Kubernetes(
        namespace, podIp, cidrs, Optional.of(kubeconfig).filter(s -> !s.isEmpty()));
  }
}
