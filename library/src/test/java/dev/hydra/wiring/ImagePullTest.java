package dev.hydra.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The check {@code hydra run} makes before it claims an issue: the images are here or pullable. */
class ImagePullTest {

  static final ImageRef BUILDER = ImageRef.parse("ghcr.io/acme/hydra-builder:v0.2.0");
  static final ImageRef REVIEWER = ImageRef.parse("registry.example:5000/acme/hydra-reviewer:v1");
  // Assembled so that nothing token-shaped is committed.
  static final String TOKEN = "ghp" + "_" + "registrytoken".repeat(3);

  /** A docker CLI: images in {@link #here} inspect, those in {@link #pullable} pull. */
  static final class Docker implements CommandRunner {
    final List<List<String>> calls = new ArrayList<>();
    final Map<List<String>, String> stdin = new HashMap<>();
    Set<String> here = Set.of();
    Set<String> pullable = Set.of();
    int loginExit;

    @Override
    public Result run(List<String> argv, Duration timeout) {
      calls.add(argv);
      String image = argv.get(argv.size() - 1);
      if (argv.get(1).equals("image")) {
        return here.contains(image) ? new Result(0, "sha256:1\n", "") : new Result(1, "", "");
      }
      return pullable.contains(image)
          ? new Result(0, image + "\n", "")
          : new Result(
              1,
              "",
              "Error response from daemon: denied: requesting with " + TOKEN + " was refused\n");
    }

    @Override
    public Result run(List<String> argv, Duration timeout, byte[] input) {
      calls.add(argv);
      stdin.put(argv, new String(input, StandardCharsets.UTF_8));
      return new Result(loginExit, "", loginExit == 0 ? "" : "unauthorized: " + TOKEN);
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> out, Consumer<String> err) {
      throw new AssertionError("nothing is streamed");
    }
  }

  final Docker docker = new Docker();
  final List<String> log = new ArrayList<>();

  @Test
  void anImageThatIsHereIsNotPulledAndAMissingOneIsPulledOnce() throws Exception {
    docker.here = Set.of(BUILDER.toString());
    docker.pullable = Set.of(REVIEWER.toString());
    ImagePull.ensure(List.of(BUILDER, REVIEWER), Map.of(), "", docker, log::add);
    assertThat(docker.calls)
        .containsExactly(
            List.of("docker", "image", "inspect", "--format", "{{.Id}}", BUILDER.toString()),
            List.of("docker", "image", "inspect", "--format", "{{.Id}}", REVIEWER.toString()),
            List.of("docker", "pull", "--quiet", REVIEWER.toString()));
    assertThat(log).containsExactly("image " + BUILDER + " is here", "pulling " + REVIEWER);
  }

  @Test
  void anImageThatCannotBePulledStopsTheRunWithTheFix() {
    assertThatThrownBy(() -> ImagePull.ensure(List.of(BUILDER), Map.of(), "", docker, log::add))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith(
            "the image ghcr.io/acme/hydra-builder:v0.2.0 can be neither found here nor pulled"
                + " (Error response from daemon: denied:")
        .hasMessageContaining("nothing was claimed")
        .hasMessageContaining("`hydra image build --push`")
        .hasMessageContaining("HYDRA_REGISTRY_TOKEN");
  }

  @Test
  void aRegistryTokenLogsInOncePerRegistryThroughStandardInputOnly() throws Exception {
    docker.pullable = Set.of(BUILDER.toString(), REVIEWER.toString());
    Map<String, String> env = Map.of("HYDRA_REGISTRY_TOKEN", TOKEN, "GITHUB_ACTOR", "octo");
    ImagePull.ensure(List.of(BUILDER, REVIEWER), env, "/usr/bin/docker", docker, log::add);
    List<String> ghcr =
        List.of("/usr/bin/docker", "login", "ghcr.io", "--username", "octo", "--password-stdin");
    List<String> other =
        List.of(
            "/usr/bin/docker",
            "login",
            "registry.example:5000",
            "--username",
            "octo",
            "--password-stdin");
    assertThat(docker.calls.subList(0, 2)).containsExactly(ghcr, other);
    assertThat(docker.stdin).containsEntry(ghcr, TOKEN).containsEntry(other, TOKEN);
    assertThat(docker.calls).allSatisfy(argv -> assertThat(argv).doesNotContain(TOKEN));
    assertThat(log).startsWith("logged in to ghcr.io", "logged in to registry.example:5000");
  }

  @Test
  void aFailedLoginOrAPullErrorNeverShowsTheToken() {
    Map<String, String> env = Map.of("HYDRA_REGISTRY_TOKEN", TOKEN, "HYDRA_REGISTRY_USER", "bot");
    docker.loginExit = 1;
    assertThatThrownBy(() -> ImagePull.ensure(List.of(BUILDER), env, "", docker, log::add))
        .hasMessageStartingWith("docker login to ghcr.io as `bot` failed (unauthorized: ***)")
        .hasMessageNotContaining(TOKEN);
    docker.loginExit = 0;
    assertThatThrownBy(() -> ImagePull.ensure(List.of(BUILDER), env, "", docker, log::add))
        .hasMessageContaining("denied: requesting with *** was refused")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void aTokenWithoutAUserIsRefusedBeforeAnyLogin() {
    Map<String, String> env = Map.of("HYDRA_REGISTRY_TOKEN", TOKEN);
    assertThatThrownBy(() -> ImagePull.ensure(List.of(BUILDER), env, "", docker, log::add))
        .hasMessage(
            "HYDRA_REGISTRY_TOKEN is set but no registry user: set HYDRA_REGISTRY_USER to the"
                + " account the token belongs to");
    assertThat(docker.calls).isEmpty();
  }

  @Test
  void theImagesAreTheStagesOwnEachOnce() throws Exception {
    StageSettings settings =
        StageSettings.from(
            Map.of("HYDRA_IMAGE_PREFIX", "ghcr.io/acme/hydra", "HYDRA_IMAGE_TAG", "v1"));
    assertThat(ImagePull.images(List.of(Stage.CODE_REVIEW, Stage.BUILD, Stage.BUILD), settings))
        .extracting(ImageRef::toString)
        .containsExactly("ghcr.io/acme/hydra-reviewer:v1", "ghcr.io/acme/hydra-builder:v1");
  }
}
