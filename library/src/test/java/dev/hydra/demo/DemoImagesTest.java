package dev.hydra.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.image.publish.BuiltImage;
import dev.hydra.image.publish.ImageSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoImagesTest {

  static final String BASE_ID = "sha256:" + "b".repeat(64);

  @TempDir Path dir;
  Path images;

  /** A docker CLI of canned answers; "missing" makes it impossible to start. */
  static final class FakeDocker implements CommandRunner {
    final List<List<String>> calls = new ArrayList<>();
    boolean missing;
    int infoExit;
    boolean baseImage = true;

    /** Image reference to its "revision id" inspect answer. */
    final Map<String, String> images = new HashMap<>();

    @Override
    public Result run(List<String> argv, Duration timeout) throws IOException {
      calls.add(argv);
      if (missing) {
        throw new IOException("Cannot run program \"docker\": error=2, No such file or directory");
      }
      if (argv.get(1).equals("info") || argv.get(1).equals("version")) {
        return infoExit == 0
            ? new Result(0, "20.10.24\n", "")
            : new Result(
                infoExit,
                "",
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker"
                    + " daemon running?\n");
      }
      String ref = argv.get(argv.size() - 1);
      if (ref.equals(DemoImages.BASE_IMAGE)) {
        return baseImage ? new Result(0, BASE_ID + "\n", "") : new Result(1, "", "No such image");
      }
      String answer = images.get(ref);
      if (answer != null && argv.contains("{{.Id}}")) {
        answer = answer.substring(answer.indexOf(' ') + 1); // the image ID alone
      }
      return answer == null
          ? new Result(1, "", "Error: No such image: " + ref)
          : new Result(0, answer + "\n", "");
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr) {
      calls.add(argv);
      stdout.accept("Step 1/9 : ARG BASE_IMAGE=debian:bookworm-slim");
      // What the build leaves: the image with the revision label of the request.
      String revision = "";
      for (int i = 0; i < argv.size() - 1; i++) {
        if (argv.get(i).equals("--label")
            && argv.get(i + 1).startsWith("org.opencontainers.image.revision=")) {
          revision = argv.get(i + 1).substring(argv.get(i + 1).indexOf('=') + 1);
        }
      }
      images.put(argv.get(argv.indexOf("--tag") + 1), revision + " sha256:" + "b".repeat(64));
      return new Streamed(0, false);
    }

    long builds() {
      return calls.stream().filter(c -> c.get(1).equals("build")).count();
    }
  }

  final FakeDocker docker = new FakeDocker();
  final List<String> log = new ArrayList<>();

  @BeforeEach
  void images() throws Exception {
    images = Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(images.resolve("demo"));
    Files.createDirectories(images.resolve("base"));
    Files.writeString(images.resolve("demo/Dockerfile"), "FROM debian:bookworm-slim\n");
    Files.writeString(images.resolve("demo/demo-agent.sh"), "echo demo\n");
    Files.writeString(images.resolve("base/entrypoint-common.sh"), "hydra_main() { :; }\n");
  }

  DemoImages demo() {
    return new DemoImages(docker, "docker", log::add);
  }

  @Test
  void nothingIsMissingWithADaemonTheBaseImageAndImages() throws Exception {
    assertThat(demo().check(images)).isEmpty();
    assertThat(docker.calls.get(0))
        .containsExactly("docker", "info", "--format", "{{.ServerVersion}}");
  }

  @Test
  void aMissingCliAndAMissingImagesDirectoryAreBothReportedWithTheirFixes() throws Exception {
    docker.missing = true;
    List<DemoImages.Missing> missing = demo().check(dir.resolve("nowhere"));

    assertThat(missing).hasSize(2);
    assertThat(missing.get(0).what()).contains("the docker CLI cannot be run");
    assertThat(missing.get(0).fix()).contains("install Docker", ".ci/provision-docker.sh");
    assertThat(missing.get(1).what())
        .contains("no images/ directory", dir.resolve("nowhere").toString());
    assertThat(missing.get(1).fix()).contains("--images DIR");
  }

  @Test
  void aDaemonThatDoesNotAnswerSaysStartDocker() throws Exception {
    docker.infoExit = 1;
    List<DemoImages.Missing> missing = demo().check(images);

    assertThat(missing)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.what())
                  .contains("no Docker daemon answers", "Cannot connect to the Docker daemon");
              assertThat(m.fix()).startsWith("start Docker: dockerd");
            });
  }

  @Test
  void aMissingBaseImageSaysHowToCreateIt() throws Exception {
    docker.baseImage = false;
    assertThat(demo().check(images))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.what()).contains("debian:bookworm-slim", "never pulls");
              assertThat(m.fix()).startsWith("create the base image: see .ci/provision-docker.sh");
            });
  }

  @Test
  void theImagesAreBuiltOnceAndThenReusedWhileTheInputsStayTheSame() throws Exception {
    List<BuiltImage> first = demo().ensure(images, "hydra-demo", "local");
    List<BuiltImage> second = demo().ensure(images, "hydra-demo", "local");

    assertThat(first).extracting(BuiltImage::role).containsExactlyElementsOf(ImageSet.ROLES);
    assertThat(first.get(0).tags())
        .containsExactly(
            "hydra-demo-builder:local", "hydra-demo-builder:" + inputs().substring(0, 12));
    assertThat(second)
        .extracting(BuiltImage::reference)
        .containsExactly(
            "hydra-demo-builder:local",
            "hydra-demo-reviewer:local",
            "hydra-demo-security:local",
            "hydra-demo-applier:local");
    assertThat(docker.builds()).isEqualTo(4);
    assertThat(log).anyMatch(l -> l.startsWith("building hydra-demo-builder:local"));
    assertThat(log).anyMatch(l -> l.startsWith("reusing the demo images"));
    assertThat(log).noneMatch(l -> l.startsWith("Step "));
  }

  @Test
  void aChangedInputOrAMissingRoleIsBuiltAgain() throws Exception {
    demo().ensure(images, "hydra-demo", "local");
    docker.images.remove("hydra-demo-applier:local");
    demo().ensure(images, "hydra-demo", "local");
    assertThat(docker.builds()).isEqualTo(5);

    Files.writeString(images.resolve("demo/demo-agent.sh"), "echo changed\n");
    demo().ensure(images, "hydra-demo", "local");
    assertThat(docker.builds()).isEqualTo(9);
  }

  @Test
  void theInputsDigestCoversPathsContentsAndTheBaseButNotBuildCa() throws Exception {
    String before = inputs();
    Files.createDirectories(images.resolve("build-ca"));
    Files.writeString(images.resolve("build-ca/extra-ca.crt"), "not an input");
    assertThat(inputs()).isEqualTo(before).matches("[0-9a-f]{64}");
    assertThat(DemoImages.inputsDigest(images, "sha256:other")).isNotEqualTo(before);
    Files.move(images.resolve("demo/demo-agent.sh"), images.resolve("demo/agent.sh"));
    assertThat(inputs()).isNotEqualTo(before);
  }

  @Test
  void anotherDockerCliIsRunWhereverTheArgvSaysDocker() throws Exception {
    new DemoImages(docker, "/opt/docker/bin/docker", log::add).check(images);
    assertThat(docker.calls)
        .allSatisfy(c -> assertThat(c.get(0)).isEqualTo("/opt/docker/bin/docker"));
  }

  String inputs() throws Exception {
    return DemoImages.inputsDigest(images, BASE_ID);
  }
}
