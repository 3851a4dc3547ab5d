package dev.hydra.container.kubernetes;

import dev.hydra.container.ContainerSpec;
import dev.hydra.container.HostPin;
import dev.hydra.container.Mount;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The stage's Job and NetworkPolicy, built from its {@link ContainerSpec} and the cluster's {@link
 * KubernetesSettings} (docs/kubernetes.md); pure, so each field is tested on its own.
 */
final class KubernetesManifests {

  /** The label selecting one stage's pod, for its NetworkPolicy and for the runtime. */
  static final String JOB_LABEL = "hydra.dev/job";

  static final String FETCH = "fetch";
  static final String AGENT = "agent";
  static final String UPLOAD = "upload";

  /** The agent user of the images (images/README.md). */
  static final long AGENT_ID = 10001;

  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  static final String FETCH_SCRIPT =
      "curl --fail --silent --show-error --max-time 600 \"$HYDRA_FETCH_URL\" | tar -x -o -C /";
  static final String UPLOAD_SCRIPT =
      "b=/workspace/out/changes.bundle; if [ -f \"$b\" ] && [ ! -L \"$b\" ]; then"
          + " curl --fail --silent --show-error --max-time 600 --upload-file \"$b\""
          + " \"$HYDRA_UPLOAD_URL\"; fi";

  private KubernetesManifests() {}

  /**
   * Where the stage pod reaches the runner: the transfer endpoint's URLs and port.
   *
   * @param fetchUrl {@code fetch}'s single-use URL
   * @param uploadUrl {@code upload}'s single-use URL
   * @param port the transfer endpoint's port
   */
  record Transfer(String fetchUrl, String uploadUrl, int port) {}

  /** The Job's name: the container's name as a DNS label (lower case, at most 63 characters). */
  static String jobName(ContainerSpec spec) {
    String name = spec.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (name.length() > 63) {
      name = name.substring(0, 63);
    }
    return name.replaceAll("^-+|-+$", "");
  }

  /** The labels of the Job, its pod and its NetworkPolicy: those a label value can hold. */
  static Map<String, String> labels(ContainerSpec spec, Instant start) {
    Map<String, String> labels = new TreeMap<>();
    spec.allLabels(start)
        .forEach(
            (key, value) -> {
              if (LABEL_VALUE.matcher(value).matches()) {
                labels.put(key, value);
              }
            });
    labels.put(JOB_LABEL, jobName(spec));
    return labels;
  }

  private static ObjectMeta metadata(ContainerSpec spec, KubernetesSettings settings, Instant s) {
    return new ObjectMetaBuilder()
        .withName(jobName(spec))
        .withNamespace(settings.namespace())
        .withLabels(labels(spec, s))
        .withAnnotations(new TreeMap<>(spec.allLabels(s)))
        .build();
  }

  /** The stage's Job: one pod, never retried, killed at the stage's timeout. */
  static Job job(
      ContainerSpec spec, KubernetesSettings settings, Transfer transfer, Instant start) {
    long deadline = (spec.timeout().toMillis() + 999) / 1000;
    return new JobBuilder()
        .withMetadata(metadata(spec, settings, start))
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(deadline)
        .withTtlSecondsAfterFinished((int) settings.ttlAfterFinished().toSeconds())
        .withNewTemplate()
        .withMetadata(
            new ObjectMetaBuilder()
                .withLabels(labels(spec, start))
                .withAnnotations(new TreeMap<>(spec.allLabels(start)))
                .build())
        .withSpec(podSpec(spec, settings, transfer))
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The pod: {@code fetch} and {@code agent} as init containers, {@code upload} as its container,
   * restricted Pod Security, memory-backed volumes, no service-account token.
   */
  static PodSpec podSpec(ContainerSpec spec, KubernetesSettings settings, Transfer transfer) {
    ResourceRequirements agentResources = resources(spec.cpus(), spec.memoryBytes());
    Container fetch =
        new ContainerBuilder()
            .withName(FETCH)
            .withImage(spec.image())
            .withImagePullPolicy("IfNotPresent")
            .withCommand("/bin/bash", "-euo", "pipefail", "-c", FETCH_SCRIPT)
            .withEnv(new EnvVar("HYDRA_FETCH_URL", transfer.fetchUrl(), null))
            .withVolumeMounts(
                mount("workspace", "/workspace", false), mount("input", "/input", false))
            .withResources(agentResources)
            .withSecurityContext(restricted())
            .build();
    ContainerBuilder agentBuilder =
        new ContainerBuilder()
            .withName(AGENT)
            .withImage(spec.image())
            .withImagePullPolicy("IfNotPresent");
    if (!spec.command().isEmpty()) {
      // `command` replaces the image's ENTRYPOINT (`args` would only replace its CMD, and a
      // persona image's entrypoint ignores arguments): a gate's command runs, not the agent.
      agentBuilder.withCommand(spec.command());
    }
    if (!spec.workdir().isEmpty()) {
      agentBuilder.withWorkingDir(spec.workdir());
    }
    Container agent =
        agentBuilder
            .withEnv(agentEnv(spec))
            .withVolumeMounts(
                mount("tmp", "/tmp", false),
                mount("workspace", "/workspace", false),
                mount("input", "/input", true))
            .withResources(agentResources)
            .withSecurityContext(restricted())
            .build();
    Container upload =
        new ContainerBuilder()
            .withName(UPLOAD)
            .withImage(spec.image())
            .withImagePullPolicy("IfNotPresent")
            .withCommand("/bin/bash", "-eu", "-c", UPLOAD_SCRIPT)
            .withEnv(new EnvVar("HYDRA_UPLOAD_URL", transfer.uploadUrl(), null))
            .withVolumeMounts(mount("workspace", "/workspace", true))
            .withResources(resources(0.25, 128L << 20))
            .withSecurityContext(restricted())
            .build();
    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withRestartPolicy("Never")
            .withAutomountServiceAccountToken(false)
            .withEnableServiceLinks(false)
            .withSecurityContext(
                new PodSecurityContextBuilder()
                    .withRunAsNonRoot(true)
                    .withRunAsUser(AGENT_ID)
                    .withRunAsGroup(AGENT_ID)
                    .withFsGroup(AGENT_ID)
                    .withNewSeccompProfile()
                    .withType("RuntimeDefault")
                    .endSeccompProfile()
                    .build())
            .withInitContainers(fetch, agent)
            .withContainers(upload)
            .withVolumes(
                memory("tmp", spec.tmpBytes()),
                memory("workspace", spec.workspaceBytes()),
                memory("input", settings.inputBytes()));
    settings.serviceAccount().ifPresent(pod::withServiceAccountName);
    pod.withHostAliases(hostAliases(spec));
    return pod.build();
  }

  /**
   * The spec's pinned hosts ({@link ContainerSpec#hosts}, {@code docker run --add-host} on Docker)
   * as the pod's {@code hostAliases}: one entry per address, its names in the pins' order, so the
   * kubelet writes the same {@code /etc/hosts} lines the Docker engine does.
   */
  static List<HostAlias> hostAliases(ContainerSpec spec) {
    Map<String, List<String>> byAddress = new LinkedHashMap<>();
    for (HostPin pin : spec.hosts()) {
      List<String> names =
          byAddress.computeIfAbsent(pin.address().getHostAddress(), a -> new ArrayList<>());
      if (!names.contains(pin.name())) {
        names.add(pin.name());
      }
    }
    List<HostAlias> aliases = new ArrayList<>();
    byAddress.forEach((ip, names) -> aliases.add(new HostAlias(names, ip)));
    return aliases;
  }

  /**
   * The builder's egress blocks on 443: the configured registry CIDRs, then each pinned address
   * that none of them holds, as a single-address block ({@code /32}, {@code /128}). The pins are
   * the runner's resolved allow-list; with {@code hostAliases} the pod never asks DNS for them, so
   * neither a plain policy by CIDR nor Cilium's {@code toFQDNs} (which learns addresses from the
   * DNS answers it proxies) would open them otherwise. A pin in link-local space (cloud metadata)
   * is never opened.
   */
  static List<String> registryBlocks(ContainerSpec spec, KubernetesSettings settings) {
    List<String> blocks = new ArrayList<>(settings.registryCidrs());
    for (HostPin pin : spec.hosts()) {
      InetAddress address = pin.address();
      if (address.isLinkLocalAddress() || address.isLoopbackAddress()) {
        continue;
      }
      String block = address.getHostAddress() + (address instanceof Inet6Address ? "/128" : "/32");
      if (!blocks.contains(block)
          && settings.registryCidrs().stream().noneMatch(c -> holds(c, address))) {
        blocks.add(block);
      }
    }
    return blocks;
  }

  /** Whether an IPv4 CIDR holds the address; an IPv6 CIDR is never assumed to. */
  static boolean holds(String cidr, InetAddress address) {
    return address instanceof Inet4Address
        && !cidr.contains(":")
        && holds(cidr, ipv4(address.getHostAddress()));
  }

  private static boolean holds(String cidr, long address) {
    int slash = cidr.indexOf('/');
    int prefix = Integer.parseInt(cidr.substring(slash + 1));
    long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    return (address & mask) == (ipv4(cidr.substring(0, slash)) & mask);
  }

  /**
   * The agent's variables: the spec's, all plain values, and {@code HYDRA_EGRESS=cluster} — the
   * NetworkPolicy is the firewall and the entrypoint only verifies it (contract v2.1).
   */
  static List<EnvVar> agentEnv(ContainerSpec spec) {
    Map<String, String> env = new TreeMap<>(spec.env());
    env.put("HYDRA_EGRESS", "cluster");
    List<EnvVar> vars = new ArrayList<>();
    env.forEach((key, value) -> vars.add(new EnvVar(key, value, null)));
    return vars;
  }

  /** The restricted profile's container fields, plus a read-only root. */
  static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private static ResourceRequirements resources(double cpus, long memoryBytes) {
    Map<String, Quantity> amounts = new LinkedHashMap<>();
    amounts.put("cpu", new Quantity(Math.max(1, Math.round(cpus * 1000)) + "m"));
    amounts.put("memory", new Quantity(Long.toString(memoryBytes)));
    return new ResourceRequirementsBuilder().withRequests(amounts).withLimits(amounts).build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    VolumeMount mount = new VolumeMount();
    mount.setName(volume);
    mount.setMountPath(path);
    mount.setReadOnly(readOnly);
    return mount;
  }

  private static Volume memory(String name, long bytes) {
    return new VolumeBuilder()
        .withName(name)
        .withNewEmptyDir()
        .withMedium("Memory")
        .withSizeLimit(new Quantity(Long.toString(bytes)))
        .endEmptyDir()
        .build();
  }

  /**
   * The stage's NetworkPolicy: its pod only; no ingress; egress to kube-dns, to the runner pods on
   * the gateway's and the transfer's port, and for the builder to the registry CIDRs and its pinned
   * addresses on 443 ({@link #registryBlocks}).
   */
  static NetworkPolicy networkPolicy(
      ContainerSpec spec, KubernetesSettings settings, Transfer transfer, Instant start) {
    List<NetworkPolicyEgressRule> egress = new ArrayList<>();
    egress.add(
        new NetworkPolicyEgressRuleBuilder()
            .addNewTo()
            .withNewNamespaceSelector()
            .addToMatchLabels("kubernetes.io/metadata.name", "kube-system")
            .endNamespaceSelector()
            .withNewPodSelector()
            .addToMatchLabels("k8s-app", "kube-dns")
            .endPodSelector()
            .endTo()
            .withPorts(port("UDP", 53), port("TCP", 53))
            .build());
    List<NetworkPolicyPort> runnerPorts = new ArrayList<>();
    gatewayPort(spec).ifPresent(p -> runnerPorts.add(port("TCP", p)));
    runnerPorts.add(port("TCP", transfer.port()));
    egress.add(
        new NetworkPolicyEgressRuleBuilder()
            .addNewTo()
            .withNewPodSelector()
            .withMatchLabels(settings.runnerSelector())
            .endPodSelector()
            .endTo()
            .withPorts(runnerPorts)
            .build());
    List<String> blocks = registryBlocks(spec, settings);
    if (isBuilder(spec) && !blocks.isEmpty()) {
      NetworkPolicyEgressRuleBuilder registries = new NetworkPolicyEgressRuleBuilder();
      for (String cidr : blocks) {
        registries
            .addNewTo()
            .withNewIpBlock()
            .withCidr(cidr)
            .withExcept(metadataExcept(cidr))
            .endIpBlock()
            .endTo();
      }
      egress.add(registries.withPorts(port("TCP", 443)).build());
    }
    return new NetworkPolicyBuilder()
        .withMetadata(metadata(spec, settings, start))
        .withNewSpec()
        .withNewPodSelector()
        .addToMatchLabels(JOB_LABEL, jobName(spec))
        .endPodSelector()
        .withPolicyTypes("Ingress", "Egress")
        .withEgress(egress)
        .endSpec()
        .build();
  }

  /** The builder's spec: {@code HYDRA_MODE=build}. */
  static boolean isBuilder(ContainerSpec spec) {
    return "build".equals(spec.env().get("HYDRA_MODE"));
  }

  /** The model gateway's port, from {@code ANTHROPIC_BASE_URL}; none in demo mode. */
  static OptionalInt gatewayPort(ContainerSpec spec) {
    return Optional.ofNullable(spec.env().get("ANTHROPIC_BASE_URL"))
        .map(
            url -> {
              try {
                return URI.create(url).getPort();
              } catch (IllegalArgumentException e) {
                return -1;
              }
            })
        .filter(p -> p > 0)
        .map(OptionalInt::of)
        .orElse(OptionalInt.empty());
  }

  // Cloud metadata (169.254.169.254) stays closed even inside a wide IPv4 block.
  private static List<String> metadataExcept(String cidr) {
    boolean wide =
        !cidr.contains(":") && Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1)) <= 16;
    return wide && holds(cidr, ipv4("169.254.0.0")) ? List.of("169.254.0.0/16") : List.of();
  }

  private static long ipv4(String dotted) {
    long value = 0;
    for (String part : dotted.split("\\.", -1)) {
      value = (value << 8) | Integer.parseInt(part);
    }
    return value;
  }

  private static NetworkPolicyPort port(String protocol, int number) {
    NetworkPolicyPort port = new NetworkPolicyPort();
    port.setProtocol(protocol);
    port.setPort(new IntOrString(number));
    return port;
  }

  /** The folder mounted at this path in the spec, if any. */
  static Optional<java.nio.file.Path> source(ContainerSpec spec, String target) {
    return spec.mounts().stream()
        .filter(m -> m.target().equals(target))
        .map(Mount::source)
        .findFirst();
  }
}
