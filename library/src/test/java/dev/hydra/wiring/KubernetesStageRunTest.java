package dev.hydra.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.RuntimeSettings;
import dev.hydra.config.StageSettings;
import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.container.kubernetes.KubernetesRuntime;
import dev.hydra.container.kubernetes.KubernetesSpecs;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.label.Stage;
import dev.hydra.secret.Secret;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRequest;
import dev.hydra.stage.StageResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole {@code stage-run} build stage with {@code HYDRA_RUNTIME=kubernetes}, wired as the command
 * wires it ({@link StageRuns}, {@link StageRunners}) against fabric8's mock API server through a
 * kubeconfig ({@code HYDRA_K8S_KUBECONFIG}): the Job and its NetworkPolicy created, the workspace
 * fetched, the verdict read from the agent's log, the bundle back, everything deleted. A thread
 * plays the kubelet and the pod's containers.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesStageRunTest {

  // Set by the mock server's extension before each test.
  @SuppressWarnings("NullAway.Init")
  KubernetesMockServer server;

  @SuppressWarnings("NullAway.Init")
  KubernetesClient client;

  @TempDir Path dir;

  final String claude = TestTokens.claude(810);
  final String builder = TestTokens.github(811);
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  static final HttpClient HTTP = HttpClient.newHttpClient();

  Path kubeconfig() throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: mock",
            "  cluster:",
            "    server: " + client.getMasterUrl(),
            "contexts:",
            "- name: mock",
            "  context: {cluster: mock, user: runner, namespace: elsewhere}",
            "current-context: mock",
            "users:",
            "- name: runner",
            "  user: {}",
            ""));
    return file;
  }

  RuntimeSettings kubernetes() throws Exception {
    return new RuntimeSettings("kubernetes", "hydra", "127.0.0.1", "", kubeconfig().toString());
  }

  StageRequest build() throws Exception {
    StageSettings settings =
        StageSettings.from(Map.of("HYDRA_IMAGE_PREFIX", "localhost/hydra", "HYDRA_IMAGE_TAG", "t"));
    StageProfile profile = StageProfile.from(Stage.BUILD, settings);
    Credentials credentials =
        Credentials.of(
            List.of(ClaudeToken.of("account-1", Secret.of("HYDRA_CLAUDE_TOKEN_1", claude))),
            Map.of(Persona.BUILDER, Secret.of("HYDRA_BUILDER_TOKEN", builder)));
    return new StageRequest(
        profile,
        profile.image(settings),
        "https://github.com/acme/shop",
        "https://github.com/acme/shop/issues/7",
        null,
        "build",
        credentials);
  }

  static String verdict() {
    return "HYDRA-VERDICT {\"schema\":1,\"stage\":\"build\",\"outcome\":\"pass\","
        + "\"summary\":\"added /health\",\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],"
        + "\"turns\":3,\"cost_usd\":0.1,\"branch\":\"hydra/7-add-a-health-endpoint\","
        + "\"pr_title\":\"Add /health\",\"pr_body\":\"Closes #7\"}";
  }

  static String success() throws Exception {
    try (InputStream in =
        KubernetesStageRunTest.class.getResourceAsStream("/dev/hydra/agent/success.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String env(Job job, String container, String name) {
    return KubernetesSpecs.envOf(job, container, name);
  }

  static ContainerStatus ended(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage("localhost/hydra-builder:t")
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .endTerminated()
        .endState()
        .build();
  }

  /** What the cluster saw while the stage ran. */
  record Seen(Job job, NetworkPolicy policy, String workspace) {}

  /** Waits for the stage's Job, then plays its pod: fetch, the agent's log, upload, success. */
  Thread kubelet(AtomicReference<Seen> seen) {
    Thread t =
        new Thread(
            () -> {
              try {
                Job job = null;
                for (int i = 0; i < 1500 && job == null; i++) {
                  job =
                      client.batch().v1().jobs().inNamespace("hydra").list().getItems().stream()
                          .findFirst()
                          .orElse(null);
                  if (job == null) {
                    Thread.sleep(10);
                  }
                }
                if (job == null) {
                  return;
                }
                String name = job.getMetadata().getName();
                NetworkPolicy policy =
                    client
                        .network()
                        .v1()
                        .networkPolicies()
                        .inNamespace("hydra")
                        .withName(name)
                        .get();
                byte[] tar =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(env(job, "fetch", "HYDRA_FETCH_URL")))
                                .build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                        .body();
                seen.set(new Seen(job, policy, new String(tar, StandardCharsets.ISO_8859_1)));
                HTTP.send(
                    HttpRequest.newBuilder(URI.create(env(job, "upload", "HYDRA_UPLOAD_URL")))
                        .PUT(HttpRequest.BodyPublishers.ofString("BUNDLE"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding());
                String pod = name + "-x1y2z";
                server
                    .expect()
                    .get()
                    .withPath(
                        "/api/v1/namespaces/hydra/pods/"
                            + pod
                            + "/log?pretty=false&container=agent")
                    .andReturn(200, success() + verdict() + "\n")
                    .always();
                client
                    .pods()
                    .inNamespace("hydra")
                    .resource(
                        new PodBuilder()
                            .withNewMetadata()
                            .withName(pod)
                            .withNamespace("hydra")
                            .addToLabels("hydra.dev/job", name)
                            .endMetadata()
                            .withNewStatus()
                            .withPhase("Succeeded")
                            .withInitContainerStatuses(ended("fetch"), ended("agent"))
                            .withContainerStatuses(ended("upload"))
                            .endStatus()
                            .build())
                    .create();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void aBuildStageRunsAsAJobWithItsPolicyAndTheVerdictComesFromTheAgentsLog() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("checkout"));
    Files.writeString(repo.resolve("README.md"), "hello");
    Path kept = dir.resolve("kept");
    AtomicReference<Seen> seen = new AtomicReference<>();
    Thread k = kubelet(seen);

    StageResult result =
        StageRuns.run(
            build(),
            new StageRuns.Folders(
                Optional.empty(),
                Optional.of("# Issue #7: Add a /health endpoint\n"),
                Optional.of(repo),
                Optional.of(kept)),
            Optional.empty(),
            StageSettings.NONE,
            kubernetes(),
            new RunWiring.Docker("", ""),
            false,
            log::add);
    k.join();

    assertThat(result.passed()).as(result + "\n" + String.join("\n", log)).isTrue();
    Seen cluster = java.util.Objects.requireNonNull(seen.get(), "the kubelet saw no Job");
    Job job = cluster.job();
    assertThat(job.getMetadata().getNamespace()).isEqualTo("hydra");
    assertThat(job.getMetadata().getName()).startsWith("hydra-build-7-");
    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers())
        .extracting(Container::getImage)
        .containsOnly("localhost/hydra-builder:t");
    assertThat(cluster.policy()).as("its NetworkPolicy, made before the pod").isNotNull();
    int gateway = URI.create(env(job, "agent", "ANTHROPIC_BASE_URL")).getPort();
    assertThat(env(job, "agent", "ANTHROPIC_BASE_URL")).startsWith("http://127.0.0.1:");
    assertThat(cluster.policy().getSpec().getEgress().get(1).getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .contains(gateway);
    String yaml = new KubernetesSerialization().asYaml(job);
    assertThat(yaml).doesNotContain(claude).doesNotContain(builder);
    assertThat(cluster.workspace())
        .contains("workspace/repo/README.md", "input/issue.md", "Add a /health endpoint");
    assertThat(Files.readString(kept.resolve("changes.bundle"))).isEqualTo("BUNDLE");
    assertThat(String.join("\n", log)).contains("HYDRA-VERDICT").doesNotContain(claude);
    assertThat(client.batch().v1().jobs().inNamespace("hydra").list().getItems()).isEmpty();
    assertThat(client.network().v1().networkPolicies().inNamespace("hydra").list().getItems())
        .isEmpty();
  }

  @Test
  void theOneWiringPlacePicksTheRuntimeTheSettingsChoose() throws Exception {
    assertThat(
            StageRunners.runtime(
                RuntimeSettings.DOCKER.choice(), new RunWiring.Docker("", ""), Clock.systemUTC()))
        .isInstanceOf(DockerCliRuntime.class);
    assertThat(
            StageRunners.runtime(
                kubernetes().choice(), new RunWiring.Docker("", ""), Clock.systemUTC()))
        .isInstanceOf(KubernetesRuntime.class);
  }

  @Test
  void anUnreadableKubeconfigIsAConfigurationErrorNamingTheVariable() {
    RuntimeSettings missing =
        new RuntimeSettings("kubernetes", "hydra", "127.0.0.1", "", dir.resolve("none").toString());
    assertThatThrownBy(
            () ->
                StageRunners.runtime(
                    missing.choice(), new RunWiring.Docker("", ""), Clock.systemUTC()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("HYDRA_K8S_KUBECONFIG")
        .hasMessageContaining(dir.resolve("none").toString());
  }

  @Test
  void aBadRuntimeStopsTheStageBeforeAnythingRuns() {
    assertThatThrownBy(
            () ->
                StageRuns.run(
                    build(),
                    StageRuns.Folders.spec(Optional.empty()),
                    Optional.empty(),
                    StageSettings.NONE,
                    new RuntimeSettings("k8s", "", "", "", ""),
                    new RunWiring.Docker("", ""),
                    false,
                    log::add))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("HYDRA_RUNTIME is `k8s`, not a runtime");
    assertThat(log).isEmpty();
  }
}
