package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated context of each persona and its content hash, over Hydra's real images/. */
class OverlayContextTest {

  static final Path HYDRA = ImageTestSupport.imagesDir();
  static final String FROM_ID = "sha256:" + "ab".repeat(32);

  @TempDir Path overlay;

  Map<String, String> hashes() throws Exception {
    ImageOverlay o = ImageOverlay.read(overlay, HYDRA);
    Map<String, String> hashes = new LinkedHashMap<>();
    for (String role : ImageSet.ROLES) {
      hashes.put(role, OverlayContext.of(HYDRA, o, role).hash(FROM_ID));
    }
    return hashes;
  }

  @Test
  void aPersonasFileChangesOnlyItsHashACommonFileChangesEvery() throws Exception {
    ImageOverlayTest.write(overlay.resolve("builder/CLAUDE.md"), "Run mvn verify.\n");
    Map<String, String> before = hashes();
    assertThat(hashes()).as("stable: no time in it").isEqualTo(before);

    ImageOverlayTest.write(overlay.resolve("builder/CLAUDE.md"), "Run mvn -q verify.\n");
    Map<String, String> afterBuilder = hashes();
    for (String role : ImageSet.ROLES) {
      if (role.equals("builder")) {
        assertThat(afterBuilder.get(role)).isNotEqualTo(before.get(role));
      } else {
        assertThat(afterBuilder.get(role)).as(role).isEqualTo(before.get(role));
      }
    }

    ImageOverlayTest.write(overlay.resolve("reviewer/tools.txt"), "Bash(npm test:*)\n");
    Map<String, String> afterTools = hashes();
    assertThat(afterTools.get("reviewer")).isNotEqualTo(afterBuilder.get("reviewer"));
    assertThat(afterTools.get("security")).isEqualTo(afterBuilder.get("security"));

    ImageOverlayTest.write(overlay.resolve("packages.txt"), "jq\n");
    Map<String, String> afterCommon = hashes();
    for (String role : ImageSet.ROLES) {
      assertThat(afterCommon.get(role)).as(role).isNotEqualTo(afterTools.get(role));
    }

    ImageOverlay o = ImageOverlay.read(overlay, HYDRA);
    assertThat(OverlayContext.of(HYDRA, o, "applier").hash("sha256:" + "cd".repeat(32)))
        .as("another Hydra image, another hash")
        .isNotEqualTo(afterCommon.get("applier"));
  }

  @Test
  void theContextAppendsInstructionsAndAddsToolsKeepingEveryDenial() throws Exception {
    ImageOverlayTest.write(overlay.resolve("CLAUDE.md"), "All: use Java 17.");
    ImageOverlayTest.write(
        overlay.resolve("reviewer/CLAUDE.md"), "Reviewer: check the changelog.\n");
    ImageOverlayTest.write(overlay.resolve("reviewer/tools.txt"), "Bash(npm test:*)\nRead\n");
    ImageOverlayTest.write(overlay.resolve("reviewer/packages.txt"), "shellcheck\njq\n");
    ImageOverlayTest.write(overlay.resolve("packages.txt"), "jq\n");
    ImageOverlay o = ImageOverlay.read(overlay, HYDRA);

    OverlayContext reviewer = OverlayContext.of(HYDRA, o, "reviewer");
    Map<String, String> files = reviewer.files();

    String hydraClaude = Files.readString(HYDRA.resolve("reviewer/CLAUDE.md"));
    assertThat(files.get("CLAUDE.md"))
        .startsWith(hydraClaude)
        .containsSubsequence(
            "## Project instructions (overlay CLAUDE.md)",
            "All: use Java 17.",
            "## Project instructions (overlay reviewer/CLAUDE.md)",
            "Reviewer: check the changelog.");
    assertThat(files.get("persona.env"))
        .contains(
            "HYDRA_ALLOWED_TOOLS='Read,Glob,Grep,Edit,Bash(git status:*),Bash(git diff:*),Bash(git"
                + " log:*),Bash(git show:*),Bash(git add:*),Bash(git commit:*),Bash(npm test:*)'")
        .contains("HYDRA_DISALLOWED_TOOLS='Write,MultiEdit,WebFetch,WebSearch,Bash(git push:*)'");
    JsonNode settings = Json.mapper().readTree(files.get("managed-settings.json"));
    JsonNode hydra =
        Json.mapper().readTree(Files.readString(HYDRA.resolve("reviewer/settings.json")));
    assertThat(settings.path("permissions").path("deny"))
        .isEqualTo(hydra.path("permissions").path("deny"));
    assertThat(settings.path("permissions").path("disableBypassPermissionsMode").asText())
        .isEqualTo("disable");
    assertThat(settings.path("permissions").path("allow").toString())
        .endsWith("\"Bash(git commit:*)\",\"Bash(npm test:*)\"]");
    assertThat(files.get("packages.txt")).isEqualTo("jq\nshellcheck\n");
    assertThat(files.get("Dockerfile"))
        .contains("FROM ${HYDRA_FROM}")
        .contains("< /etc/hydra/overlay-packages.txt")
        .contains("find / -xdev -perm /6000 -type f -exec chmod a-s {} +");

    OverlayContext builder = OverlayContext.of(HYDRA, o, "builder");
    assertThat(builder.files().get("persona.env"))
        .isEqualTo(Files.readString(HYDRA.resolve("builder/persona.env")));
    assertThat(builder.files().get("managed-settings.json"))
        .isEqualTo(Files.readString(HYDRA.resolve("builder/settings.json")));
    assertThat(builder.files().get("packages.txt")).isEqualTo("jq\n");
  }

  @Test
  void withoutPackagesTheImageInstallsNothing() throws Exception {
    ImageOverlay o = ImageOverlay.read(overlay, HYDRA);
    OverlayContext applier = OverlayContext.of(HYDRA, o, "applier");
    assertThat(applier.files()).doesNotContainKey("packages.txt");
    assertThat(applier.files().get("Dockerfile")).doesNotContain("apt-get");
    assertThat(applier.files().get("CLAUDE.md"))
        .isEqualTo(Files.readString(HYDRA.resolve("applier/CLAUDE.md")));
  }
}
