package dev.hydra.container.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.hydra.container.ContainerSpec;
import dev.hydra.container.HostPin;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesManifestsTest {

  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
  private static final KubernetesManifests.Transfer TRANSFER =
      new KubernetesManifests.Transfer("http://10.1.2.3:40001/f", "http://10.1.2.3:40001/u", 40001);

  @TempDir Path dir;

  ContainerSpec builder() {
    return KubernetesSpecs.builder(dir, dir, Duration.ofMinutes(45).plusMillis(1));
  }

  Job job() {
    return KubernetesManifests.job(builder(), KubernetesSpecs.settings(), TRANSFER, START);
  }

  PodSpec pod() {
    return job().getSpec().getTemplate().getSpec();
  }

  static List<Container> all(PodSpec pod) {
    List<Container> all = new ArrayList<>(pod.getInitContainers());
    all.addAll(pod.getContainers());
    return all;
  }

  static Container named(PodSpec pod, String name) {
    return all(pod).stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theJobRunsOncePodUntilTheStagesDeadlineAndIsCollectedAfterwards() {
    Job job = job();
    assertThat(job.getMetadata().getName()).isEqualTo("hydra-build-7-0a1b2c3d");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("hydra");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(45 * 60 + 1);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
    assertThat(pod().getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  void labelsMarkItAsHydrasWithItsDeadlineAndTheRepositoryGoesToAnAnnotation() {
    Job job = job();
    Map<String, String> labels = job.getMetadata().getLabels();
    long deadline = START.plus(Duration.ofMinutes(45).plusMillis(1)).getEpochSecond();
    assertThat(labels)
        .containsEntry("hydra.managed", "true")
        .containsEntry("hydra.deadline", Long.toString(deadline))
        .containsEntry("hydra.stage", "build")
        .containsEntry("hydra.dev/job", "hydra-build-7-0a1b2c3d")
        .doesNotContainKey("hydra.repo"); // "o/r" is no label value
    assertThat(job.getMetadata().getAnnotations()).containsEntry("hydra.repo", "o/r");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(labels);
  }

  @Test
  void thePodFollowsTheRestrictedProfileInEveryContainer() {
    PodSpec pod = pod();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getEnableServiceLinks()).isFalse();
    assertThat(pod.getServiceAccountName()).isEqualTo("hydra-stage");
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(10001L);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(10001L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(all(pod)).extracting(Container::getName).containsExactly("fetch", "agent", "upload");
    for (Container c : all(pod)) {
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
      assertThat(c.getSecurityContext().getRunAsNonRoot()).as(c.getName()).isTrue();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getCapabilities().getAdd()).isEmpty();
      assertThat(c.getSecurityContext().getPrivileged()).isNull();
      assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getImage()).isEqualTo("ghcr.io/o/hydra-builder@sha256:" + "a".repeat(64));
    }
  }

  @Test
  void theAgentGetsTheProfilesLimitsAsRequestsAndLimits() {
    Container agent = named(pod(), "agent");
    Map<String, Quantity> limits = agent.getResources().getLimits();
    assertThat(limits.get("cpu")).isEqualTo(new Quantity("4000m"));
    assertThat(Quantity.getAmountInBytes(limits.get("memory")).longValueExact())
        .isEqualTo(8L << 30);
    assertThat(agent.getResources().getRequests()).isEqualTo(limits);
    assertThat(named(pod(), "fetch").getResources()).isEqualTo(agent.getResources());
  }

  @Test
  void tmpWorkspaceAndInputAreMemoryBackedWithSizeLimits() {
    Map<String, Volume> volumes =
        pod().getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes).containsOnlyKeys("tmp", "workspace", "input");
    for (Volume v : volumes.values()) {
      assertThat(v.getEmptyDir().getMedium()).isEqualTo("Memory");
      assertThat(v.getSecret()).isNull();
      assertThat(v.getHostPath()).isNull();
    }
    assertThat(bytes(volumes, "tmp")).isEqualTo(512L << 20);
    assertThat(bytes(volumes, "workspace")).isEqualTo(2L << 30);
    assertThat(bytes(volumes, "input")).isEqualTo(256L << 20);
  }

  static long bytes(Map<String, Volume> volumes, String name) {
    Volume v = java.util.Objects.requireNonNull(volumes.get(name));
    return Quantity.getAmountInBytes(v.getEmptyDir().getSizeLimit()).longValueExact();
  }

  @Test
  void theAgentMountsInputReadOnlyAndUploadOnlyReadsTheWorkspace() {
    Map<String, Boolean> agent =
        named(pod(), "agent").getVolumeMounts().stream()
            .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getReadOnly));
    assertThat(agent)
        .containsEntry("/tmp", false)
        .containsEntry("/workspace", false)
        .containsEntry("/input", true);
    assertThat(named(pod(), "upload").getVolumeMounts())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/workspace");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void noContainerReferencesASecretAndOnlyFetchAndUploadKnowTheirUrl() {
    PodSpec pod = pod();
    for (Container c : all(pod)) {
      assertThat(c.getEnvFrom()).as(c.getName()).isEmpty();
      for (EnvVar e : c.getEnv()) {
        assertThat(e.getValueFrom()).as(c.getName() + " " + e.getName()).isNull();
        assertThat(e.getValue()).as(e.getName()).isNotNull();
      }
    }
    Map<String, String> agent = env(named(pod, "agent"));
    assertThat(agent)
        .containsEntry("HYDRA_EGRESS", "cluster")
        .containsEntry("HYDRA_MODE", "build")
        .containsEntry("ANTHROPIC_API_KEY", "hydra-gateway-placeholder-x")
        .doesNotContainKeys(
            "HYDRA_FETCH_URL",
            "HYDRA_UPLOAD_URL",
            "GIT_TOKEN",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "ANTHROPIC_AUTH_TOKEN");
    assertThat(agent.values()).noneMatch(v -> v.contains("/f") || v.contains("/u"));
    assertThat(env(named(pod, "fetch"))).containsOnlyKeys("HYDRA_FETCH_URL");
    assertThat(env(named(pod, "upload"))).containsOnlyKeys("HYDRA_UPLOAD_URL");
    assertThat(named(pod, "agent").getCommand()).isEmpty(); // the image's own entrypoint
    assertThat(named(pod, "fetch").getCommand()).contains(KubernetesManifests.FETCH_SCRIPT);
    assertThat(named(pod, "upload").getCommand()).contains(KubernetesManifests.UPLOAD_SCRIPT);
  }

  @Test
  void aCommandReplacesTheAgentImagesEntrypointNotOnlyItsArguments() {
    ContainerSpec b = builder();
    ContainerSpec gate =
        new ContainerSpec(
            b.image(),
            "hydra-gate-lint-0a1b2c3d",
            b.network(),
            b.cpus(),
            b.memoryBytes(),
            b.pidsLimit(),
            b.tmpBytes(),
            b.workspaceBytes(),
            Set.of(),
            Map.of("HYDRA_GATE_NAME", "lint"),
            b.mounts(),
            Map.of("hydra.gate", "lint"),
            b.timeout(),
            List.of("/bin/sh", "-c", "make lint"),
            "/workspace");
    Container agent =
        named(
            KubernetesManifests.job(gate, KubernetesSpecs.settings(), TRANSFER, START)
                .getSpec()
                .getTemplate()
                .getSpec(),
            "agent");

    assertThat(agent.getCommand()).containsExactly("/bin/sh", "-c", "make lint");
    assertThat(agent.getArgs()).isEmpty();
    assertThat(agent.getWorkingDir()).isEqualTo("/workspace");
    assertThat(named(pod(), "agent").getWorkingDir()).isNull();
  }

  @Test
  void anEgressValueInTheSpecCannotSwitchTheCheckOff() {
    ContainerSpec b = builder();
    Map<String, String> env = new java.util.HashMap<>(b.env());
    env.put("HYDRA_EGRESS", "off");
    ContainerSpec off =
        new ContainerSpec(
            b.image(),
            b.name(),
            b.network(),
            b.cpus(),
            b.memoryBytes(),
            b.pidsLimit(),
            b.tmpBytes(),
            b.workspaceBytes(),
            b.capAdd(),
            env,
            b.mounts(),
            b.labels(),
            b.timeout());
    assertThat(KubernetesManifests.agentEnv(off))
        .filteredOn(e -> e.getName().equals("HYDRA_EGRESS"))
        .singleElement()
        .extracting(EnvVar::getValue)
        .isEqualTo("cluster");
  }

  static Map<String, String> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void theNetworkPolicySelectsOnlyThisPodAndAllowsNoIngress() {
    NetworkPolicy np =
        KubernetesManifests.networkPolicy(builder(), KubernetesSpecs.settings(), TRANSFER, START);
    assertThat(np.getMetadata().getName()).isEqualTo("hydra-build-7-0a1b2c3d");
    assertThat(np.getMetadata().getLabels()).containsEntry("hydra.managed", "true");
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .containsExactly(Map.entry("hydra.dev/job", "hydra-build-7-0a1b2c3d"));
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(np.getSpec().getIngress()).isEmpty();
  }

  @Test
  void egressIsDnsThenTheRunnersGatewayAndTransferPortsOnly() {
    NetworkPolicy np =
        KubernetesManifests.networkPolicy(
            KubernetesSpecs.reviewer(dir, dir), KubernetesSpecs.settings(), TRANSFER, START);
    List<NetworkPolicyEgressRule> egress = np.getSpec().getEgress();
    assertThat(egress).hasSize(2);
    NetworkPolicyEgressRule dns = egress.get(0);
    assertThat(dns.getTo().get(0).getNamespaceSelector().getMatchLabels())
        .containsExactly(Map.entry("kubernetes.io/metadata.name", "kube-system"));
    assertThat(dns.getTo().get(0).getPodSelector().getMatchLabels())
        .containsExactly(Map.entry("k8s-app", "kube-dns"));
    assertThat(ports(dns)).containsExactly("UDP/53", "TCP/53");
    NetworkPolicyEgressRule runner = egress.get(1);
    assertThat(runner.getTo().get(0).getPodSelector().getMatchLabels())
        .containsExactly(Map.entry("app.kubernetes.io/name", "hydra-runner"));
    assertThat(runner.getTo().get(0).getNamespaceSelector()).isNull(); // its own namespace
    assertThat(ports(runner)).containsExactly("TCP/40000", "TCP/40001");
  }

  @Test
  void theBuilderAlsoReachesItsRegistriesOn443ButNeverCloudMetadata() {
    KubernetesSettings settings =
        KubernetesSpecs.settings().withRegistryCidrs(List.of("10.20.0.0/16", "0.0.0.0/0"));
    NetworkPolicy np = KubernetesManifests.networkPolicy(builder(), settings, TRANSFER, START);
    List<NetworkPolicyEgressRule> egress = np.getSpec().getEgress();
    assertThat(egress).hasSize(3);
    NetworkPolicyEgressRule registries = egress.get(2);
    assertThat(ports(registries)).containsExactly("TCP/443");
    assertThat(registries.getTo())
        .extracting(p -> p.getIpBlock().getCidr(), p -> p.getIpBlock().getExcept())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10.20.0.0/16", List.of()),
            org.assertj.core.groups.Tuple.tuple("0.0.0.0/0", List.of("169.254.0.0/16")));
    // The reviewer gets no registry even with CIDRs configured.
    assertThat(
            KubernetesManifests.networkPolicy(
                    KubernetesSpecs.reviewer(dir, dir), settings, TRANSFER, START)
                .getSpec()
                .getEgress())
        .hasSize(2);
  }

  /** An address literal (no lookup). */
  static InetAddress ip(String literal) throws java.net.UnknownHostException {
    return InetAddress.getAllByName(literal)[0];
  }

  /** The builder as the runner pins it: two registries, one sharing an address, and IPv6. */
  ContainerSpec pinned() throws Exception {
    return builder()
        .withHosts(
            List.of(
                new HostPin("registry.npmjs.org", ip("104.16.1.34")),
                new HostPin("registry.npmjs.org", ip("104.16.2.34")),
                new HostPin("pypi.org", ip("151.101.0.223")),
                new HostPin("files.pythonhosted.org", ip("151.101.0.223")),
                new HostPin("deb.debian.org", ip("2a04:4e42::644")),
                new HostPin("repo1.maven.org", ip("10.20.3.4"))));
  }

  @Test
  void thePinnedHostsBecomeThePodsHostAliasesOneEntryPerAddress() throws Exception {
    PodSpec pod =
        KubernetesManifests.job(pinned(), KubernetesSpecs.settings(), TRANSFER, START)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getHostAliases())
        .extracting(HostAlias::getIp, HostAlias::getHostnames)
        .containsExactly(
            tuple("104.16.1.34", List.of("registry.npmjs.org")),
            tuple("104.16.2.34", List.of("registry.npmjs.org")),
            tuple("151.101.0.223", List.of("pypi.org", "files.pythonhosted.org")),
            tuple("2a04:4e42:0:0:0:0:0:644", List.of("deb.debian.org")),
            tuple("10.20.3.4", List.of("repo1.maven.org")));
    assertThat(pod().getHostAliases()).as("no pin, no alias").isEmpty();
  }

  @Test
  void thePolicyOpensEveryPinnedAddressOn443ThatNoRegistryCidrHolds() throws Exception {
    KubernetesSettings settings =
        KubernetesSpecs.settings().withRegistryCidrs(List.of("10.20.0.0/16"));
    NetworkPolicy np = KubernetesManifests.networkPolicy(pinned(), settings, TRANSFER, START);
    NetworkPolicyEgressRule registries = np.getSpec().getEgress().get(2);
    assertThat(ports(registries)).containsExactly("TCP/443");
    assertThat(registries.getTo())
        .extracting(p -> p.getIpBlock().getCidr(), p -> p.getIpBlock().getExcept())
        .containsExactly(
            tuple("10.20.0.0/16", List.of()), // holds 10.20.3.4: no block of its own
            tuple("104.16.1.34/32", List.of()),
            tuple("104.16.2.34/32", List.of()),
            tuple("151.101.0.223/32", List.of()), // two names, one block
            tuple("2a04:4e42:0:0:0:0:0:644/128", List.of()));
    // Every address a pin names is reachable: by its own block or by a configured CIDR.
    for (HostPin pin : pinned().hosts()) {
      assertThat(
              registries.getTo().stream()
                  .map(p -> p.getIpBlock().getCidr())
                  .anyMatch(
                      c ->
                          c.equals(pin.address().getHostAddress() + "/32")
                              || c.equals(pin.address().getHostAddress() + "/128")
                              || KubernetesManifests.holds(c, pin.address())))
          .as(pin.addHost())
          .isTrue();
    }
  }

  @Test
  void pinsAloneOpenTheRegistriesButNeverMetadataOrLoopback() throws Exception {
    ContainerSpec spec =
        pinned()
            .withHosts(
                List.of(
                    new HostPin("pypi.org", ip("151.101.0.223")),
                    new HostPin("pypi.org", ip("169.254.169.254")),
                    new HostPin("pypi.org", ip("127.0.0.1"))));
    NetworkPolicy np =
        KubernetesManifests.networkPolicy(spec, KubernetesSpecs.settings(), TRANSFER, START);
    assertThat(np.getSpec().getEgress()).hasSize(3);
    assertThat(np.getSpec().getEgress().get(2).getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("151.101.0.223/32");
  }

  @Test
  void cidrsHoldOnlyTheirOwnIpv4Addresses() throws Exception {
    assertThat(KubernetesManifests.holds("10.20.0.0/16", ip("10.20.255.1"))).isTrue();
    assertThat(KubernetesManifests.holds("10.20.0.0/16", ip("10.21.0.1"))).isFalse();
    assertThat(KubernetesManifests.holds("0.0.0.0/0", ip("8.8.8.8"))).isTrue();
    assertThat(KubernetesManifests.holds("2a04::/16", ip("2a04::1")))
        .as("IPv6 blocks are never assumed to hold: the pin gets its own /128")
        .isFalse();
  }

  static List<String> ports(NetworkPolicyEgressRule rule) {
    return rule.getPorts().stream()
        .map((NetworkPolicyPort p) -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .toList();
  }

  @Test
  void jobNamesAreDnsLabels() {
    ContainerSpec b = builder();
    ContainerSpec odd =
        new ContainerSpec(
            b.image(),
            "Hydra_Build." + "x".repeat(80),
            b.network(),
            b.cpus(),
            b.memoryBytes(),
            b.pidsLimit(),
            b.tmpBytes(),
            b.workspaceBytes(),
            b.capAdd(),
            b.env(),
            b.mounts(),
            b.labels(),
            b.timeout());
    assertThat(KubernetesManifests.jobName(odd))
        .hasSize(63)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        .startsWith("hydra-build-");
  }
}
