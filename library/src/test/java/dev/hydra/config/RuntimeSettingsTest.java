package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {

  static Map<String, String> cluster() {
    Map<String, String> env = new HashMap<>();
    env.put("HYDRA_RUNTIME", "kubernetes");
    env.put("HYDRA_K8S_NAMESPACE", "hydra");
    env.put("HYDRA_POD_IP", "10.1.2.3");
    return env;
  }

  @Test
  void dockerIsTheDefaultAndNamedExplicitly() throws Exception {
    assertThat(RuntimeSettings.from(Map.of()).choice()).isEqualTo(new RuntimeSettings.Docker());
    assertThat(RuntimeSettings.from(Map.of("HYDRA_RUNTIME", " Docker ")).choice())
        .isEqualTo(new RuntimeSettings.Docker());
    assertThat(RuntimeSettings.DOCKER.choice()).isEqualTo(new RuntimeSettings.Docker());
  }

  @Test
  void kubernetesReadsItsNamespacePodIpRegistriesAndKubeconfig() throws Exception {
    Map<String, String> env = cluster();
    env.put("HYDRA_K8S_REGISTRY_CIDRS", " 10.20.0.0/16 , 2001:db8::/32,");
    env.put("HYDRA_K8S_KUBECONFIG", "/home/dev/.kube/config");
    assertThat(RuntimeSettings.from(env).choice())
        .isEqualTo(
            new RuntimeSettings.Kubernetes(
                "hydra",
                "10.1.2.3",
                List.of("10.20.0.0/16", "2001:db8::/32"),
                Optional.of("/home/dev/.kube/config")));
    env.put("HYDRA_POD_IP", "fd00::12");
    env.remove("HYDRA_K8S_KUBECONFIG");
    env.remove("HYDRA_K8S_REGISTRY_CIDRS");
    assertThat(RuntimeSettings.from(env).choice())
        .isEqualTo(
            new RuntimeSettings.Kubernetes("hydra", "fd00::12", List.of(), Optional.empty()));
  }

  @Test
  void anUnknownRuntimeNamesTheVariableAndTheChoices() {
    assertThatThrownBy(() -> RuntimeSettings.from(Map.of("HYDRA_RUNTIME", "podman")).choice())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(
            "HYDRA_RUNTIME is `podman`, not a runtime; set it to docker (the local Docker engine,"
                + " the default) or kubernetes (each stage a Job in HYDRA_K8S_NAMESPACE;"
                + " docs/kubernetes.md)");
  }

  @Test
  void kubernetesNeedsItsNamespaceAndThePodsIp() {
    Map<String, String> env = cluster();
    env.remove("HYDRA_K8S_NAMESPACE");
    assertThatThrownBy(() -> RuntimeSettings.from(env).choice())
        .hasMessageStartingWith("HYDRA_K8S_NAMESPACE is not set with HYDRA_RUNTIME=kubernetes;")
        .hasMessageContaining("deploy/ makes hydra");
    env.put("HYDRA_K8S_NAMESPACE", "Hydra_NS");
    assertThatThrownBy(() -> RuntimeSettings.from(env).choice())
        .hasMessageStartingWith("HYDRA_K8S_NAMESPACE is `Hydra_NS`, not a namespace");

    Map<String, String> noIp = cluster();
    noIp.remove("HYDRA_POD_IP");
    assertThatThrownBy(() -> RuntimeSettings.from(noIp).choice())
        .hasMessageStartingWith("HYDRA_POD_IP is not set with HYDRA_RUNTIME=kubernetes;")
        .hasMessageContaining("status.podIP");
    noIp.put("HYDRA_POD_IP", "runner.hydra.svc");
    assertThatThrownBy(() -> RuntimeSettings.from(noIp).choice())
        .as("a name would need a lookup, and the pod's IP is what the policy opens")
        .hasMessageStartingWith("HYDRA_POD_IP is `runner.hydra.svc`, not an IP address");
  }

  @Test
  void aRegistryThatIsNoCidrIsRefusedNamingIt() {
    Map<String, String> env = cluster();
    env.put("HYDRA_K8S_REGISTRY_CIDRS", "10.0.0.0/8,registry.npmjs.org");
    assertThatThrownBy(() -> RuntimeSettings.from(env).choice())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("HYDRA_K8S_REGISTRY_CIDRS: `registry.npmjs.org` is not a CIDR");
  }

  @Test
  void theKubernetesValuesAreNotCheckedForDocker() throws Exception {
    Map<String, String> env = cluster();
    env.put("HYDRA_RUNTIME", "docker");
    env.put("HYDRA_POD_IP", "nonsense");
    assertThat(RuntimeSettings.from(env).choice()).isEqualTo(new RuntimeSettings.Docker());
  }

  @Test
  void hydraSettingsReadItOnce() throws Exception {
    Map<String, String> env = cluster();
    env.put("GITHUB_REPOSITORY", "acme/app");
    HydraSettings settings = HydraSettings.from("github", env);
    assertThat(settings.runtime()).isEqualTo(RuntimeSettings.from(env));
    assertThat(settings.withRepository(dev.hydra.forge.RepoRef.parse("o/r")).runtime())
        .isEqualTo(settings.runtime());
  }
}
