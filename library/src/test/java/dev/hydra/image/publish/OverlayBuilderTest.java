package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.HydraRelease;
import dev.hydra.container.docker.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overlay build's plan and docker argv, with a fake docker and git. */
class OverlayBuilderTest {

  static final Path HYDRA = ImageTestSupport.imagesDir();
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path work;

  /** A docker with a set of local images (name → ID); a build adds its tags; git answers a log. */
  static class FakeDocker implements CommandRunner {
    final Map<String, String> images = new HashMap<>();
    final Map<String, String> registry = new HashMap<>();
    final List<List<String>> calls = new ArrayList<>();
    final List<String> dockerfiles = new ArrayList<>();
    int builds;

    @Override
    public Result run(List<String> argv, Duration timeout) {
      calls.add(argv);
      String last = argv.get(argv.size() - 1);
      if (argv.get(0).equals("git")) {
        return argv.contains("status")
            ? new Result(0, "", "")
            : new Result(0, COMMIT + " 1764000000\n", "");
      }
      if (argv.contains("{{.Id}}")) {
        String id = images.get(last);
        return id == null ? new Result(1, "", "No such image") : new Result(0, id + "\n", "");
      }
      if (argv.contains("{{range .RepoDigests}}{{println .}}{{end}}")) {
        String id = images.get(last);
        return new Result(0, last.replaceFirst(":[^:/]+$", "") + "@" + id + "\n", "");
      }
      if (argv.contains("{{.Created}}")) {
        return new Result(0, "2026-11-01T10:00:00.123456789Z\n", "");
      }
      if (argv.get(1).equals("pull")) {
        String id = registry.get(last);
        if (id == null) {
          return new Result(1, "", "manifest unknown");
        }
        images.put(last, id);
        return new Result(0, "", "");
      }
      if (argv.get(1).equals("tag")) {
        images.put(argv.get(3), images.get(argv.get(2)));
        return new Result(0, "", "");
      }
      return new Result(0, "", "");
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr) {
      calls.add(argv);
      if (argv.get(1).equals("build")) {
        builds++;
        try {
          dockerfiles.add(Files.readString(Path.of(argv.get(argv.indexOf("--file") + 1))));
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
        String id = "sha256:" + String.format("%064x", builds);
        for (int i = 0; i < argv.size(); i++) {
          if (argv.get(i).equals("--tag")) {
            images.put(argv.get(i + 1), id);
          }
        }
      }
      return new Streamed(0, false);
    }
  }

  OverlayRequest plan(FakeDocker docker, String from) throws Exception {
    return OverlayPlanner.plan(
        new OverlayPlanner.Options(
            ".hydra/images", from, "localhost/acme", "", "", HYDRA.toString(), false),
        Map.of(),
        work,
        docker,
        Optional.empty());
  }

  @Test
  void aChangedPersonaIsRebuiltTheOthersReusedAndTheMovingTagFollows() throws Exception {
    FakeDocker docker = new FakeDocker();
    for (String role : ImageSet.ROLES) {
      docker.images.put(
          "localhost/hydra-" + role + ":v1",
          "sha256:" + role.repeat(64).substring(0, 64).replaceAll("[^a-f]", "a"));
    }
    ImageOverlayTest.write(work.resolve(".hydra/images/builder/CLAUDE.md"), "Run mvn verify.\n");
    OverlayBuilder builder = new OverlayBuilder(docker, Duration.ofMinutes(1), line -> {});

    OverlayBuilder.Result first = builder.build(plan(docker, "localhost/hydra:v1"));
    assertThat(first.rebuilt()).containsExactlyElementsOf(ImageSet.ROLES);
    BuiltImage builder1 = first.images().get(0);
    assertThat(builder1.tags().get(0)).isEqualTo("localhost/acme-builder:latest");
    assertThat(builder1.tags().get(1)).matches("localhost/acme-builder:v1-[0-9a-f]{12}");

    List<String> build =
        docker.calls.stream().filter(c -> c.get(1).equals("build")).findFirst().orElseThrow();
    assertThat(build).containsSequence("docker", "build", "--force-rm", "--file");
    assertThat(build).containsSequence("--build-arg", "HYDRA_FROM=localhost/hydra-builder:v1");
    assertThat(build)
        .contains(
            "org.opencontainers.image.created=2025-11-24T16:00:00Z",
            "org.opencontainers.image.revision=" + COMMIT,
            "org.opencontainers.image.base.name=localhost/hydra-builder:v1");
    assertThat(String.join(" ", build)).doesNotContain("2026-12");
    // A persona without overlay files of its own: the created label is Hydra's image's.
    List<String> applierBuild =
        docker.calls.stream()
            .filter(
                c ->
                    c.get(1).equals("build") && c.contains("HYDRA_FROM=localhost/hydra-applier:v1"))
            .findFirst()
            .orElseThrow();
    assertThat(applierBuild)
        .contains("org.opencontainers.image.created=2026-11-01T10:00:00.123456789Z");
    assertThat(docker.dockerfiles.get(0)).contains("FROM ${HYDRA_FROM}");

    ImageOverlayTest.write(
        work.resolve(".hydra/images/reviewer/CLAUDE.md"), "Check the changelog.\n");
    docker.calls.clear();
    OverlayBuilder.Result second = builder.build(plan(docker, "localhost/hydra:v1"));

    assertThat(second.rebuilt()).containsExactly("reviewer");
    assertThat(second.images().get(0).tags()).isEqualTo(builder1.tags());
    assertThat(second.images().get(0).digest()).isEqualTo(builder1.digest());
    assertThat(second.images().get(1).digest()).isNotEqualTo(first.images().get(1).digest());
    assertThat(docker.calls)
        .contains(
            List.of("docker", "tag", builder1.tags().get(1), "localhost/acme-builder:latest"));
    assertThat(docker.calls.stream().filter(c -> c.get(1).equals("build")).count()).isEqualTo(1);
  }

  @Test
  void hydrasImageIsPulledWhenNotHereAndItsAbsenceIsExplained() throws Exception {
    FakeDocker docker = new FakeDocker();
    Files.createDirectories(work.resolve(".hydra/images"));
    docker.registry.put("ghcr.io/hydra/hydra-builder:v2", "sha256:" + "12".repeat(32));
    OverlayRequest request =
        OverlayPlanner.plan(
            new OverlayPlanner.Options(
                ".hydra/images",
                "",
                "ghcr.io/acme/hydra",
                "",
                "builder,security",
                HYDRA.toString(),
                false),
            Map.of(),
            work,
            docker,
            Optional.of(new HydraRelease("v2", "ghcr.io/hydra/hydra")));
    assertThat(request.from("builder")).isEqualTo("ghcr.io/hydra/hydra-builder:v2");
    OverlayBuilder builder = new OverlayBuilder(docker, Duration.ofMinutes(1), line -> {});

    assertThatThrownBy(() -> builder.build(request))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageContaining(
            "Hydra's image ghcr.io/hydra/hydra-security:v2 can be neither found here nor pulled (manifest unknown)");
    assertThat(docker.calls)
        .contains(List.of("docker", "pull", "--quiet", "ghcr.io/hydra/hydra-builder:v2"));
  }

  @Test
  void withPushAnImageInTheRegistryIsReusedNotRebuilt() throws Exception {
    FakeDocker docker = new FakeDocker();
    docker.images.put("localhost/hydra-applier:v1", "sha256:" + "34".repeat(32));
    Files.createDirectories(work.resolve(".hydra/images"));
    OverlayRequest local =
        OverlayPlanner.plan(
            new OverlayPlanner.Options(
                ".hydra/images",
                "localhost/hydra:v1",
                "localhost/acme",
                "",
                "applier",
                HYDRA.toString(),
                false),
            Map.of(),
            work,
            docker,
            Optional.empty());
    String hash =
        OverlayContext.of(HYDRA, local.overlay(), "applier").hash("sha256:" + "34".repeat(32));
    String fixed = "localhost/acme-applier:" + local.immutableTag(hash);
    docker.registry.put(fixed, "sha256:" + "56".repeat(32));
    OverlayRequest push =
        OverlayPlanner.plan(
            new OverlayPlanner.Options(
                ".hydra/images",
                "localhost/hydra:v1",
                "localhost/acme",
                "",
                "applier",
                HYDRA.toString(),
                true),
            Map.of(),
            work,
            docker,
            Optional.empty());

    OverlayBuilder.Result result =
        new OverlayBuilder(docker, Duration.ofMinutes(1), line -> {}).build(push);

    assertThat(result.rebuilt()).isEmpty();
    assertThat(docker.calls).contains(List.of("docker", "pull", "--quiet", fixed));
    assertThat(docker.calls).contains(List.of("docker", "push", "localhost/acme-applier:latest"));
    assertThat(docker.calls).contains(List.of("docker", "push", fixed));
  }

  @Test
  void theLabelsCarryNoBuildTime() {
    OverlayRequest request =
        new OverlayRequest(
            HYDRA,
            new ImageOverlay(work, "", List.of(), Map.of()),
            "localhost/acme",
            "latest",
            "localhost/hydra",
            "v1",
            ImageSet.ROLES,
            false,
            null,
            Map.of("builder", new OverlayRequest.Stamp(COMMIT, Instant.ofEpochSecond(1764000000))));
    assertThat(OverlayBuilder.labels(request, "builder", "f".repeat(64), "2025-11-24T16:00:00Z"))
        .containsEntry("org.opencontainers.image.version", "v1-ffffffffffff")
        .containsEntry(OverlayBuilder.HASH_LABEL, "f".repeat(64))
        .containsEntry("org.opencontainers.image.revision", COMMIT);
  }
}
