package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hydra image build --overlay} on the real Docker engine: {@link OverlayPlanner} and {@link
 * OverlayBuilder} as {@code ImageCommand} drives them. Stand-ins for Hydra's release images ({@code
 * <prefix>/hydra-<role>:v9.9.9}, {@code FROM debian:bookworm-slim} with Hydra's three persona files
 * copied where the real images keep them; no network, no apt) are built first, each labelled with
 * this run's id, which the customised images inherit. Then: the overlay's instructions end up in
 * the image; a change to one persona's folder rebuilds that persona only and moves {@code latest};
 * no change rebuilds nothing; no dangling image is left; a denied tool fails before any docker
 * command. Everything carrying the run's label is removed afterwards.
 *
 * <p>Skipped without a Docker daemon and {@code debian:bookworm-slim}, unless {@code
 * HYDRA_REQUIRE_DOCKER=1}, which makes that a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class OverlayBuildIT {

  static final CommandRunner DOCKER = new CommonsExecCommandRunner();
  static final Duration QUICK = Duration.ofMinutes(2);
  static final String ID = UUID.randomUUID().toString().substring(0, 8);
  static final String LABEL = "dev.hydra.it.overlay=" + ID;
  static final String ROOT = "localhost/hydra-overlay-it-" + ID;
  static final String FROM_PREFIX = ROOT + "/hydra";
  static final String VERSION = "v9.9.9";
  static final String PREFIX = ROOT + "/custom";
  static final Path HYDRA = ImageTestSupport.imagesDir();

  @TempDir Path work;
  final Set<String> danglingBefore = new LinkedHashSet<>();

  /** Whether Docker answered: without it the tests were skipped and there is nothing to remove. */
  private boolean dockerRan;

  @BeforeAll
  void buildStandIns(@TempDir Path contexts) throws Exception {
    ImageTestSupport.requireDocker();
    dockerRan = true;
    danglingBefore.addAll(dangling());
    for (String role : ImageSet.ROLES) {
      Path dir = Files.createDirectories(contexts.resolve(role));
      for (String file : List.of("CLAUDE.md", "persona.env", "settings.json")) {
        Files.copy(HYDRA.resolve(role).resolve(file), dir.resolve(file));
      }
      Files.writeString(
          dir.resolve("Dockerfile"),
          """
          FROM debian:bookworm-slim
          COPY CLAUDE.md persona.env /etc/hydra/
          COPY settings.json /etc/claude-code/managed-settings.json
          """);
      ok(
          List.of(
              "docker",
              "build",
              "--force-rm",
              "--network",
              "none",
              "--label",
              LABEL,
              "--label",
              "dev.hydra.role=" + role,
              "--tag",
              FROM_PREFIX + "-" + role + ":" + VERSION,
              dir.toString()),
          Duration.ofMinutes(5));
    }
  }

  @AfterAll
  void removeEverything() throws Exception {
    if (!dockerRan) {
      return;
    }
    // Children before parents: a pass removes what nothing else is built on.
    for (int pass = 0; pass < 4; pass++) {
      List<String> left = lines(ok(List.of("docker", "images", "-q", "-f", "label=" + LABEL)));
      if (left.isEmpty()) {
        break;
      }
      for (String id : new LinkedHashSet<>(left)) {
        DOCKER.run(List.of("docker", "image", "rm", "--force", id), QUICK);
      }
    }
    assertThat(lines(ok(List.of("docker", "images", "-a", "-q", "-f", "label=" + LABEL))))
        .as("images of this run left behind")
        .isEmpty();
    assertThat(ok(List.of("docker", "images", "--format", "{{.Repository}}")))
        .as("tags of this run left behind")
        .doesNotContain(ROOT);
  }

  @Test
  void buildsTheOverlayRebuildsOnlyWhatChangedAndLeavesNoDanglingImage() throws Exception {
    Path overlay = Files.createDirectories(work.resolve("overlay"));
    Files.createDirectories(overlay.resolve("reviewer"));
    Files.writeString(overlay.resolve("CLAUDE.md"), "Every persona: run ./gradlew check.\n");
    Files.writeString(
        overlay.resolve("reviewer/CLAUDE.md"), "Reviewer: insist on a changelog entry.\n");

    Recorder first = new Recorder();
    OverlayBuilder.Result built = build(overlay, first);
    assertThat(built.rebuilt()).containsExactlyElementsOf(ImageSet.ROLES);
    assertThat(first.builds()).hasSize(ImageSet.ROLES.size());
    Map<String, String> ids = new LinkedHashMap<>();
    for (BuiltImage image : built.images()) {
      String fixed = image.tags().get(1);
      assertThat(image.tags().get(0)).isEqualTo(PREFIX + "-" + image.role() + ":latest");
      assertThat(fixed).matches(PREFIX + "-" + image.role() + ":v9\\.9\\.9-[0-9a-f]{12}");
      assertThat(id(fixed)).as("latest is the fixed tag").isEqualTo(id(image.tags().get(0)));
      assertThat(fixed).endsWith(label(fixed, OverlayBuilder.HASH_LABEL).substring(0, 12));
      ids.put(image.role(), id(fixed));
    }
    String reviewer = claudeMd(PREFIX + "-reviewer:latest");
    assertThat(reviewer)
        .startsWith(Files.readString(HYDRA.resolve("reviewer/CLAUDE.md")).strip())
        .contains("(overlay CLAUDE.md)\n\nEvery persona: run ./gradlew check.\n")
        .endsWith("(overlay reviewer/CLAUDE.md)\n\nReviewer: insist on a changelog entry.\n");
    assertThat(claudeMd(PREFIX + "-builder:latest"))
        .endsWith("Every persona: run ./gradlew check.\n")
        .doesNotContain("changelog");

    Files.writeString(
        overlay.resolve("reviewer/CLAUDE.md"), "Reviewer: insist on a migration note.\n");
    OverlayBuilder.Result second = build(overlay, new Recorder());
    assertThat(second.rebuilt()).containsExactly("reviewer");
    for (String role : ImageSet.ROLES) {
      String now = id(PREFIX + "-" + role + ":latest");
      if (role.equals("reviewer")) {
        assertThat(now).as("the reviewer rebuilt, latest moved").isNotEqualTo(ids.get(role));
        assertThat(now).isEqualTo(id(second.images().get(1).tags().get(1)));
      } else {
        assertThat(now).as(role + " reused").isEqualTo(ids.get(role));
      }
    }
    assertThat(second.images().get(1).tags().get(1))
        .as("a new immutable tag")
        .isNotEqualTo(built.images().get(1).tags().get(1));
    assertThat(claudeMd(PREFIX + "-reviewer:latest"))
        .endsWith("Reviewer: insist on a migration note.\n")
        .doesNotContain("changelog");

    Recorder third = new Recorder();
    OverlayBuilder.Result again = build(overlay, third);
    assertThat(again.rebuilt()).isEmpty();
    assertThat(third.builds()).isEmpty();
    assertThat(again.images()).isEqualTo(second.images());

    List<String> fresh = new ArrayList<>(dangling());
    fresh.removeAll(danglingBefore);
    List<String> ours = new ArrayList<>();
    for (String image : fresh) {
      CommandRunner.Result labels =
          DOCKER.run(
              List.of("docker", "image", "inspect", "--format", "{{json .Config.Labels}}", image),
              QUICK);
      if (labels.exitCode() == 0 && labels.stdout().contains(ID)) {
        ours.add(image);
      }
    }
    assertThat(ours).as("dangling images left by the overlay builds").isEmpty();
  }

  @Test
  void aDeniedToolFailsBeforeAnyDockerCommandAndBuildsNothing() throws Exception {
    Path overlay = Files.createDirectories(work.resolve("bad"));
    Path tools = Files.createDirectories(overlay.resolve("builder")).resolve("tools.txt");
    Files.writeString(tools, "Bash(npm test:*)\nBash(git push:*)\n");
    Recorder recorder = new Recorder();

    assertThatThrownBy(() -> build(overlay, recorder, PREFIX + "-bad"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(tools.toString())
        .hasMessageContaining("Bash(git push:*)")
        .hasMessageContaining("builder persona's managed settings deny")
        .hasMessageContaining("remove it, or allow a narrower rule");
    assertThat(recorder.calls)
        .as("no docker command")
        .allMatch(argv -> !argv.get(0).equals("docker"));
    assertThat(ok(List.of("docker", "images", "--format", "{{.Repository}}")))
        .doesNotContain(PREFIX + "-bad");
  }

  OverlayBuilder.Result build(Path overlay, Recorder recorder) throws Exception {
    return build(overlay, recorder, PREFIX);
  }

  /** What {@code ImageCommand} does for {@code --overlay}: plan, then build. */
  static OverlayBuilder.Result build(Path overlay, Recorder recorder, String prefix)
      throws Exception {
    OverlayRequest request =
        OverlayPlanner.plan(
            new OverlayPlanner.Options(
                overlay.toString(),
                FROM_PREFIX + ":" + VERSION,
                prefix,
                "latest",
                "",
                HYDRA.toString(),
                false),
            Map.of(),
            overlay,
            recorder,
            Optional.empty());
    return new OverlayBuilder(recorder, Duration.ofMinutes(5), line -> {}).build(request);
  }

  /** The real runner, recording every argv. */
  static final class Recorder implements CommandRunner {
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Result run(List<String> argv, Duration timeout)
        throws IOException, InterruptedException {
      calls.add(argv);
      return DOCKER.run(argv, timeout);
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr)
        throws IOException, InterruptedException {
      calls.add(argv);
      return DOCKER.stream(argv, timeout, stdout, stderr);
    }

    List<List<String>> builds() {
      return calls.stream()
          .filter(argv -> argv.get(0).equals("docker") && argv.get(1).equals("build"))
          .toList();
    }
  }

  static String claudeMd(String image) throws Exception {
    return ok(ImageTestSupport.offlineRun("--entrypoint", "cat", image, "/etc/hydra/CLAUDE.md"));
  }

  static String id(String image) throws Exception {
    return ok(List.of("docker", "image", "inspect", "--format", "{{.Id}}", image)).strip();
  }

  static String label(String image, String name) throws Exception {
    return ok(List.of(
            "docker",
            "image",
            "inspect",
            "--format",
            "{{index .Config.Labels \"" + name + "\"}}",
            image))
        .strip();
  }

  static List<String> dangling() throws Exception {
    return lines(ok(List.of("docker", "images", "-q", "--no-trunc", "-f", "dangling=true")));
  }

  static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }

  static String ok(List<String> argv) throws Exception {
    return ok(argv, QUICK);
  }

  static String ok(List<String> argv, Duration timeout) throws Exception {
    CommandRunner.Result r = DOCKER.run(argv, timeout);
    assertThat(r.exitCode()).as(String.join(" ", argv) + ": " + r.stderr()).isZero();
    return r.stdout();
  }
}
