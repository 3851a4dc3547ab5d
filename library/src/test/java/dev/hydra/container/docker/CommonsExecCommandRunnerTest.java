package dev.hydra.container.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommonsExecCommandRunnerTest {

  final CommonsExecCommandRunner runner = new CommonsExecCommandRunner();

  @Test
  void aProgramThatCannotStartIsAnIoExceptionNotAnExitCode(@TempDir Path dir) {
    String missing = dir.resolve("no-docker").toString();
    assertThatThrownBy(() -> runner.run(List.of(missing, "ps"), Duration.ofSeconds(10)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot run " + missing);
    assertThatThrownBy(
            () -> runner.stream(List.of(missing, "run"), Duration.ofSeconds(10), l -> {}, l -> {}))
        .isInstanceOf(IOException.class);
  }

  @Test
  void exitCodesAndOutputArePassedOnArgumentByArgument() throws Exception {
    CommandRunner.Result r =
        runner.run(
            List.of("sh", "-c", "printf '%s\\n' \"$1\"; echo oops >&2; exit 3", "sh", "a b;$HOME"),
            Duration.ofSeconds(10));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("a b;$HOME\n");
    assertThat(r.stderr()).isEqualTo("oops\n");
  }

  @Test
  void streamsLinesAndTellsATimeout() throws Exception {
    List<String> out = new ArrayList<>();
    CommandRunner.Streamed s =
        runner.stream(
            List.of("sh", "-c", "echo one; echo two; sleep 30"),
            Duration.ofSeconds(1),
            out::add,
            l -> {});
    assertThat(s.timedOut()).isTrue();
    assertThat(out).containsExactly("one", "two");
  }

  @Test
  void anExplicitEnvironmentIsTheProgramsWholeEnvironment() throws Exception {
    CommandRunner.Result r =
        new CommonsExecCommandRunner(Map.of("HYDRA_TEST_VALUE", "from-the-map"))
            .run(
                List.of("/bin/sh", "-c", "echo \"$HYDRA_TEST_VALUE|${HOME:-unset}\""),
                Duration.ofSeconds(10));
    assertThat(r.stdout()).isEqualTo("from-the-map|unset\n");
  }
}
