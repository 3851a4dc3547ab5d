package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.forge.ForgeType;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The release's repository gives {@code hydra init} its action (issue 12 item 11). */
class HydraReleaseTest {

  @Test
  void theRepositoryGivesTheActionInTheFormEachForgeResolves() {
    Properties props = new Properties();
    props.setProperty("version", "v0.2.0");
    props.setProperty("images", "ghcr.io/acme/hydra");
    props.setProperty("repository", "https://github.com/acme/hydra-java");
    HydraRelease release = HydraRelease.of(props).orElseThrow();
    assertThat(release.action(ForgeType.GITHUB)).contains("acme/hydra-java@v0.2.0");
    assertThat(release.action(ForgeType.FORGEJO))
        .contains("https://github.com/acme/hydra-java@v0.2.0");
    HydraRelease onCodeberg =
        new HydraRelease("v0.2.0", "ghcr.io/acme/hydra", "https://codeberg.org/acme/hydra-java");
    assertThat(onCodeberg.action(ForgeType.GITHUB))
        .contains("https://codeberg.org/acme/hydra-java@v0.2.0");
    // A release that did not record its repository pins nothing.
    assertThat(new HydraRelease("v0.2.0", "ghcr.io/acme/hydra").action(ForgeType.GITHUB)).isEmpty();
  }

  @Test
  void aRepositoryThatIsNotAnHttpsRepositoryUrlIsRefused() {
    for (String bad :
        new String[] {
          "acme/hydra-java", "http://github.com/acme/hydra-java", "https://github.com/acme"
        }) {
      assertThatThrownBy(() -> new HydraRelease("v0.2.0", "ghcr.io/acme/hydra", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not https://HOST/OWNER/NAME");
    }
  }
}
