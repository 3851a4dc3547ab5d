package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer reads first: the README's first command builds with Maven's steps and downloads
 * shown (never quiet), the launcher's hint builds the same way, the adoption is three steps, and
 * the README says what has and has not run on a live forge.
 */
class ReadmeTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theFirstCommandBuildsWithEveryStepAndDownloadShownThenRunsTheDemo() throws IOException {
    String first = firstCommand(read("README.md"));
    assertThat(first).startsWith("./mvnw ").contains(" package", "&& bin/hydra demo");
    assertBuildIsNotSilent(first);
    String launcher = read("bin/hydra");
    Matcher hint = Pattern.compile("build it with (\\./mvnw [^\"]+)\"").matcher(launcher);
    assertThat(hint.find()).as("bin/hydra names the build command for a missing jar").isTrue();
    assertBuildIsNotSilent(hint.group(1));
    assertThat(first).startsWith(hint.group(1));
  }

  @Test
  void aQuietBuildIsCaught() {
    for (String quiet :
        List.of(
            "./mvnw -q package",
            "./mvnw --quiet package",
            "./mvnw -ntp package",
            "./mvnw --no-transfer-progress package")) {
      assertThat(silent(quiet)).as(quiet).isTrue();
    }
    assertThat(silent("./mvnw -B package -DskipTests")).isFalse();
  }

  @Test
  void adoptingIsThreeStepsInitTheSecretsItNamesALabel() throws IOException {
    String readme = read("README.md");
    String section = section(readme, "## Adopting Hydra in a repository");
    List<String> steps =
        section.lines().filter(l -> l.matches("\\d+\\. .*")).map(l -> l.substring(3)).toList();
    assertThat(steps).hasSize(3);
    assertThat(steps.get(0)).startsWith("**`hydra init`**");
    assertThat(steps.get(1)).startsWith("**Set the secrets and variables it names**");
    assertThat(steps.get(2)).startsWith("**Label an issue**");
    assertThat(section).contains("hydra init --repo OWNER/NAME");
  }

  @Test
  void theReadmeSaysWhatHasAndHasNotRunOnALiveForge() throws IOException {
    String section = section(read("README.md"), "## What has and has not run on a live forge");
    assertThat(section)
        .contains(
            "Nothing in this repository has run against live github.com or a live Codeberg /"
                + " Forgejo\ninstance",
            "no release has been made",
            "scripted",
            "fabric8's mock API server",
            "release workflows");
  }

  private static void assertBuildIsNotSilent(String command) {
    assertThat(silent(command)).as("`" + command + "` hides what Maven does").isFalse();
  }

  /** Whether a Maven command line hides its steps or its downloads. */
  static boolean silent(String command) {
    return List.of(command.split("\\s+")).stream()
        .anyMatch(
            w ->
                w.equals("-q")
                    || w.equals("--quiet")
                    || w.equals("-ntp")
                    || w.startsWith("--no-tr"));
  }

  /** The first command of the first {@code sh} block, without its comment. */
  static String firstCommand(String markdown) {
    Matcher m = Pattern.compile("(?m)^```sh\\n([^\\n]+)").matcher(markdown);
    assertThat(m.find()).as("a ```sh block").isTrue();
    return m.group(1).replaceFirst("\\s+#.*$", "");
  }

  private static String section(String markdown, String heading) {
    int start = markdown.indexOf(heading);
    assertThat(start).as(heading).isNotNegative();
    int end = markdown.indexOf("\n## ", start + heading.length());
    return markdown.substring(start, end < 0 ? markdown.length() : end);
  }

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
  }
}
