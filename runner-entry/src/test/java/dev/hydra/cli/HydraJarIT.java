package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code hydra.jar} and the {@code bin/hydra} launcher as separate processes. */
class HydraJarIT {

  private static final Path JAR = Path.of("target", "hydra.jar").toAbsolutePath();
  private static final Path LAUNCHER = Path.of("..", "bin", "hydra").toAbsolutePath().normalize();

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  Result exec(List<String> command) throws IOException, InterruptedException {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    // A clean environment: no Actions variables leak in from the machine running the build.
    builder.environment().keySet().removeIf(k -> k.startsWith("GITHUB_") || k.startsWith("HYDRA_"));
    builder.environment().remove("FORGEJO_ACTIONS");
    builder.environment().remove("GITEA_ACTIONS");
    builder.environment().put("HYDRA_JAR", JAR.toString());
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("hydra finished").isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  List<String> java(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    return command;
  }

  @Test
  void theShadedJarRoutesTheBundledExample() throws Exception {
    Result r = exec(java("route", "--example"));
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    Map<String, Object> json = Json.lite().mapFrom(r.out());
    assertThat(json).containsEntry("decision", "run").containsEntry("stage", "build");
  }

  @Test
  void badInputExitsTwoWithOneLine() throws Exception {
    Path event = dir.resolve("event.json");
    Files.writeString(event, "{\"action\":");
    Result r =
        exec(
            java(
                "route",
                "--event",
                event.toString(),
                "--event-name",
                "issues",
                "--forge",
                "github"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("not valid JSON");
  }

  @Test
  void theLauncherGivesTheSameAnswer() throws Exception {
    Result direct = exec(java("route", "--example", "pull-request-opened"));
    Result launched =
        exec(List.of(LAUNCHER.toString(), "route", "--example", "pull-request-opened"));
    assertThat(launched.code()).isZero();
    assertThat(launched.err()).isEmpty();
    assertThat(launched.out()).isEqualTo(direct.out());
    assertThat(Json.lite().mapFrom(launched.out())).containsEntry("stage", "review");
  }

  @Test
  void versionComesFromTheBuild() throws Exception {
    Result r = exec(java("--version"));
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("hydra ")
        .doesNotContain("${project.version}")
        .doesNotContain("unknown");
  }
}
