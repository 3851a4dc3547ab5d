package dev.hydra.container.kubernetes;

import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerPlan;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerRuntime;
import dev.hydra.container.ContainerSpec;
import dev.hydra.text.Texts;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each stage as a Kubernetes Job with its own NetworkPolicy (docs/kubernetes.md).
 *
 * <p>One {@link #run}: start the stage's transfer endpoint, create the NetworkPolicy and the Job
 * ({@link KubernetesManifests}), wait for the {@code agent} container to end (the Job's {@code
 * activeDeadlineSeconds} is the stage's timeout; the runtime stops waiting at the timeout plus a
 * grace period), hand every line of the agent's log to the stdout consumer, write the bundle the
 * pod sent back to the workspace folder, and delete the Job (propagation {@code Background}) and
 * the NetworkPolicy — on every path: success, failure, an exception, an interrupt, and through a
 * shutdown hook SIGTERM. {@link #sweepExpired} deletes what a runner killed outright left behind.
 *
 * <p>Kubernetes merges a container's stdout and stderr in its log: every line goes to the stdout
 * consumer, once the agent has ended.
 */
public final class KubernetesRuntime implements ContainerRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);

  private static final Set<String> CANNOT_START =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  // Stages this process runs, each with its clean-up: what the shutdown hook must delete.
  private static final Map<String, Runnable> ACTIVE = new ConcurrentHashMap<>();
  private static volatile boolean hookInstalled;

  private final KubernetesClient client;
  private final KubernetesSettings settings;
  private final Clock clock;

  /**
   * Creates the runtime.
   *
   * @param client the client, configured for the runner's service account
   * @param settings the cluster's settings
   * @param clock the clock for deadlines
   */
  public KubernetesRuntime(KubernetesClient client, KubernetesSettings settings, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * The runtime with a client configured as fabric8 finds it in a pod: the mounted service-account
   * token of the runner pod, the API server from {@code KUBERNETES_SERVICE_HOST}.
   */
  public static KubernetesRuntime inCluster(KubernetesSettings settings, Clock clock) {
    return new KubernetesRuntime(new KubernetesClientBuilder().build(), settings, clock);
  }

  /**
   * The runtime with a client configured by a kubeconfig file: a runner outside the cluster (a
   * workstation against kind, a test against a mock API server). The file's context decides the API
   * server and the credentials; the namespace is always the settings'.
   *
   * @throws ContainerException when the file cannot be read or is no kubeconfig
   */
  public static KubernetesRuntime fromKubeconfig(
      Path kubeconfig, KubernetesSettings settings, Clock clock) throws ContainerException {
    Config config;
    try {
      config = Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException | RuntimeException e) {
      throw new ContainerException(
          "cannot read the kubeconfig "
              + kubeconfig
              + " (HYDRA_K8S_KUBECONFIG): "
              + Texts.escape(String.valueOf(e.getMessage()), 300),
          e);
    }
    return new KubernetesRuntime(
        new KubernetesClientBuilder().withConfig(config).build(), settings, clock);
  }

  @Override
  public ContainerResult run(ContainerSpec spec, Consumer<String> stdout, Consumer<String> stderr)
      throws ContainerException, InterruptedException {
    installShutdownHook();
    Instant start = clock.instant();
    String name = KubernetesManifests.jobName(spec);
    Optional<Path> workspace = KubernetesManifests.source(spec, "/workspace");
    Optional<Path> input = KubernetesManifests.source(spec, "/input");
    KubernetesTransfer transfer;
    try {
      transfer =
          KubernetesTransfer.start(
              settings.runnerAddress(),
              workspace.orElse(null),
              input.orElse(null),
              settings.uploadLimit());
    } catch (IOException e) {
      throw new ContainerException(
          "the transfer endpoint cannot listen on "
              + settings.runnerAddress().getHostAddress()
              + " (HYDRA_POD_IP, the runner pod's IP): "
              + e.getMessage(),
          e);
    }
    KubernetesManifests.Transfer urls =
        new KubernetesManifests.Transfer(
            transfer.fetchUrl(), transfer.uploadUrl(), transfer.port());
    ACTIVE.put(name, () -> delete(name));
    try (transfer) {
      create(KubernetesManifests.networkPolicy(spec, settings, urls, start));
      create(KubernetesManifests.job(spec, settings, urls, start));
      LOG.info("started Job {} from {} in namespace {}", name, spec.image(), settings.namespace());
      Ended ended = await(name, start, spec.timeout());
      ended.pod().ifPresent(pod -> readLog(pod, stdout));
      Duration took = Duration.between(start, clock.instant());
      if (ended.timedOut()) {
        LOG.warn("Job {} passed its deadline of {}", name, spec.timeout());
        return new ContainerResult(ContainerResult.KILLED, true, took);
      }
      if (ended.exitCode() == 0 && workspace.isPresent()) {
        try {
          transfer.writeBundle(workspace.get());
        } catch (IOException e) {
          throw new ContainerException("cannot write the bundle the stage pod sent back", e);
        }
      }
      return new ContainerResult(ended.exitCode(), false, took);
    } catch (KubernetesClientException e) {
      if (e.getCause() instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
        // fabric8 wraps an interrupt during a call; the caller asked to stop, not a failure.
        InterruptedException interrupted = new InterruptedException("interrupted during " + name);
        interrupted.initCause(e);
        throw interrupted;
      }
      throw new ContainerException(apiProblem("run the stage's Job " + name, e), e);
    } finally {
      ACTIVE.remove(name);
      // An interrupted thread cannot send the deletes; clear the flag for them, then restore it.
      boolean interrupted = Thread.interrupted();
      delete(name);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The Jobs of the runner's namespace. */
  private NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs() {
    return client.batch().v1().jobs().inNamespace(settings.namespace());
  }

  /** The NetworkPolicies of the runner's namespace. */
  private NonNamespaceOperation<NetworkPolicy, NetworkPolicyList, Resource<NetworkPolicy>>
      policies() {
    return client.network().v1().networkPolicies().inNamespace(settings.namespace());
  }

  /** What Hydra made among them: labelled {@code hydra.managed=true}. */
  private static <T extends HasMetadata, L extends KubernetesResourceList<T>> List<T> managed(
      NonNamespaceOperation<T, L, ?> resources) {
    return resources.withLabel(ContainerSpec.MANAGED_LABEL, "true").list().getItems();
  }

  private void create(HasMetadata resource) {
    client.resource(resource).inNamespace(settings.namespace()).create();
  }

  /**
   * How the stage ended.
   *
   * @param exitCode the agent container's exit code
   * @param timedOut whether the deadline passed first
   * @param pod the stage's pod, when one was made
   */
  record Ended(int exitCode, boolean timedOut, Optional<String> pod) {}

  private Ended await(String name, Instant start, Duration timeout)
      throws InterruptedException, ContainerException {
    Instant stop = start.plus(timeout).plus(settings.grace());
    while (true) {
      Job job = jobs().withName(name).get();
      if (job == null) {
        throw new ContainerException(
            "the Job " + name + " was deleted while the stage ran (by a person or another runner)");
      }
      Optional<Pod> pod = newestPod(name);
      Optional<String> podName = pod.map(p -> p.getMetadata().getName());
      if (deadlineExceeded(job)) {
        return new Ended(ContainerResult.KILLED, true, podName);
      }
      if (pod.isPresent()) {
        Optional<Ended> ended = ended(pod.get());
        if (ended.isPresent()) {
          return ended.get();
        }
      }
      if (clock.instant().isAfter(stop)) {
        return new Ended(ContainerResult.KILLED, true, podName);
      }
      Thread.sleep(settings.pollInterval().toMillis());
    }
  }

  /** Whether the pod says the stage has ended; throws when it cannot run at all. */
  static Optional<Ended> ended(Pod pod) throws ContainerException {
    String name = pod.getMetadata().getName();
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    statuses.addAll(nonNull(pod.getStatus().getInitContainerStatuses()));
    statuses.addAll(nonNull(pod.getStatus().getContainerStatuses()));
    for (ContainerStatus status : statuses) {
      ContainerStateWaiting waiting =
          status.getState() == null ? null : status.getState().getWaiting();
      if (waiting != null && CANNOT_START.contains(waiting.getReason())) {
        throw new ContainerException(
            "the stage pod "
                + name
                + " cannot start its "
                + status.getName()
                + " container: "
                + waiting.getReason()
                + " "
                + Texts.quote(Texts.escape(String.valueOf(waiting.getMessage()), 300))
                + " (image "
                + status.getImage()
                + ")");
      }
    }
    Optional<ContainerStateTerminated> fetch = terminated(statuses, KubernetesManifests.FETCH);
    if (fetch.isPresent() && fetch.get().getExitCode() != 0) {
      throw new ContainerException(
          "the stage pod "
              + name
              + " could not fetch its workspace from the runner (exit "
              + fetch.get().getExitCode()
              + "): is the runner pod's IP (HYDRA_POD_IP) right, and does the stage's"
              + " NetworkPolicy reach it?");
    }
    Optional<ContainerStateTerminated> agent = terminated(statuses, KubernetesManifests.AGENT);
    if (agent.isEmpty()) {
      if ("Failed".equals(pod.getStatus().getPhase())) {
        throw new ContainerException(
            "the stage pod "
                + name
                + " failed before its agent ended: "
                + pod.getStatus().getReason()
                + " "
                + Texts.quote(Texts.escape(String.valueOf(pod.getStatus().getMessage()), 300)));
      }
      return Optional.empty();
    }
    int exit = agent.get().getExitCode();
    if (exit != 0) {
      return Optional.of(new Ended(exit, false, Optional.of(name)));
    }
    Optional<ContainerStateTerminated> upload = terminated(statuses, KubernetesManifests.UPLOAD);
    if (upload.isEmpty()) {
      return Optional.empty(); // the bundle is on its way
    }
    if (upload.get().getExitCode() != 0) {
      throw new ContainerException(
          "the stage pod "
              + name
              + " could not send its bundle back to the runner (exit "
              + upload.get().getExitCode()
              + ")");
    }
    return Optional.of(new Ended(0, false, Optional.of(name)));
  }

  private static Optional<ContainerStateTerminated> terminated(
      List<ContainerStatus> statuses, String container) {
    return statuses.stream()
        .filter(s -> container.equals(s.getName()))
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
        .map(s -> s.getState().getTerminated())
        .findFirst();
  }

  private static <T> List<T> nonNull(@Nullable List<T> list) {
    return list == null ? List.of() : list;
  }

  static boolean deadlineExceeded(Job job) {
    if (job.getStatus() == null) {
      return false;
    }
    for (JobCondition condition : nonNull(job.getStatus().getConditions())) {
      if ("Failed".equals(condition.getType())
          && "True".equals(condition.getStatus())
          && "DeadlineExceeded".equals(condition.getReason())) {
        return true;
      }
    }
    return false;
  }

  private Optional<Pod> newestPod(String job) {
    return client
        .pods()
        .inNamespace(settings.namespace())
        .withLabel(KubernetesManifests.JOB_LABEL, job)
        .list()
        .getItems()
        .stream()
        .max(
            Comparator.comparing(
                (Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp())));
  }

  private void readLog(String pod, Consumer<String> stdout) {
    String log;
    try {
      log =
          client
              .pods()
              .inNamespace(settings.namespace())
              .withName(pod)
              .inContainer(KubernetesManifests.AGENT)
              .getLog();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot read the agent's log of pod {}: {}", pod, apiProblem("read it", e));
      return;
    }
    if (log == null || log.isEmpty()) {
      return;
    }
    for (String line : log.split("\r?\n", -1)) {
      if (!line.isEmpty()) {
        stdout.accept(line);
      }
    }
  }

  // Deleting what is already gone is fine; any other failure is logged, the sweep retries.
  private void delete(String name) {
    try {
      jobs().withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot delete Job {}: {}", name, apiProblem("delete it", e));
    }
    try {
      policies().withName(name).delete();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot delete NetworkPolicy {}: {}", name, apiProblem("delete it", e));
    }
  }

  /**
   * The runner pod's IP, after checking that the runner may list Jobs in its namespace: the model
   * gateway listens there, and stage pods reach it through their NetworkPolicy. No network is
   * created: the namespace is deploy/'s.
   */
  @Override
  public InetAddress ensureNetwork(String name) throws ContainerException {
    try {
      managed(jobs());
    } catch (KubernetesClientException e) {
      throw new ContainerException(apiProblem("list Jobs", e), e);
    }
    return settings.runnerAddress();
  }

  /**
   * The manifests {@link #run} would create — built by the same code — with placeholders for the
   * transfer endpoint's URLs: {@code kubectl create} of the NetworkPolicy and the Job, as YAML.
   */
  @Override
  public ContainerPlan plan(ContainerSpec spec) {
    KubernetesManifests.Transfer urls =
        new KubernetesManifests.Transfer(
            "http://<runner>:<port>/<fetch nonce>", "http://<runner>:<port>/<upload nonce>", 0);
    Instant now = clock.instant();
    KubernetesSerialization yaml = new KubernetesSerialization();
    List<String> command = new ArrayList<>();
    command.addAll(List.of("kubectl", "--namespace", settings.namespace(), "create", "-f", "-"));
    command.add(yaml.asYaml(KubernetesManifests.networkPolicy(spec, settings, urls, now)));
    command.add(yaml.asYaml(KubernetesManifests.job(spec, settings, urls, now)));
    return new ContainerPlan(command, ContainerPlan.shownEnvironment(spec));
  }

  /**
   * Deletes every Hydra Job and NetworkPolicy in the namespace whose {@code hydra.deadline} has
   * passed and that this process does not run.
   */
  @Override
  public List<String> sweepExpired(Instant now) throws ContainerException {
    List<String> removed = new ArrayList<>();
    try {
      List<HasMetadata> managed = new ArrayList<>();
      managed.addAll(managed(jobs()));
      managed.addAll(managed(policies()));
      for (HasMetadata item : managed) {
        String name = item.getMetadata().getName();
        if (expired(item, now) && !ACTIVE.containsKey(name) && !removed.contains(name)) {
          LOG.warn("deleting Job and NetworkPolicy {}: the deadline passed", name);
          delete(name);
          removed.add(name);
        }
      }
    } catch (KubernetesClientException e) {
      throw new ContainerException(apiProblem("list Hydra's Jobs", e), e);
    }
    return removed;
  }

  private static boolean expired(HasMetadata item, Instant now) {
    Map<String, String> labels = item.getMetadata().getLabels();
    String deadline = labels == null ? null : labels.get(ContainerSpec.DEADLINE_LABEL);
    if (deadline == null) {
      return false;
    }
    try {
      return Long.parseLong(deadline) < now.getEpochSecond();
    } catch (NumberFormatException e) {
      return false; // not a deadline Hydra wrote; leave it to a person
    }
  }

  private String apiProblem(String what, KubernetesClientException e) {
    String fix =
        e.getCode() == 403
            ? "; does the runner's ServiceAccount have the Role of deploy/base/rbac.yaml in"
                + " namespace "
                + settings.namespace()
                + "?"
            : "";
    return "cannot "
        + what
        + " in namespace "
        + settings.namespace()
        + " (HTTP "
        + e.getCode()
        + "): "
        + Texts.escape(String.valueOf(e.getMessage()), 300)
        + fix;
  }

  // One JVM-wide hook: on SIGINT/SIGTERM delete the Job and NetworkPolicy of every stage still
  // running; the thread blocked in run() never reaches its finally block once the JVM shuts down.
  private static void installShutdownHook() {
    if (hookInstalled) {
      return;
    }
    synchronized (KubernetesRuntime.class) {
      if (hookInstalled) {
        return;
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> Map.copyOf(ACTIVE).values().forEach(Runnable::run),
                  "hydra-kubernetes-cleanup"));
      hookInstalled = true;
    }
  }
}
