package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The release workflows (both forges) statically, and the release notes they write. Pinning and
 * untrusted text in shells are {@link WorkflowFilesTest}'s, which reads every workflow; actionlint
 * checks the GitHub one there too.
 */
class ReleaseWorkflowTest {

  static final Path ROOT = WorkflowFilesTest.ROOT;

  static List<String> runs(JsonNode doc) {
    List<String> runs = new ArrayList<>();
    for (JsonNode step : WorkflowFilesTest.steps(doc)) {
      if (step.has("run")) {
        runs.add(step.path("run").asText());
      }
    }
    return runs;
  }

  @ParameterizedTest
  @ValueSource(strings = {".github/workflows/release.yml", ".forgejo/workflows/release.yml"})
  void aTagVerifiesTheJarAgainstTheTagThenPublishesItAndTheImages(String file) throws Exception {
    JsonNode doc = WorkflowFilesTest.read(ROOT.resolve(file));
    assertThat(doc.path("on").path("push").path("tags").get(0).asText()).isEqualTo("v*");
    assertThat(doc.path("permissions").isEmpty()).as("no default permissions").isTrue();
    List<String> runs = runs(doc);
    // In this order: the commit checked, the jar reproduced and compared, images pushed, notes.
    assertThat(String.join("\n", runs))
        .containsSubsequence(
            "tools/release verify \"$TAG\"",
            "tools/release check",
            "--password-stdin",
            "bin/hydra image build --push",
            "tools/release notes \"$IMAGES\"",
            "hydra.jar.sha256");
    // Secrets reach a program on its standard input only, never on its command line.
    assertThat(runs).noneMatch(run -> run.matches("(?s).*--password[ =]\\$.*"));
    assertThat(runs).noneMatch(run -> run.contains("Authorization: token $RELEASE_TOKEN\" "));
    JsonNode checkout = WorkflowFilesTest.steps(doc).get(0);
    assertThat(checkout.path("with").path("fetch-depth").asText())
        .as("the tag's parent is the jar's source")
        .isEqualTo("2");
  }

  @Test
  void theNotesNameTheJarsChecksumAndEveryImagesDigest(@TempDir Path temp) throws Exception {
    String sha = "ab".repeat(32);
    Files.write(
        temp.resolve("release.properties"),
        List.of("version=v0.2.0", "source=" + "c".repeat(40), "jar.sha256=" + sha),
        StandardCharsets.UTF_8);
    String images =
        "ghcr.io/acme/hydra-builder@sha256:"
            + "1".repeat(64)
            + "\nghcr.io/acme/hydra-reviewer@sha256:"
            + "2".repeat(64);
    ProcessBuilder builder =
        new ProcessBuilder("bash", ROOT.resolve("tools/release").toString(), "notes", images)
            .redirectErrorStream(true);
    builder.environment().put("RUNNER_TEMP", temp.toString());
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .startsWith("## Hydra v0.2.0\n")
        .contains("SHA-256 `" + sha + "`", "from " + "c".repeat(40))
        .contains("- `ghcr.io/acme/hydra-builder@sha256:" + "1".repeat(64) + "`")
        .contains("- `ghcr.io/acme/hydra-reviewer@sha256:" + "2".repeat(64) + "`");
  }
}
