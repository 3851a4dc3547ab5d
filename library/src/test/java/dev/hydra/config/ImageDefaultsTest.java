package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.credentials.Persona;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The one default of the persona images, as {@code hydra run} and {@code hydra image build} see it.
 */
class ImageDefaultsTest {

  static final Optional<HydraRelease> RELEASE =
      Optional.of(new HydraRelease("v0.2.0", "ghcr.io/hydra-dev/hydra"));
  static final Map<String, String> GITHUB =
      Map.of(
          "GITHUB_ACTIONS", "true",
          "GITHUB_API_URL", "https://api.github.com",
          "GITHUB_SERVER_URL", "https://github.com",
          "GITHUB_REPOSITORY", "Acme/app");

  @Test
  void aReleaseRunsItsOwnImagesTaggedWithItsVersion() throws Exception {
    ImageDefaults.Choice choice = ImageDefaults.choose(GITHUB, RELEASE);
    assertThat(choice)
        .isEqualTo(
            new ImageDefaults.Choice(
                "ghcr.io/hydra-dev/hydra", "v0.2.0", "the images of Hydra v0.2.0"));
    // Outside Actions too: a release knows its images wherever it runs.
    assertThat(ImageDefaults.choose(Map.of(), RELEASE).prefix())
        .isEqualTo("ghcr.io/hydra-dev/hydra");
  }

  @Test
  void repositoryVariablesOverrideTheReleaseAndTheirTagDefaultsToLatest() throws Exception {
    Map<String, String> env = new HashMap<>(GITHUB);
    env.put("HYDRA_IMAGE_TAG", "v0.2.0-4f2a");
    assertThat(ImageDefaults.choose(env, RELEASE))
        .isEqualTo(
            new ImageDefaults.Choice(
                "ghcr.io/hydra-dev/hydra", "v0.2.0-4f2a", "the images of Hydra v0.2.0"));
    env.put("HYDRA_IMAGE_PREFIX", " ghcr.io/acme/hydra ");
    env.remove("HYDRA_IMAGE_TAG");
    assertThat(ImageDefaults.choose(env, RELEASE))
        .isEqualTo(new ImageDefaults.Choice("ghcr.io/acme/hydra", "latest", "HYDRA_IMAGE_PREFIX"));
  }

  @Test
  void anUnreleasedBuildInActionsTakesTheRepositorysRegistry() throws Exception {
    assertThat(ImageDefaults.choose(GITHUB, Optional.empty()))
        .isEqualTo(
            new ImageDefaults.Choice("ghcr.io/acme/hydra", "latest", "the default on github"));
    Map<String, String> forgejo =
        Map.of(
            "FORGEJO_ACTIONS", "true",
            "GITHUB_SERVER_URL", "https://Codeberg.org",
            "GITHUB_REPOSITORY", "Wilco/app");
    assertThat(ImageDefaults.choose(forgejo, Optional.empty()).prefix())
        .isEqualTo("codeberg.org/wilco/hydra");
  }

  @Test
  void anUnreleasedBuildOutsideActionsHasNoDefaultAndSaysWhatToSet() {
    assertThatThrownBy(() -> ImageDefaults.choose(Map.of(), Optional.empty()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("HYDRA_IMAGE_PREFIX is not set, this Hydra is not a release")
        .hasMessageContaining("set HYDRA_IMAGE_PREFIX (for example localhost/hydra");
    assertThat(ImageDefaults.find(Map.of(), Optional.empty())).isEmpty();
  }

  @Test
  void theStagesGetTheSameChoiceAndDigestsStillPinIt() {
    Map<String, String> env = new HashMap<>(GITHUB);
    env.put("HYDRA_IMAGE_DIGEST_BUILDER", "sha256:" + "a".repeat(64));
    StageSettings settings = StageSettings.from(env, RELEASE);
    assertThat(settings.imagePrefix()).isEqualTo("ghcr.io/hydra-dev/hydra");
    assertThat(settings.imageTag()).isEqualTo("v0.2.0");
    assertThat(settings.imageDigest(Persona.BUILDER)).isEqualTo("sha256:" + "a".repeat(64));
    StageSettings none = StageSettings.from(Map.of("HYDRA_IMAGE_TAG", "v1"), Optional.empty());
    assertThat(none.imagePrefix()).isEmpty();
    assertThat(none.imageTag()).isEqualTo("v1");
  }

  @Test
  void aReleaseIsReadFromItsPropertiesAndAnUnreleasedBuildHasNone() {
    Properties props = new Properties();
    assertThat(HydraRelease.of(props)).isEmpty();
    props.setProperty("version", "v0.2.0");
    props.setProperty("images", "ghcr.io/hydra-dev/hydra");
    assertThat(HydraRelease.of(props)).isEqualTo(RELEASE);
    props.setProperty("images", "ghcr.io/hydra-dev/hydra:v1");
    assertThatThrownBy(() -> HydraRelease.of(props))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an image name without tag or digest");
    props.setProperty("version", "-v1");
    assertThatThrownBy(() -> HydraRelease.of(props)).hasMessageContaining("is not an image tag");
    // The tests run from main, which is no release: no release.properties is on the class path.
    assertThat(HydraRelease.bundled()).isEmpty();
  }
}
