package dev.hydra.demo;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.image.publish.BuiltImage;
import dev.hydra.image.publish.ImageBuildException;
import dev.hydra.image.publish.ImageBuildRequest;
import dev.hydra.image.publish.ImageBuilder;
import dev.hydra.image.publish.ImageSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What {@code hydra demo} needs to run real containers, and the demo persona images it runs: {@link
 * #check} says what is missing (the docker CLI, a daemon that answers, the local base image, the
 * repository's {@code images/}) with the fix for each; {@link #ensure} builds the four demo images
 * with {@link ImageBuilder}, or reuses them when they were built from the same inputs.
 *
 * <p>"The same inputs" is a SHA-256 over every file of {@code images/} (path and content; the
 * ignored {@code build-ca/} excepted) and the base image's ID. It is the images' OCI {@code
 * revision} label, and its first 12 digits their immutable tag; an image whose label matches is
 * reused without running {@code docker build}.
 */
public final class DemoImages {

  /** The image the demo Dockerfile starts {@code FROM}; it is never pulled. */
  public static final String BASE_IMAGE = "debian:bookworm-slim";

  /** The demo images' name prefix: {@code hydra-demo-builder}, … */
  public static final String PREFIX = "hydra-demo";

  /** The demo images' moving tag. */
  public static final String TAG = "local";

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

  /**
   * One thing the demo's containers need and do not have.
   *
   * @param what what is missing, in one sentence
   * @param fix how to fix it
   */
  public record Missing(String what, String fix) {}

  private final CommandRunner runner;
  private final String docker;
  private final Consumer<String> log;

  /**
   * @param runner runs {@code docker}
   * @param docker the docker CLI to run wherever the argv says {@code docker}: {@code docker} on
   *     PATH, or a path
   * @param log receives progress lines
   */
  public DemoImages(CommandRunner runner, String docker, Consumer<String> log) {
    this.runner = docker.equals("docker") ? runner : withDocker(runner, docker);
    this.docker = docker;
    this.log = log;
  }

  /**
   * What is missing for real containers, in the order to fix it; empty when nothing is.
   *
   * @param imagesDir where the repository's {@code images/} should be
   */
  public List<Missing> check(Path imagesDir) throws InterruptedException {
    List<Missing> missing = new ArrayList<>();
    try {
      CommandRunner.Result info =
          runner.run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), PROBE_TIMEOUT);
      if (info.exitCode() != 0) {
        missing.add(noDaemon(info));
      } else if (runner
              .run(
                  List.of("docker", "image", "inspect", "--format", "{{.Id}}", BASE_IMAGE),
                  PROBE_TIMEOUT)
              .exitCode()
          != 0) {
        missing.add(
            new Missing(
                "the base image "
                    + BASE_IMAGE
                    + " is not on this machine (the demo never pulls an image)",
                "create the base image: see .ci/provision-docker.sh (as root, it builds "
                    + BASE_IMAGE
                    + " with debootstrap), or docker pull "
                    + BASE_IMAGE
                    + " where a registry is reachable"));
      }
    } catch (IOException e) {
      missing.add(noDockerCli());
    }
    if (!Files.isRegularFile(imagesDir.resolve("demo/Dockerfile"))
        || !Files.isRegularFile(imagesDir.resolve("base/entrypoint-common.sh"))) {
      missing.add(
          new Missing(
              "no images/ directory with the demo image at "
                  + imagesDir.toAbsolutePath().normalize()
                  + " (demo/Dockerfile and base/entrypoint-common.sh)",
              "run from the repository's root, or pass --images DIR"));
    }
    return List.copyOf(missing);
  }

  /**
   * What is missing for the demo with the real persona images ({@code --agent real}): the docker
   * CLI, a daemon that answers, and each of {@code <prefix>-<role>:<tag>} for the four personas,
   * with the exact {@code hydra image build} command that builds them. Nothing is built or pulled.
   *
   * @param prefix the images' name prefix
   * @param tag their tag
   * @return what is missing, in the order to fix it; empty when nothing is
   */
  public List<Missing> checkPersonas(String prefix, String tag) throws InterruptedException {
    String build =
        "bin/hydra image build --prefix "
            + prefix
            + (tag.equals(DemoAgent.REAL.defaultTag()) ? "" : " --tag " + tag)
            + " (once; it needs network access to Debian's mirror and npm)";
    List<Missing> missing = new ArrayList<>();
    try {
      CommandRunner.Result info =
          runner.run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), PROBE_TIMEOUT);
      if (info.exitCode() != 0) {
        return List.of(noDaemon(info));
      }
      for (String role : ImageSet.ROLES) {
        String ref = prefix + "-" + role + ":" + tag;
        if (runner
                .run(
                    List.of("docker", "image", "inspect", "--format", "{{.Id}}", ref),
                    PROBE_TIMEOUT)
                .exitCode()
            != 0) {
          missing.add(
              new Missing("the real persona image " + ref + " is not on this machine", build));
        }
      }
    } catch (IOException e) {
      return List.of(noDockerCli());
    }
    return List.copyOf(missing);
  }

  private Missing noDaemon(CommandRunner.Result info) {
    return new Missing(
        "no Docker daemon answers (docker info: " + firstLine(info.stderr()) + ")",
        "start Docker: dockerd (as root, bash .ci/provision-docker.sh installs and starts it)");
  }

  private Missing noDockerCli() {
    return new Missing(
        "the docker CLI cannot be run ("
            + docker
            + ": not installed, not on PATH or not executable)",
        "install Docker (as root, bash .ci/provision-docker.sh installs Debian's docker.io and"
            + " starts it), or point --docker at the docker CLI");
  }

  /**
   * The four demo images ({@code <prefix>-<role>:<tag>}), built now or reused when built from the
   * same inputs.
   *
   * @param imagesDir the repository's {@code images/}
   * @param prefix the name prefix, {@link #PREFIX}
   * @param tag the moving tag, {@link #TAG}
   * @return one image per role, in {@link ImageSet#ROLES} order
   * @throws ImageBuildException when an image cannot be inspected or built
   */
  public List<BuiltImage> ensure(Path imagesDir, String prefix, String tag)
      throws ImageBuildException, InterruptedException {
    String inputs = inputsDigest(imagesDir, baseImageId());
    List<String> toBuild = new ArrayList<>();
    List<BuiltImage> images = new ArrayList<>();
    for (String role : ImageSet.ROLES) {
      String ref = prefix + "-" + role + ":" + tag;
      Optional<Found> found = inspect(ref);
      if (found.isPresent() && found.get().revision().equals(inputs)) {
        images.add(new BuiltImage(role, List.of(ref), found.get().id(), false));
      } else {
        toBuild.add(role);
      }
    }
    if (toBuild.isEmpty()) {
      log.accept(
          "reusing the demo images "
              + prefix
              + "-{"
              + String.join(",", ImageSet.ROLES)
              + "}:"
              + tag
              + " (built from the same inputs, "
              + inputs.substring(0, 12)
              + ")");
      return List.copyOf(images);
    }
    ImageBuildRequest request =
        ImageBuildRequest.of(imagesDir, ImageSet.DEMO, prefix, tag, Instant.now())
            .withRevision(inputs)
            .withRoles(toBuild);
    List<BuiltImage> built = new ImageBuilder(runner, BUILD_TIMEOUT, this::progress).build(request);
    List<BuiltImage> all = new ArrayList<>();
    for (String role : ImageSet.ROLES) {
      Stream.concat(images.stream(), built.stream())
          .filter(image -> image.role().equals(role))
          .findFirst()
          .ifPresent(all::add);
    }
    return List.copyOf(all);
  }

  // ImageBuilder hands over every line of docker build; a person wants the steps.
  private void progress(String line) {
    if (line.startsWith("building ") || line.startsWith("built ")) {
      log.accept(line);
    }
  }

  private String baseImageId() throws ImageBuildException, InterruptedException {
    try {
      CommandRunner.Result r =
          runner.run(
              List.of("docker", "image", "inspect", "--format", "{{.Id}}", BASE_IMAGE),
              PROBE_TIMEOUT);
      if (r.exitCode() != 0) {
        throw new ImageBuildException(
            "the base image "
                + BASE_IMAGE
                + " is missing: "
                + firstLine(r.stderr())
                + "; see .ci/provision-docker.sh");
      }
      return r.stdout().strip();
    } catch (IOException e) {
      throw new ImageBuildException("cannot run docker image inspect: " + e.getMessage(), e);
    }
  }

  private record Found(String revision, String id) {}

  // The revision label and ID of an image; empty when there is no such image.
  private Optional<Found> inspect(String ref) throws ImageBuildException, InterruptedException {
    try {
      CommandRunner.Result r =
          runner.run(
              List.of(
                  "docker",
                  "image",
                  "inspect",
                  "--format",
                  "{{index .Config.Labels \"org.opencontainers.image.revision\"}} {{.Id}}",
                  ref),
              PROBE_TIMEOUT);
      String[] parts = r.stdout().strip().split(" ", 2);
      return r.exitCode() == 0 && parts.length == 2
          ? Optional.of(new Found(parts[0], parts[1]))
          : Optional.empty();
    } catch (IOException e) {
      throw new ImageBuildException("cannot run docker image inspect: " + e.getMessage(), e);
    }
  }

  /**
   * The SHA-256 (64 hex digits) of every file under {@code images/} — relative path and content, in
   * path order, {@code build-ca/} left out — and the base image's ID.
   *
   * @throws ImageBuildException when a file cannot be read
   */
  static String inputsDigest(Path imagesDir, String baseImageId) throws ImageBuildException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    try (Stream<Path> files = Files.walk(imagesDir)) {
      List<Path> sorted =
          files
              .filter(Files::isRegularFile)
              .filter(f -> !imagesDir.relativize(f).startsWith("build-ca"))
              .sorted()
              .toList();
      for (Path file : sorted) {
        sha.update(
            imagesDir
                .relativize(file)
                .toString()
                .replace('\\', '/')
                .getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Files.readAllBytes(file));
        sha.update((byte) 0);
      }
    } catch (IOException e) {
      throw new ImageBuildException("cannot read " + imagesDir + ": " + e.getMessage(), e);
    }
    sha.update(baseImageId.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String firstLine(String text) {
    String stripped = text.strip();
    int nl = stripped.indexOf('\n');
    String line = nl < 0 ? stripped : stripped.substring(0, nl);
    return line.isEmpty() ? "no output" : line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /** A runner that runs this docker CLI wherever an argv starts with {@code docker}. */
  private static CommandRunner withDocker(CommandRunner runner, String docker) {
    return new CommandRunner() {
      @Override
      public Result run(List<String> argv, Duration timeout)
          throws IOException, InterruptedException {
        return runner.run(replace(argv), timeout);
      }

      @Override
      public Streamed stream(
          List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr)
          throws IOException, InterruptedException {
        return runner.stream(replace(argv), timeout, stdout, stderr);
      }

      private List<String> replace(List<String> argv) {
        if (argv.isEmpty() || !argv.get(0).equals("docker")) {
          return argv;
        }
        List<String> copy = new ArrayList<>(argv);
        copy.set(0, docker);
        return copy;
      }
    };
  }
}
