package dev.hydra.container.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerSpec;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class KubernetesRuntimeTest {

  static final String JOB = "hydra-build-7-0a1b2c3d";
  static final String POD = JOB + "-x1y2z";
  static final String VERDICT = "HYDRA-VERDICT {\"schema\":1,\"stage\":\"build\"}";

  // Set by the mock server's extension before each test.
  @SuppressWarnings("NullAway.Init")
  KubernetesMockServer server;

  @SuppressWarnings("NullAway.Init")
  KubernetesClient client;

  @TempDir Path workspace;
  @TempDir Path input;

  final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
  final AtomicReference<byte[]> fetched = new AtomicReference<>();

  @BeforeEach
  void folders() throws IOException {
    Files.createDirectories(workspace.resolve("repo"));
    Files.writeString(workspace.resolve("repo/README.md"), "hello");
    Files.createDirectories(workspace.resolve("out"));
    Files.writeString(input.resolve("issue.md"), "the issue");
  }

  KubernetesRuntime runtime() {
    return new KubernetesRuntime(client, KubernetesSpecs.settings(), Clock.systemUTC());
  }

  ContainerSpec spec(Duration timeout) {
    return KubernetesSpecs.builder(workspace, input, timeout);
  }

  /** What the kubelet and the stage's containers would do, once the Job exists. */
  interface Kubelet {
    void act(Job job) throws Exception;
  }

  Thread kubelet(Kubelet kubelet) {
    Thread t =
        new Thread(
            () -> {
              try {
                Job job = null;
                for (int i = 0; i < 500 && job == null; i++) {
                  job = client.batch().v1().jobs().inNamespace("hydra").withName(JOB).get();
                  if (job == null) {
                    Thread.sleep(10);
                  }
                }
                if (job != null) {
                  kubelet.act(job);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  static String envOf(Job job, String container, String name) {
    return KubernetesSpecs.envOf(job, container, name);
  }

  static final HttpClient HTTP = HttpClient.newHttpClient();

  byte[] fetch(Job job) throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(envOf(job, "fetch", "HYDRA_FETCH_URL"))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    fetched.set(r.body());
    return r.body();
  }

  static int upload(Job job, String body) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(envOf(job, "upload", "HYDRA_UPLOAD_URL")))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static ContainerStatus terminated(String name, int exit) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage("img")
        .withNewState()
        .withNewTerminated()
        .withExitCode(exit)
        .endTerminated()
        .endState()
        .build();
  }

  static ContainerStatus waiting(String name, String reason) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage("ghcr.io/o/hydra-builder@sha256:aaa")
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage("pull access denied")
        .endWaiting()
        .endState()
        .build();
  }

  void pod(String phase, List<ContainerStatus> init, List<ContainerStatus> main) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(POD)
            .withNamespace("hydra")
            .addToLabels("hydra.dev/job", JOB)
            .endMetadata()
            .withNewStatus()
            .withPhase(phase)
            .withInitContainerStatuses(init)
            .withContainerStatuses(main)
            .endStatus()
            .build();
    client.pods().inNamespace("hydra").resource(pod).create();
  }

  void agentLog(String log) {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/hydra/pods/" + POD + "/log?pretty=false&container=agent")
        .andReturn(200, log)
        .always();
  }

  void assertCleanedUp() {
    assertThat(client.batch().v1().jobs().inNamespace("hydra").list().getItems()).isEmpty();
    assertThat(client.network().v1().networkPolicies().inNamespace("hydra").list().getItems())
        .isEmpty();
  }

  @Test
  void aPassingStageSendsTheWorkspaceReadsTheVerdictAndBringsTheBundleBack() throws Exception {
    agentLog("{\"type\":\"system\"}\nstderr line\n" + VERDICT + "\n");
    AtomicReference<Integer> second = new AtomicReference<>();
    Thread k =
        kubelet(
            job -> {
              assertThat(
                      client
                          .network()
                          .v1()
                          .networkPolicies()
                          .inNamespace("hydra")
                          .withName(JOB)
                          .get())
                  .isNotNull();
              fetch(job);
              second.set(
                  HTTP.send(
                          HttpRequest.newBuilder(URI.create(envOf(job, "fetch", "HYDRA_FETCH_URL")))
                              .build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode());
              assertThat(upload(job, "BUNDLE")).isEqualTo(204);
              pod(
                  "Succeeded",
                  List.of(terminated("fetch", 0), terminated("agent", 0)),
                  List.of(terminated("upload", 0)));
            });

    ContainerResult result = runtime().run(spec(Duration.ofMinutes(5)), stdout::add, e -> {});
    k.join();

    assertThat(result.exitCode()).isZero();
    assertThat(result.timedOut()).isFalse();
    assertThat(stdout).containsExactly("{\"type\":\"system\"}", "stderr line", VERDICT);
    assertThat(second.get()).as("the fetch URL works once").isEqualTo(404);
    assertThat(Files.readString(workspace.resolve("out/changes.bundle"))).isEqualTo("BUNDLE");
    assertThat(entries(java.util.Objects.requireNonNull(fetched.get())))
        .contains("workspace/repo/README.md", "workspace/out/", "input/issue.md");
    assertCleanedUp();
  }

  static List<String> entries(byte[] tar) throws Exception {
    Process p = new ProcessBuilder("tar", "-t").start();
    try (var in = p.getOutputStream()) {
      new ByteArrayInputStream(tar).transferTo(in);
    }
    String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    return List.of(listing.split("\n"));
  }

  @Test
  void aFailingAgentEndsTheStageWithItsExitCodeAndNoBundle() throws Exception {
    agentLog("HYDRA-VERDICT {\"outcome\":\"fail\"}\n");
    Thread k =
        kubelet(
            job -> {
              fetch(job);
              pod("Failed", List.of(terminated("fetch", 0), terminated("agent", 3)), List.of());
            });

    ContainerResult result = runtime().run(spec(Duration.ofMinutes(5)), stdout::add, e -> {});
    k.join();

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.timedOut()).isFalse();
    assertThat(stdout).containsExactly("HYDRA-VERDICT {\"outcome\":\"fail\"}");
    assertThat(workspace.resolve("out/changes.bundle")).doesNotExist();
    assertCleanedUp();
  }

  @Test
  void theJobsDeadlineEndsTheStageAsATimeout() throws Exception {
    Thread k =
        kubelet(
            job -> {
              Job failed =
                  new JobBuilder(job)
                      .withNewStatus()
                      .addNewCondition()
                      .withType("Failed")
                      .withStatus("True")
                      .withReason("DeadlineExceeded")
                      .endCondition()
                      .endStatus()
                      .build();
              client.batch().v1().jobs().inNamespace("hydra").resource(failed).updateStatus();
            });

    ContainerResult result = runtime().run(spec(Duration.ofMinutes(5)), stdout::add, e -> {});
    k.join();

    assertThat(result.timedOut()).isTrue();
    assertThat(result.exitCode()).isEqualTo(ContainerResult.KILLED);
    assertThat(result.describe()).contains("timed out");
    assertCleanedUp();
  }

  @Test
  void aPodThatNeverRunsEndsAsATimeoutAtTheStagesDeadline() throws Exception {
    Instant before = Instant.now();
    ContainerResult result = runtime().run(spec(Duration.ofSeconds(1)), stdout::add, e -> {});

    assertThat(result.timedOut()).isTrue();
    assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(10));
    assertCleanedUp();
  }

  @Test
  void aPodThatCannotFetchItsWorkspaceIsAClearFailure() throws Exception {
    Thread k = kubelet(job -> pod("Failed", List.of(terminated("fetch", 7)), List.of()));

    assertThatThrownBy(() -> runtime().run(spec(Duration.ofMinutes(5)), stdout::add, e -> {}))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("could not fetch its workspace from the runner (exit 7)")
        .hasMessageContaining("HYDRA_POD_IP");
    k.join();
    assertCleanedUp();
  }

  @Test
  void anImageThatCannotBePulledIsAClearFailure() throws Exception {
    Thread k =
        kubelet(job -> pod("Pending", List.of(waiting("fetch", "ImagePullBackOff")), List.of()));

    assertThatThrownBy(() -> runtime().run(spec(Duration.ofMinutes(5)), stdout::add, e -> {}))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("cannot start its fetch container: ImagePullBackOff")
        .hasMessageContaining("pull access denied");
    k.join();
    assertCleanedUp();
  }

  @Test
  void anEvictedPodIsAClearFailure() throws Exception {
    Thread k =
        kubelet(
            job -> {
              fetch(job);
              Pod pod =
                  new PodBuilder()
                      .withNewMetadata()
                      .withName(POD)
                      .addToLabels("hydra.dev/job", JOB)
                      .endMetadata()
                      .withNewStatus()
                      .withPhase("Failed")
                      .withReason("Evicted")
                      .withMessage("The node was low on resource: memory.")
                      .withInitContainerStatuses(terminated("fetch", 0))
                      .endStatus()
                      .build();
              client.pods().inNamespace("hydra").resource(pod).create();
            });

    assertThatThrownBy(() -> runtime().run(spec(Duration.ofMinutes(5)), stdout::add, e -> {}))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("failed before its agent ended: Evicted");
    k.join();
    assertCleanedUp();
  }

  @Test
  void anInterruptedRunnerStillDeletesTheJobAndThePolicy() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                runtime().run(spec(Duration.ofMinutes(5)), stdout::add, e -> {});
              } catch (Exception e) {
                thrown.set(e);
              }
            });
    runner.start();
    for (int i = 0; i < 500; i++) {
      if (client.batch().v1().jobs().inNamespace("hydra").withName(JOB).get() != null) {
        break;
      }
      Thread.sleep(10);
    }
    runner.interrupt();
    runner.join(10_000);

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertCleanedUp();
  }

  @Test
  void theSweepDeletesOnlyHydrasJobsAndPoliciesPastTheirDeadline() throws Exception {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");
    leftover("hydra-build-1-old", now.minusSeconds(60).getEpochSecond());
    leftover("hydra-build-2-new", now.plusSeconds(600).getEpochSecond());

    assertThat(runtime().sweepExpired(now)).containsExactly("hydra-build-1-old");

    assertThat(client.batch().v1().jobs().inNamespace("hydra").list().getItems())
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("hydra-build-2-new");
    assertThat(client.network().v1().networkPolicies().inNamespace("hydra").list().getItems())
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("hydra-build-2-new");
  }

  void leftover(String name, long deadline) {
    var meta =
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace("hydra")
            .addToLabels("hydra.managed", "true")
            .addToLabels("hydra.deadline", Long.toString(deadline))
            .build();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace("hydra")
        .resource(new JobBuilder().withMetadata(meta).build())
        .create();
    client
        .network()
        .v1()
        .networkPolicies()
        .inNamespace("hydra")
        .resource(new NetworkPolicyBuilder().withMetadata(meta).build())
        .create();
  }

  @Test
  void theNetworkIsTheRunnerPodsOwnAddress() throws Exception {
    assertThat(runtime().ensureNetwork("hydra-net"))
        .isEqualTo(java.net.InetAddress.getLoopbackAddress());
  }

  @Test
  void thePlanShowsTheManifestsWithoutAnyTransferNonce() {
    var plan = runtime().plan(spec(Duration.ofMinutes(5)));
    assertThat(plan.command().subList(0, 6))
        .containsExactly("kubectl", "--namespace", "hydra", "create", "-f", "-");
    assertThat(String.join("\n", plan.command()))
        .contains("kind: \"NetworkPolicy\"")
        .contains("kind: \"Job\"")
        .contains("<fetch nonce>")
        .contains("activeDeadlineSeconds: 300");
    assertThat(plan.environment()).containsEntry("HYDRA_MODE", "build");
  }
}
