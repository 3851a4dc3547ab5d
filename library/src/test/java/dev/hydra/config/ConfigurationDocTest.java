package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.ConfigVariable.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's tables are the registry's: the file equals {@link
 * ConfigurationDoc#rewrite} of itself. Run with {@code -Dhydra.docs.write=true} to write it.
 */
class ConfigurationDocTest {

  private static final Path DOC =
      ConfigurationAgreementTest.root().resolve("docs/configuration.md");

  @Test
  void theTablesOfConfigurationMdAreGeneratedFromTheRegistry() throws IOException {
    String actual = Files.readString(DOC);
    String expected = ConfigurationDoc.rewrite(actual);
    if (Boolean.getBoolean("hydra.docs.write") && !expected.equals(actual)) {
      Files.writeString(DOC, expected);
      actual = expected;
    }
    assertThat(actual)
        .as("docs/configuration.md is out of date; regenerate it: " + ConfigurationDoc.REGENERATE)
        .isEqualTo(expected);
  }

  @Test
  void aTableListsEveryNameOfItsSectionWithItsInputAndSecrecy() {
    String stages = ConfigurationDoc.table(Section.STAGES);
    assertThat(stages)
        .startsWith("| Variable | Default | Meaning | Read by |\n|---|---|---|---|\n")
        .contains(
            "| `HYDRA_REGISTRY_TOKEN` (secret; action input `registry-token`) | unset: no login |")
        .contains(
            "| `HYDRA_BUILD_TIMEOUT`, `HYDRA_CODE_REVIEW_TIMEOUT`, `HYDRA_SECURITY_REVIEW_TIMEOUT`,"
                + " `HYDRA_APPLIER_TIMEOUT` | 35, 20, 20, 20 minutes | Wall-clock limit");
    assertThat(stages.lines()).allSatisfy(line -> assertThat(line).startsWith("|").endsWith("|"));
    assertThat(stages.lines().count()).isEqualTo(2 + Variables.of(Section.STAGES).size());
  }

  @Test
  void rewriteReplacesOnlyWhatIsBetweenTheMarkers() {
    StringBuilder doc = new StringBuilder("# Title\n\nHand-written.\n\n");
    for (Section section : Section.values()) {
      doc.append(ConfigurationDoc.begin(section))
          .append("\nstale\n")
          .append(ConfigurationDoc.end(section))
          .append("\n\nProse after ")
          .append(section.id())
          .append(".\n\n");
    }
    String rewritten = ConfigurationDoc.rewrite(doc.toString());
    assertThat(rewritten)
        .startsWith("# Title\n\nHand-written.\n\n")
        .doesNotContain("stale")
        .contains(
            ConfigurationDoc.begin(Section.DEMO)
                + "\n"
                + ConfigurationDoc.table(Section.DEMO)
                + ConfigurationDoc.end(Section.DEMO)
                + "\n\nProse after demo.");
    assertThat(ConfigurationDoc.rewrite(rewritten)).isEqualTo(rewritten);
  }

  @Test
  void aMissingSectionIsNamed() {
    String doc =
        ConfigurationDoc.begin(Section.GENERAL) + "\n" + ConfigurationDoc.end(Section.GENERAL);
    assertThatThrownBy(() -> ConfigurationDoc.rewrite(doc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stages")
        .hasMessageNotContaining("general,");
  }
}
