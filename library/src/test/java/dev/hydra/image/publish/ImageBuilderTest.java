package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.container.docker.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {

  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String PEM = "-----BEGIN " + "CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @TempDir Path dir;
  Path images;

  static final String DIGEST = "sha256:" + "ab".repeat(32);
  static final String OTHER = "sha256:" + "cd".repeat(32);

  /**
   * Records every argv; answers builds and pushes with 0, the image ID with a hash of the tag, and
   * RepoDigests with an entry of another registry first, then the image's own.
   */
  static class FakeRunner implements CommandRunner {
    final List<List<String>> calls = new ArrayList<>();
    final List<String> caSeen = new ArrayList<>();
    int buildExit = 0;
    int pushExit = 0;
    List<String> pushOutput = List.of();

    @Override
    public Result run(List<String> argv, Duration timeout) {
      calls.add(argv);
      String ref = argv.get(argv.size() - 1);
      if (argv.contains("{{.Id}}")) {
        return new Result(0, "sha256:" + String.format("%064x", ref.hashCode()) + "\n", "");
      }
      return new Result(
          0,
          "mirror.example/x@"
              + OTHER
              + "\n"
              + ref.replaceFirst(":[^:/]+$", "")
              + "@"
              + DIGEST
              + "\n",
          "");
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr) {
      calls.add(argv);
      if (argv.get(1).equals("build")) {
        Path context = Path.of(argv.get(argv.size() - 1));
        Path ca = context.resolve("build-ca").resolve(ImageBuilder.EXTRA_CA_NAME);
        try {
          caSeen.add(Files.exists(ca) ? Files.readString(ca) : "");
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
        stdout.accept("Step 1/9 : FROM debian:bookworm-slim");
        if (buildExit != 0) {
          stderr.accept("E: Unable to locate package nodejs");
          return new Streamed(buildExit, false);
        }
      }
      if (argv.get(1).equals("push")) {
        pushOutput.forEach(stdout);
        return new Streamed(pushExit, false);
      }
      return new Streamed(0, false);
    }
  }

  final FakeRunner runner = new FakeRunner();
  final List<String> log = new ArrayList<>();
  final ImageBuilder builder = new ImageBuilder(runner, Duration.ofMinutes(30), log::add);

  @BeforeEach
  void images() throws Exception {
    images = Files.createDirectories(dir.resolve("images"));
    for (String d : List.of("base", "demo", "builder", "reviewer", "security", "applier")) {
      Files.createDirectories(images.resolve(d));
      Files.writeString(images.resolve(d).resolve("Dockerfile"), "FROM scratch\n");
    }
  }

  @Test
  void personasBuildTheBaseFirstAndEachPersonaOnThatBase() throws Exception {
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.PERSONAS, "ghcr.io/acme/hydra", "latest", NOW)
            .withRevision(SHA)
            .withSource("https://github.com/acme/hydra");

    List<BuiltImage> built = builder.build(request);

    assertThat(built)
        .extracting(BuiltImage::role)
        .containsExactly("base", "builder", "reviewer", "security", "applier");
    List<String> base = runner.calls.get(0);
    assertThat(base)
        .containsExactly(
            "docker",
            "build",
            "--force-rm",
            "--file",
            images.resolve("base/Dockerfile").toString(),
            "--tag",
            "ghcr.io/acme/hydra-base:latest",
            "--tag",
            "ghcr.io/acme/hydra-base:0123456789ab",
            "--label",
            "org.opencontainers.image.title=ghcr.io/acme/hydra-base",
            "--label",
            "org.opencontainers.image.created=2026-11-22T08:00:00Z",
            "--label",
            "org.opencontainers.image.version=latest",
            "--label",
            "org.opencontainers.image.revision=" + SHA,
            "--label",
            "org.opencontainers.image.source=https://github.com/acme/hydra",
            "--label",
            "dev.hydra.role=base",
            images.toString());
    List<String> reviewer =
        runner.calls.stream()
            .filter(c -> c.contains("ghcr.io/acme/hydra-reviewer:latest"))
            .findFirst()
            .orElseThrow();
    assertThat(reviewer)
        .containsSubsequence("--file", images.resolve("reviewer/Dockerfile").toString())
        .containsSubsequence("--build-arg", "HYDRA_BASE=ghcr.io/acme/hydra-base:0123456789ab")
        .containsSubsequence("--tag", "ghcr.io/acme/hydra-reviewer:0123456789ab")
        .endsWith(images.toString());
    assertThat(built.get(1).tags())
        .containsExactly(
            "ghcr.io/acme/hydra-builder:latest", "ghcr.io/acme/hydra-builder:0123456789ab");
    assertThat(built.get(1).digest()).startsWith("sha256:");
    assertThat(built.get(1).pushed()).isFalse();
    assertThat(runner.calls)
        .filteredOn(c -> c.get(1).equals("image"))
        .allSatisfy(c -> assertThat(c).containsSubsequence("--format", "{{.Id}}"))
        .hasSize(5);
    assertThat(runner.calls).noneMatch(c -> c.contains("push"));
  }

  @Test
  void demoBuildsOneImagePerRoleFromTheDemoDockerfile() throws Exception {
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.DEMO, "hydra-demo", "dev", NOW)
            .withRoles(List.of("builder", "applier"))
            .withBaseImage("debian:bookworm-slim@sha256:" + "a".repeat(64));

    List<BuiltImage> built = builder.build(request);

    assertThat(built)
        .extracting(BuiltImage::reference)
        .containsExactly("hydra-demo-builder:dev", "hydra-demo-applier:dev");
    assertThat(runner.calls.get(0))
        .containsSubsequence("--file", images.resolve("demo/Dockerfile").toString())
        .containsSubsequence(
            "--tag", "hydra-demo-builder:dev", "--tag", "hydra-demo-builder:20261122T080000Z")
        .containsSubsequence(
            "--build-arg", "BASE_IMAGE=debian:bookworm-slim@sha256:" + "a".repeat(64))
        .containsSubsequence("--build-arg", "HYDRA_ROLE=builder");
    assertThat(runner.calls).noneMatch(c -> c.contains("base/Dockerfile"));
  }

  @Test
  void pushPushesEveryTagAndReportsTheRegistryDigest() throws Exception {
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.DEMO, "localhost:5000/hydra", "v1", NOW)
            .withRevision(SHA)
            .withRoles(List.of("reviewer"))
            .withPush(true);

    List<BuiltImage> built = builder.build(request);

    assertThat(runner.calls)
        .filteredOn(c -> c.get(1).equals("push"))
        .containsExactly(
            List.of("docker", "push", "localhost:5000/hydra-reviewer:v1"),
            List.of("docker", "push", "localhost:5000/hydra-reviewer:0123456789ab"));
    assertThat(runner.calls.get(runner.calls.size() - 1))
        .containsExactly(
            "docker",
            "image",
            "inspect",
            "--format",
            "{{range .RepoDigests}}{{println .}}{{end}}",
            "localhost:5000/hydra-reviewer:v1");
    // Not RepoDigests[0], which belongs to another registry here.
    assertThat(built.get(0).digest()).isEqualTo("localhost:5000/hydra-reviewer@" + DIGEST);
    assertThat(built.get(0).pushed()).isTrue();
  }

  @Test
  void theDigestDockerPushPrintsIsTheOneReported() throws Exception {
    runner.pushOutput =
        List.of(
            "The push refers to repository [localhost:5000/hydra-reviewer]",
            "5f70bf18a086: Pushed",
            "v1: digest: " + OTHER + " size: 528");
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.DEMO, "localhost:5000/hydra", "v1", NOW)
            .withRoles(List.of("reviewer"))
            .withPush(true);

    List<BuiltImage> built = builder.build(request);

    assertThat(built.get(0).digest()).isEqualTo("localhost:5000/hydra-reviewer@" + OTHER);
    assertThat(runner.calls).noneMatch(c -> c.get(1).equals("image"));
    assertThat(log).contains("v1: digest: " + OTHER + " size: 528");
  }

  @Test
  void aFailedPushNamesTheTagTheRegistrysAnswerAndTheFix() {
    runner.pushOutput = List.of("unauthorized: authentication required");
    runner.pushExit = 1;
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.DEMO, "localhost:5000/hydra", "v1", NOW)
            .withRoles(List.of("reviewer"))
            .withPush(true);

    assertThatThrownBy(() -> builder.build(request))
        .isInstanceOf(ImageBuildException.class)
        .hasMessage(
            "docker push of localhost:5000/hydra-reviewer:v1 failed (exit 1: unauthorized:"
                + " authentication required); is the registry reachable and `docker login` done"
                + " for it?");
  }

  /** A runner whose {@code run} answers every command with one result. */
  static FakeRunner answering(CommandRunner.Result result) {
    return new FakeRunner() {
      @Override
      public Result run(List<String> argv, Duration timeout) {
        calls.add(argv);
        return result;
      }
    };
  }

  @Test
  void requireDockerTellsAMissingCliFromAStoppedDaemon() throws Exception {
    CommandRunner missing =
        new CommandRunner() {
          @Override
          public Result run(List<String> argv, Duration timeout) throws IOException {
            throw new IOException("cannot run docker: No such file or directory");
          }

          @Override
          public Streamed stream(
              List<String> argv, Duration t, Consumer<String> out, Consumer<String> err)
              throws IOException {
            throw new IOException("cannot run docker: No such file or directory");
          }
        };
    assertThatThrownBy(
            () -> new ImageBuilder(missing, Duration.ofMinutes(1), log::add).requireDocker())
        .isInstanceOf(ImageBuildException.class)
        .hasMessage(
            "the docker CLI cannot be run (cannot run docker: No such file or directory); install"
                + " Docker (Debian: apt-get install docker.io) or put docker on PATH");

    CommandRunner stopped =
        answering(
            new CommandRunner.Result(
                1,
                "\n",
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker"
                    + " daemon running?\n"));
    assertThatThrownBy(
            () -> new ImageBuilder(stopped, Duration.ofMinutes(1), log::add).requireDocker())
        .hasMessage(
            "no Docker daemon answers (Cannot connect to the Docker daemon at"
                + " unix:///var/run/docker.sock. Is the docker daemon running?); start Docker, or"
                + " point DOCKER_HOST at a running daemon");

    FakeRunner running = answering(new CommandRunner.Result(0, "20.10.24+dfsg1\n", ""));
    new ImageBuilder(running, Duration.ofMinutes(1), log::add).requireDocker();
    assertThat(running.calls)
        .containsExactly(List.of("docker", "version", "--format", "{{.Server.Version}}"));
  }

  @Test
  void theExtraCaReachesTheContextAsACopyAndNeverTheRepositoryOrTheArgv() throws Exception {
    Path ca = Files.writeString(dir.resolve("proxy-ca.pem"), PEM);
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.PERSONAS, "hydra", "dev", NOW)
            .withRoles(List.of("builder"))
            .withExtraCa(ca);

    builder.build(request);

    assertThat(runner.caSeen).containsOnly(PEM);
    Path context = Path.of(runner.calls.get(0).get(runner.calls.get(0).size() - 1));
    assertThat(context).isNotEqualTo(images);
    assertThat(context).doesNotExist(); // deleted after the build
    assertThat(images.resolve("build-ca")).doesNotExist();
    assertThat(runner.calls)
        .allSatisfy(c -> assertThat(String.join(" ", c)).doesNotContain("MIIB"));
  }

  @Test
  void aFileThatIsNoCertificateIsRefusedBeforeAnyBuild() throws Exception {
    Path ca = Files.writeString(dir.resolve("token.txt"), "ghp_notacert");
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.PERSONAS, "hydra", "dev", NOW).withExtraCa(ca);

    assertThatThrownBy(() -> builder.build(request))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageContaining("holds no PEM certificate")
        .hasMessageNotContaining("ghp_notacert");
    assertThat(runner.calls).isEmpty();
  }

  @Test
  void aFailedBuildStopsWithItsLastLinesAndBuildsNothingAfter() throws Exception {
    runner.buildExit = 1;
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.PERSONAS, "hydra", "dev", NOW);

    assertThatThrownBy(() -> builder.build(request))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageContaining("docker build of hydra-base:dev failed (exit 1)")
        .hasMessageContaining("Unable to locate package nodejs");
    assertThat(runner.calls).hasSize(1);
  }

  @Test
  void aMissingDockerfileIsNamed() throws Exception {
    Files.delete(images.resolve("security/Dockerfile"));
    ImageBuildRequest request =
        ImageBuildRequest.of(images, ImageSet.PERSONAS, "hydra", "dev", NOW);

    assertThatThrownBy(() -> builder.build(request))
        .hasMessageContaining("security/Dockerfile is missing");
    assertThat(runner.calls).isEmpty();
  }

  @Test
  void invalidNamesAreRefused() {
    assertThatThrownBy(() -> ImageBuildRequest.of(images, ImageSet.DEMO, "Hydra", "dev", NOW))
        .hasMessageContaining("invalid image prefix");
    assertThatThrownBy(() -> ImageBuildRequest.of(images, ImageSet.DEMO, "--rm", "dev", NOW))
        .hasMessageContaining("invalid image prefix");
    assertThatThrownBy(() -> ImageBuildRequest.of(images, ImageSet.DEMO, "hydra", "-x", NOW))
        .hasMessageContaining("invalid image tag");
    assertThatThrownBy(
            () ->
                ImageBuildRequest.of(images, ImageSet.DEMO, "hydra", "dev", NOW)
                    .withRevision("HEAD; rm -rf /"))
        .hasMessageContaining("invalid revision");
    assertThatThrownBy(
            () ->
                ImageBuildRequest.of(images, ImageSet.DEMO, "hydra", "dev", NOW)
                    .withRoles(List.of("admin")))
        .hasMessageContaining("unknown role");
    assertThatThrownBy(
            () ->
                ImageBuildRequest.of(images, ImageSet.DEMO, "hydra", "dev", NOW)
                    .withSource("https://x\nLABEL evil=1"))
        .hasMessageContaining("control characters");
  }

  @Test
  void theImmutableTagIsTheShortRevisionOrTheUtcTime() {
    ImageBuildRequest request = ImageBuildRequest.of(images, ImageSet.DEMO, "hydra", "dev", NOW);
    assertThat(request.immutableTag()).isEqualTo("20261122T080000Z");
    assertThat(request.withRevision(SHA).immutableTag()).isEqualTo("0123456789ab");
    assertThat(ImageBuilder.tags(request.withRevision(SHA), "builder"))
        .containsExactly("hydra-builder:dev", "hydra-builder:0123456789ab");
  }
}
