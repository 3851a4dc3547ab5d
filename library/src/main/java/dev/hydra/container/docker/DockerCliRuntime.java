package dev.hydra.container.docker;

import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerPlan;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerRuntime;
import dev.hydra.container.ContainerSpec;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs stage containers with the {@code docker} CLI.
 *
 * <p>Killing {@code docker run} does not stop its container (moby/moby#3793), so every path that
 * may leave one ends with an explicit {@code docker rm --force} of the uniquely named container: an
 * exit code the CLI may have produced itself (125 and above), the deadline, an interrupt, and —
 * through a shutdown hook — SIGINT/SIGTERM of the runner. A container exit code below 125 needs
 * none: an attached {@code docker run --rm} returns only once the daemon has removed the container.
 * A runner killed outright leaves its container to {@link #sweepExpired}, which removes containers
 * whose {@code hydra.deadline} label has passed.
 *
 * <p>Variables reach the container through an env-file created readable by the runner only, in a
 * private directory, and deleted when the run ends, so that no value is on a command line. None of
 * them is a secret: {@code docker inspect} shows a container's environment to anyone who can talk
 * to the daemon, so a stage container holds no token (issue 10; the model gateway holds the Claude
 * tokens, the runner the git tokens).
 *
 * <p>The CPU limit is clamped to the CPUs the engine has: the daemon refuses a {@code --cpus} above
 * its CPU count ("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available"), so the
 * builder's 4 CPUs become 2 on a 2-CPU host, with one log line saying so. The count is asked once
 * per runtime ({@code docker info --format {{.NCPU}}}) and kept; when it cannot be read, the limit
 * stays as requested and the daemon has the last word. Memory limits are never changed: the kernel
 * accepts a limit above the host's memory.
 */
public final class DockerCliRuntime implements ContainerRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(DockerCliRuntime.class);

  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
  private static final int STDERR_TAIL = 20;
  private static final Pattern CPU_COUNT = Pattern.compile("[1-9][0-9]{0,5}");
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]{7,15}|[0-9a-fA-F:]{2,39}");

  // Containers this process runs, with their env-files: what the shutdown hook must clean up.
  private static final Map<String, Path> ACTIVE = new ConcurrentHashMap<>();
  private static volatile boolean hookInstalled;

  private final CommandRunner runner;
  private final String docker;
  private final Path secretsDir;
  private final Clock clock;

  // The engine's CPU count: null until asked, empty when it could not be read. Guarded by this.
  private @Nullable OptionalInt engineCpus;

  /**
   * Creates the runtime.
   *
   * @param runner runs commands
   * @param docker the docker CLI, {@code docker} on PATH unless configured
   * @param secretsDir a directory only the runner can read, for env-files
   * @param clock the clock for deadlines
   */
  public DockerCliRuntime(CommandRunner runner, String docker, Path secretsDir, Clock clock) {
    this.runner = runner;
    this.docker = docker;
    this.secretsDir = secretsDir;
    this.clock = clock;
  }

  /**
   * Creates the runtime with a fresh private directory ({@code rwx------}) for env-files under the
   * system temp, removed when the JVM exits.
   *
   * @param docker the docker CLI to run, {@code docker} to find it on PATH
   * @param clock the clock for deadlines
   */
  public static DockerCliRuntime create(String docker, Clock clock) throws IOException {
    sweepStaleSecretDirs(Path.of(System.getProperty("java.io.tmpdir")), clock.instant());
    Path dir =
        Files.createTempDirectory(
            "hydra-secrets-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    dir.toFile().deleteOnExit(); // empty by then: every env-file is deleted when its run ends
    return new DockerCliRuntime(new CommonsExecCommandRunner(), docker, dir, clock);
  }

  /** Private env-file directories older than this belong to runners that died (SIGKILL). */
  static final Duration STALE_SECRETS = Duration.ofHours(7);

  /**
   * Deletes the env-files a runner killed outright (SIGKILL, power loss) could not delete: every
   * {@code hydra-secrets-*} directory in {@code tmpRoot} last modified more than {@link
   * #STALE_SECRETS} ago — longer than any stage may run, so no live run still needs it.
   *
   * @return how many directories were removed
   */
  static int sweepStaleSecretDirs(Path tmpRoot, Instant now) {
    int removed = 0;
    try (var dirs = Files.newDirectoryStream(tmpRoot, "hydra-secrets-*")) {
      for (Path dir : dirs) {
        try {
          if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)
              || Files.getLastModifiedTime(dir).toInstant().plus(STALE_SECRETS).isAfter(now)) {
            continue;
          }
          try (var files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
              Files.deleteIfExists(file);
            }
          }
          Files.deleteIfExists(dir);
          removed++;
          LOG.warn("removed env-files left by a runner that was killed: {}", dir);
        } catch (IOException e) {
          LOG.debug("cannot sweep {}: {}", dir, e.getMessage()); // another user's, or gone
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", tmpRoot, e.getMessage());
    }
    return removed;
  }

  /** {@link #create(String, Clock)} with {@code docker} from PATH. */
  public static DockerCliRuntime create(Clock clock) throws IOException {
    return create("docker", clock);
  }

  @Override
  public ContainerResult run(ContainerSpec spec, Consumer<String> stdout, Consumer<String> stderr)
      throws ContainerException, InterruptedException {
    installShutdownHook();
    double cpus = cpusFor(spec);
    Instant start = clock.instant();
    Path envFile = writeEnvFile(spec);
    Deque<String> errTail = new ArrayDeque<>();
    Consumer<String> err =
        line -> {
          synchronized (errTail) {
            if (errTail.size() == STDERR_TAIL) {
              errTail.removeFirst();
            }
            errTail.addLast(line);
          }
          stderr.accept(line);
        };
    ACTIVE.put(spec.name(), envFile);
    boolean removed = false;
    try {
      List<String> argv = DockerArgs.run(docker, spec, cpus, envFile, start);
      LOG.info("starting container {} from {}", spec.name(), spec.image());
      CommandRunner.Streamed streamed;
      try {
        // The deadline covers everything from here, starting the container included.
        streamed = runner.stream(argv, spec.timeout(), stdout, err);
      } catch (IOException e) {
        throw new ContainerException(
            "cannot run '" + docker + " run': " + e.getMessage() + "; is Docker installed?", e);
      }
      Duration took = Duration.between(start, clock.instant());
      boolean timedOut = streamed.timedOut() || took.compareTo(spec.timeout()) > 0;
      if (timedOut) {
        LOG.warn("container {} passed its deadline of {}; killing it", spec.name(), spec.timeout());
        quietly(DockerArgs.kill(docker, spec.name()));
      }
      // An attached `docker run --rm` returns only after the daemon removed the container (the
      // CLI waits for the "removed" condition), so a container exit code (0..124) needs no
      // `docker rm`. 125 and above may come from the CLI itself (a docker error, the CLI killed),
      // so those, and a timeout, are removed explicitly.
      if (timedOut || streamed.exitCode() >= 125 || streamed.exitCode() < 0) {
        removeContainer(spec.name());
      }
      removed = true;
      if (!timedOut && streamed.exitCode() == 125) {
        throw new ContainerException(
            "'docker run' failed for image " + spec.image() + ": " + tail(errTail));
      }
      return new ContainerResult(
          timedOut ? ContainerResult.KILLED : streamed.exitCode(), timedOut, took);
    } finally {
      if (!removed) {
        removeContainer(spec.name());
      }
      ACTIVE.remove(spec.name());
      deleteQuietly(envFile);
    }
  }

  /**
   * The CPU limit to ask Docker for: the spec's, or the engine's CPU count when that is smaller.
   *
   * @throws InterruptedException when interrupted while asking the engine
   */
  double cpusFor(ContainerSpec spec) throws InterruptedException {
    OptionalInt engine = engineCpus();
    if (engine.isEmpty() || spec.cpus() <= engine.getAsInt()) {
      return spec.cpus();
    }
    LOG.info(
        "cpus {} clamped to the engine's {} for container {}",
        number(spec.cpus()),
        engine.getAsInt(),
        spec.name());
    return engine.getAsInt();
  }

  // Asked once per runtime: an engine does not gain CPUs while a runner lives. An interrupt is not
  // an answer, so the next run asks again.
  private synchronized OptionalInt engineCpus() throws InterruptedException {
    OptionalInt known = engineCpus;
    if (known == null) {
      known = askEngineCpus();
      engineCpus = known;
    }
    return known;
  }

  private OptionalInt askEngineCpus() throws InterruptedException {
    List<String> argv = DockerArgs.engineCpus(docker);
    String problem;
    try {
      CommandRunner.Result r = runner.run(argv, CLI_TIMEOUT);
      String count = r.stdout().strip();
      if (r.exitCode() == 0 && CPU_COUNT.matcher(count).matches()) {
        return OptionalInt.of(Integer.parseInt(count));
      }
      problem =
          r.exitCode() == 0
              ? "it printed " + Texts.quote(count)
              : "exit code " + r.exitCode() + ": " + Texts.escape(r.stderr().strip(), 300);
    } catch (IOException e) {
      problem = String.valueOf(e.getMessage());
    }
    LOG.warn(
        "cannot read the engine's CPU count with '{} info' ({}); CPU limits stay as requested",
        docker,
        problem);
    return OptionalInt.empty();
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  /**
   * The {@code docker run} argv {@link #run} would use — built by the same code — with the path the
   * env-file would have; the file is not written, so its content exists nowhere.
   */
  @Override
  public ContainerPlan plan(ContainerSpec spec) {
    return new ContainerPlan(
        DockerArgs.run(docker, spec, spec.cpus(), envFile(spec), clock.instant()),
        ContainerPlan.shownEnvironment(spec));
  }

  @Override
  public InetAddress ensureNetwork(String name) throws ContainerException {
    CommandRunner.Result inspect = call(DockerArgs.networkInspect(docker, name));
    if (inspect.exitCode() != 0) {
      CommandRunner.Result create = call(DockerArgs.networkCreate(docker, name));
      if (create.exitCode() != 0 && !create.stderr().contains("already exists")) {
        throw new ContainerException(
            "'docker network create " + name + "' failed: " + create.stderr().strip());
      }
      inspect = call(DockerArgs.networkInspect(docker, name));
      if (inspect.exitCode() != 0) {
        throw new ContainerException(
            "'docker network inspect " + name + "' failed: " + inspect.stderr().strip());
      }
    }
    return gateway(name, inspect.stdout());
  }

  /**
   * The network's gateway from {@code docker network inspect}: the IPv4 one when there is one, else
   * the first.
   */
  static InetAddress gateway(String network, String inspected) throws ContainerException {
    @Nullable InetAddress first = null;
    for (String line : inspected.split("\n", -1)) {
      String text = line.strip();
      if (!IP_LITERAL.matcher(text).matches()) {
        continue;
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(text); // a literal: no lookup
      } catch (UnknownHostException e) {
        continue;
      }
      if (address instanceof Inet4Address) {
        return address;
      }
      if (first == null) {
        first = address;
      }
    }
    if (first == null) {
      throw new ContainerException(
          "network "
              + network
              + " has no gateway address (docker network inspect printed "
              + Texts.quote(Texts.escape(inspected.strip(), 200))
              + "); remove it with 'docker network rm "
              + network
              + "' so that Hydra creates it as a bridge");
    }
    return first;
  }

  @Override
  public List<String> sweepExpired(Instant now) throws ContainerException {
    CommandRunner.Result list = call(DockerArgs.listManaged(docker));
    if (list.exitCode() != 0) {
      throw new ContainerException("'docker ps' failed: " + list.stderr().strip());
    }
    List<String> removed = new ArrayList<>();
    for (String line : list.stdout().split("\n", -1)) {
      int tab = line.indexOf('\t');
      if (tab <= 0) {
        continue;
      }
      String name = line.substring(0, tab);
      long deadline;
      try {
        deadline = Long.parseLong(line.substring(tab + 1).strip());
      } catch (NumberFormatException e) {
        continue; // not a deadline Hydra wrote; leave it to a person
      }
      if (deadline < now.getEpochSecond() && !ACTIVE.containsKey(name)) {
        LOG.warn("removing container {}: its deadline passed", name);
        removeContainer(name);
        removed.add(name);
      }
    }
    return removed;
  }

  private Path writeEnvFile(ContainerSpec spec) throws ContainerException {
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, String> e : spec.env().entrySet()) {
      body.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    Path file = envFile(spec);
    try {
      Files.createDirectories(secretsDir);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(file, body, StandardCharsets.UTF_8);
      return file;
    } catch (FileAlreadyExistsException e) {
      throw new ContainerException("a container named " + spec.name() + " is already running", e);
    } catch (IOException e) {
      deleteQuietly(file);
      throw new ContainerException(
          "cannot write the env-file for " + spec.name() + " in " + secretsDir + ": " + e, e);
    }
  }

  private Path envFile(ContainerSpec spec) {
    return secretsDir.resolve(spec.name() + ".env");
  }

  private void removeContainer(String name) {
    try {
      CommandRunner.Result r = runner.run(DockerArgs.removeForce(docker, name), CLI_TIMEOUT);
      if (r.exitCode() != 0 && !r.stderr().contains("No such container")) {
        LOG.warn("'docker rm --force {}' failed: {}", name, Texts.escape(r.stderr().strip(), 300));
      }
    } catch (IOException e) {
      LOG.warn("'docker rm --force {}' could not run: {}", name, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("interrupted while removing container {}", name);
    }
  }

  private void quietly(List<String> argv) {
    try {
      runner.run(argv, CLI_TIMEOUT);
    } catch (IOException e) {
      LOG.debug("{} failed: {}", argv, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private CommandRunner.Result call(List<String> argv) throws ContainerException {
    try {
      return runner.run(argv, CLI_TIMEOUT);
    } catch (IOException e) {
      throw new ContainerException(
          "cannot run '" + String.join(" ", argv) + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerException("interrupted while running '" + argv.get(1) + "'", e);
    }
  }

  private static String tail(Deque<String> lines) {
    synchronized (lines) {
      return lines.isEmpty() ? "(no output)" : Texts.escape(String.join(" | ", lines), 600);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete env-file {}: {}", file, e.getMessage());
    }
  }

  // One JVM-wide hook: on SIGINT/SIGTERM remove every container this process still runs, and its
  // env-file. The thread blocked in run() never reaches its finally block once the JVM shuts down.
  private void installShutdownHook() {
    if (hookInstalled) {
      return;
    }
    synchronized (DockerCliRuntime.class) {
      if (hookInstalled) {
        return;
      }
      CommandRunner hookRunner = runner;
      String hookDocker = docker;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    for (Map.Entry<String, Path> active : Map.copyOf(ACTIVE).entrySet()) {
                      deleteQuietly(active.getValue());
                      try {
                        hookRunner.run(
                            DockerArgs.removeForce(hookDocker, active.getKey()), CLI_TIMEOUT);
                      } catch (IOException | InterruptedException e) {
                        // The JVM is going down; the next start sweeps what is left.
                      }
                    }
                  },
                  "hydra-container-cleanup"));
      hookInstalled = true;
    }
  }
}
