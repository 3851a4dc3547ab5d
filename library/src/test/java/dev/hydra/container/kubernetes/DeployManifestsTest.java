package dev.hydra.container.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.HostPin;
import dev.hydra.stage.EgressPins;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under deploy/ parsed with fabric8's model classes: the restricted fields, no
 * cluster-wide right, no Secret value, no host name in a plain NetworkPolicy, images by digest.
 */
class DeployManifestsTest {

  static final Path DEPLOY = Path.of("..", "deploy");
  static final KubernetesSerialization YAML = new KubernetesSerialization();
  static final Pattern CIDR =
      Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]{2,39}/[0-9]{1,3}");

  static List<Path> files() throws IOException {
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      return walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** The Kubernetes resources of deploy/, each as its model class where fabric8 has one. */
  static List<HasMetadata> resources() throws IOException {
    List<HasMetadata> all = new ArrayList<>();
    for (Path file : files()) {
      if (file.getFileName().toString().equals("runner-scale-set-values.yaml")) {
        continue; // Helm values, not a resource: see theRunnerPodIsRestrictedToo
      }
      Object parsed = YAML.unmarshal(Files.readString(file));
      if (parsed instanceof List<?> list) {
        list.forEach(o -> all.add((HasMetadata) o));
      } else {
        all.add((HasMetadata) parsed);
      }
    }
    return all;
  }

  @Test
  void everyManifestParsesAsAKnownKind() throws IOException {
    List<HasMetadata> resources = resources();
    assertThat(resources)
        .extracting(HasMetadata::getKind)
        .contains(
            "Namespace",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "NetworkPolicy",
            "Secret",
            "Application",
            "CiliumNetworkPolicy",
            "Kustomization");
    for (HasMetadata r : resources) {
      if (r instanceof GenericKubernetesResource) {
        assertThat(r.getApiVersion())
            .as(r.getKind())
            .isIn("argoproj.io/v1alpha1", "cilium.io/v2", "kustomize.config.k8s.io/v1beta1");
      }
    }
  }

  @Test
  void nothingIsClusterWideAndTheRoleGrantsOnlyWhatTheRuntimeUses() throws IOException {
    List<HasMetadata> resources = resources();
    assertThat(resources)
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
    Role role =
        resources.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(role.getMetadata().getNamespace()).isEqualTo("hydra");
    List<String> grants = new ArrayList<>();
    for (PolicyRule rule : role.getRules()) {
      for (String resource : rule.getResources()) {
        grants.add(resource + ":" + String.join(",", rule.getVerbs()));
      }
    }
    assertThat(grants)
        .containsExactlyInAnyOrder(
            "jobs:create,get,list,watch,delete",
            "networkpolicies:create,get,list,watch,delete",
            "pods:get,list",
            "pods/log:get,list");
  }

  @Test
  void secretsCarryNoValue() throws IOException {
    List<Secret> secrets =
        resources().stream().filter(Secret.class::isInstance).map(Secret.class::cast).toList();
    assertThat(secrets).isNotEmpty();
    for (Secret s : secrets) {
      assertThat(s.getData()).as(s.getMetadata().getName()).isNullOrEmpty();
      assertThat(s.getStringData().values())
          .as(s.getMetadata().getName())
          .allMatch(String::isEmpty);
    }
  }

  @Test
  void theExampleSecretsAreNoKustomizeResourceSoArgoCdNeverBlanksTheRealOnes() throws IOException {
    for (Path file : files()) {
      if (file.getFileName().toString().equals("kustomization.yaml")) {
        String text = Files.readString(file);
        assertThat(text).doesNotContainPattern("(?m)^\\s*-\\s*secrets");
        for (String line : text.lines().filter(l -> l.matches("\\s*-\\s*\\S+")).toList()) {
          Path ref =
              Objects.requireNonNull(file.getParent()).resolve(line.replaceFirst("\\s*-\\s*", ""));
          assertThat(ref).as("a resource of " + file).exists();
        }
      }
    }
  }

  @Test
  void theNamespaceEnforcesTheRestrictedProfile() throws IOException {
    Namespace ns =
        resources().stream()
            .filter(Namespace.class::isInstance)
            .map(Namespace.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(ns.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
  }

  @Test
  void plainNetworkPoliciesNameNoHostOnlyCidrs() throws IOException {
    List<NetworkPolicy> policies = new ArrayList<>();
    resources().stream()
        .filter(NetworkPolicy.class::isInstance)
        .map(NetworkPolicy.class::cast)
        .forEach(policies::add);
    // The runtime's own, for the builder with registries and a pinned host: its address only.
    policies.add(
        KubernetesManifests.networkPolicy(
            KubernetesSpecs.builder(Path.of("w"), Path.of("i"), Duration.ofMinutes(5))
                .withHosts(
                    List.of(
                        new HostPin(
                            "registry.npmjs.org",
                            InetAddress.getByAddress(new byte[] {104, 16, 1, 34})))),
            KubernetesSpecs.settings().withRegistryCidrs(List.of("10.0.0.0/8", "2001:db8::/32")),
            new KubernetesManifests.Transfer("http://a/f", "http://a/u", 1),
            Instant.EPOCH));
    assertThat(policies).hasSizeGreaterThanOrEqualTo(2);
    for (NetworkPolicy policy : policies) {
      List<NetworkPolicyPeer> peers = new ArrayList<>();
      for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
        peers.addAll(rule.getTo());
      }
      policy.getSpec().getIngress().forEach(rule -> peers.addAll(rule.getFrom()));
      for (NetworkPolicyPeer peer : peers) {
        IPBlock block = peer.getIpBlock();
        if (block != null) {
          assertThat(block.getCidr()).matches(CIDR);
          assertThat(block.getExcept()).allMatch(e -> CIDR.matcher(e).matches());
        }
      }
      // Nothing in a plain policy can hold a name; the YAML shows none anywhere.
      assertThat(YAML.asYaml(policy)).doesNotContainPattern("(?i)fqdn|matchName|\\.(com|org)\\b");
    }
  }

  @Test
  void theCiliumOverlayAllowsEveryRegistryTheRunnerPinsForTheBuildersPod() throws IOException {
    GenericKubernetesResource cilium =
        YAML.unmarshal(
            Files.readString(DEPLOY.resolve("overlays/cilium/cilium-builder-egress.yaml")),
            GenericKubernetesResource.class);
    Map<String, Object> spec = cilium.get("spec");
    String yaml = YAML.asYaml(spec);
    List<String> fqdns = new ArrayList<>();
    List<String> dns = new ArrayList<>();
    List<Map<String, Object>> egress = cilium.get("spec", "egress");
    for (Map<String, Object> rule : egress) {
      names(rule.get("toFQDNs"), fqdns);
      Object ports = rule.get("toPorts");
      if (ports instanceof List<?> list) {
        for (Object port : list) {
          Object rules = ((Map<?, ?>) port).get("rules");
          if (rules instanceof Map<?, ?> r) {
            names(r.get("dns"), dns);
          }
        }
      }
    }
    assertThat(fqdns).as(yaml).containsExactlyInAnyOrderElementsOf(EgressPins.BUILDER_REGISTRIES);
    assertThat(dns).as(yaml).containsExactlyInAnyOrderElementsOf(EgressPins.BUILDER_REGISTRIES);
    // It selects the builder's stage pod by labels the runtime puts on it.
    Map<String, String> selector = cilium.get("spec", "endpointSelector", "matchLabels");
    assertThat(
            KubernetesManifests.labels(
                KubernetesSpecs.builder(Path.of("w"), Path.of("i"), Duration.ofMinutes(5)),
                Instant.EPOCH))
        .containsAllEntriesOf(selector);
  }

  private static void names(@Nullable Object entries, List<String> into) {
    if (entries instanceof List<?> list) {
      for (Object entry : list) {
        into.add(String.valueOf(((Map<?, ?>) entry).get("matchName")));
      }
    }
  }

  @Test
  void theRunnerPodIsRestrictedTooAndItsImagePinnedByDigest() throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> values =
        (Map<String, Object>)
            YAML.unmarshal(
                Files.readString(DEPLOY.resolve("arc/runner-scale-set-values.yaml")), Map.class);
    PodTemplateSpec template =
        YAML.convertValue(Objects.requireNonNull(values.get("template")), PodTemplateSpec.class);
    var pod = template.getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("hydra-runner");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(template.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "hydra-runner");
    for (Container c : pod.getContainers()) {
      assertThat(c.getImage()).contains("@sha256:");
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getEnv())
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("HYDRA_POD_IP");
                assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
              });
    }
  }

  @Test
  void theArgoCdApplicationSyncsAPathThatExists() throws IOException {
    GenericKubernetesResource app =
        resources().stream()
            .filter(r -> r.getKind().equals("Application"))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>) Objects.requireNonNull(app.getAdditionalProperties().get("spec"));
    @SuppressWarnings("unchecked")
    Map<String, Object> source = (Map<String, Object>) Objects.requireNonNull(spec.get("source"));
    assertThat(Path.of("..").resolve(String.valueOf(source.get("path")))).isDirectory();
  }
}
