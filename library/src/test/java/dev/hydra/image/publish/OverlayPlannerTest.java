package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.HydraRelease;
import dev.hydra.config.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The defaults and refusals of {@code hydra image build --overlay}. */
class OverlayPlannerTest {

  static final Path HYDRA = ImageTestSupport.imagesDir();
  static final Optional<HydraRelease> RELEASE =
      Optional.of(new HydraRelease("v0.3.0", "ghcr.io/hydra-dev/hydra"));
  static final Map<String, String> GITHUB =
      Map.of(
          "GITHUB_ACTIONS", "true",
          "GITHUB_API_URL", "https://api.github.com",
          "GITHUB_REPOSITORY", "Acme/app",
          "GITHUB_REPOSITORY_OWNER", "Acme",
          "GITHUB_SERVER_URL", "https://github.com",
          "HYDRA_ACTION_PATH", HYDRA.resolve("..").normalize().toString());

  @TempDir Path work;
  final OverlayBuilderTest.FakeDocker git = new OverlayBuilderTest.FakeDocker();

  @BeforeEach
  void overlay() throws Exception {
    Files.createDirectories(work.resolve(".hydra/images"));
  }

  OverlayRequest plan(
      String from,
      String prefix,
      String context,
      Map<String, String> env,
      Optional<HydraRelease> release)
      throws Exception {
    return OverlayPlanner.plan(
        new OverlayPlanner.Options(".hydra/images", from, prefix, "", "", context, true),
        env,
        work,
        git,
        release);
  }

  @Test
  void inActionsOfAReleaseItCustomisesTheReleasesImagesIntoTheRepositorysRegistry()
      throws Exception {
    // The adopter's own images/ is never Hydra's.
    ImageOverlayTest.write(work.resolve("images/builder/settings.json"), "{}");

    OverlayRequest r = plan("", "", "", GITHUB, RELEASE);

    assertThat(r.hydraImages()).isEqualTo(HYDRA);
    assertThat(r.from("reviewer")).isEqualTo("ghcr.io/hydra-dev/hydra-reviewer:v0.3.0");
    assertThat(r.repository("reviewer")).isEqualTo("ghcr.io/acme/hydra-reviewer");
    assertThat(r.tag()).isEqualTo("latest");
    assertThat(r.immutableTag("ab".repeat(32))).isEqualTo("v0.3.0-abababababab");
    assertThat(r.source()).isEqualTo("https://github.com/Acme/app");
  }

  @Test
  void eachMissingOrWrongInputIsNamedWithItsFix() {
    assertThatThrownBy(() -> plan("", "localhost/acme", "", Map.of(), RELEASE))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("no HYDRA_ACTION_PATH): pass --context")
        .hasMessageContaining("your repository's own images/ is never used");
    assertThatThrownBy(() -> plan("", "localhost/acme", work.toString(), Map.of(), RELEASE))
        .hasMessageContaining("is not Hydra's images/ directory");
    assertThatThrownBy(
            () -> plan("", "localhost/acme", HYDRA.toString(), Map.of(), Optional.empty()))
        .hasMessageContaining("this Hydra is not a release")
        .hasMessageContaining("--from localhost/hydra:latest");
    assertThatThrownBy(
            () ->
                plan(
                    "localhost/hydra",
                    "localhost/acme",
                    HYDRA.toString(),
                    Map.of(),
                    Optional.empty()))
        .hasMessageContaining("--from `localhost/hydra` is not PREFIX:TAG");
    assertThatThrownBy(
            () -> plan("localhost/hydra:v1", "", HYDRA.toString(), Map.of(), Optional.empty()))
        .hasMessageContaining("no prefix for the customised images: pass --prefix");
    assertThatThrownBy(
            () ->
                plan(
                    "localhost/hydra:v1",
                    "localhost/hydra",
                    HYDRA.toString(),
                    Map.of(),
                    Optional.empty()))
        .hasMessageContaining("would replace Hydra's own");
    assertThatThrownBy(
            () ->
                plan(
                    "localhost/hydra:v1",
                    "Local/Acme",
                    HYDRA.toString(),
                    Map.of(),
                    Optional.empty()))
        .hasMessageStartingWith("--prefix/HYDRA_IMAGE_PREFIX: ");
  }
}
