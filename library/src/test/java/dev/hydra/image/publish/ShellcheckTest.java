package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every shell script under {@code images/} passes shellcheck (run through the {@link CommandRunner}
 * seam, following sourced files). Without shellcheck the test is skipped with a message, unless
 * {@code HYDRA_REQUIRE_FIXTURES=1} (CI), where it fails.
 */
class ShellcheckTest {

  static final CommandRunner RUNNER = new CommonsExecCommandRunner();

  @Test
  void everyScriptUnderImagesIsShellcheckClean() throws Exception {
    requireShellcheck();
    List<Path> scripts;
    try (Stream<Path> files = Files.walk(ImageTestSupport.imagesDir())) {
      scripts = files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
    }
    assertThat(scripts)
        .as("scripts found under images/")
        .extracting(p -> p.getFileName().toString())
        .contains("entrypoint-common.sh", "entrypoint.sh", "demo-agent.sh");
    List<String> argv =
        new ArrayList<>(List.of("shellcheck", "--external-sources", "--format", "gcc"));
    scripts.forEach(p -> argv.add(p.toString()));

    CommandRunner.Result r = RUNNER.run(argv, Duration.ofMinutes(2));

    assertThat(r.stdout() + r.stderr()).as("shellcheck findings").isEmpty();
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void everyScriptIsExecutableAndStartsWithAShebang() throws Exception {
    try (Stream<Path> files = Files.walk(ImageTestSupport.imagesDir())) {
      for (Path p : files.filter(f -> f.toString().endsWith(".sh")).toList()) {
        assertThat(Files.readString(p)).as(p.toString()).startsWith("#!/usr/bin/env bash\n");
      }
    }
  }

  private static void requireShellcheck() throws InterruptedException {
    String problem;
    try {
      problem =
          RUNNER.run(List.of("shellcheck", "--version"), Duration.ofSeconds(20)).exitCode() == 0
              ? null
              : "shellcheck --version failed";
    } catch (IOException e) {
      problem = "shellcheck is not installed (apt-get install shellcheck)";
    }
    if (problem == null) {
      return;
    }
    if ("1".equals(System.getenv("HYDRA_REQUIRE_FIXTURES"))) {
      Assertions.fail("HYDRA_REQUIRE_FIXTURES=1 but " + problem);
    }
    Assumptions.abort("shellcheck test skipped: " + problem);
  }
}
