package dev.hydra.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerSpec;
import dev.hydra.container.FakeContainerRuntime;
import dev.hydra.container.Mount;
import dev.hydra.image.ImageRef;
import dev.hydra.secret.SecretMasker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateRunnerTest {

  static final String FILE =
      """
      version: 1
      gates:
        - name: tests
          command: [make, test]
        - name: lint
          command: make lint
          image: example.org/lint:1
          scope: diff
        - name: hydra-gates
          command: [./run-hydra-gates.sh]
          runner: true
      """;

  @TempDir Path checkout;
  final List<String> seen = new ArrayList<>();

  @Test
  void everyGateRunsInItsOwnContainerWithoutNetworkSecretOrCapability() throws Exception {
    Files.writeString(checkout.resolve("README"), "original");
    FakeContainerRuntime runtime =
        new FakeContainerRuntime(
            spec ->
                (s, out, err) -> {
                  Path workspace = source(s, GateRunner.WORKSPACE);
                  write(workspace.resolve("README"));
                  if (s.env().containsKey("HYDRA_GATE_CHANGED_FILES")) {
                    seen.addAll(read(source(s, GateRunner.INPUT).resolve("changed-files")));
                  }
                  return switch (s.labels().getOrDefault("hydra.gate", "")) {
                    case "tests" -> new ContainerResult(0, false, Duration.ofSeconds(1));
                    case "lint" -> {
                      out.accept("lib/A.java:3: unused import");
                      yield new ContainerResult(1, false, Duration.ofSeconds(2));
                    }
                    default -> {
                      out.accept("[gate-1] spdx-headers: PASS");
                      out.accept("[gate-2] stub-scan: FAIL — stub in lib/B.php");
                      yield new ContainerResult(1, false, Duration.ofSeconds(3));
                    }
                  };
                });

    GateTable table =
        new GateRunner(runtime, SecretMasker.NONE)
            .run(
                GateFile.parse(FILE),
                new GateRunner.Inputs(
                    checkout, ImageRef.parse("ghcr.io/o/hydra-builder:1"), List.of("lib/A.java")));

    assertThat(table.results())
        .extracting(GateResult::name, GateResult::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("tests", GateStatus.PASS),
            org.assertj.core.groups.Tuple.tuple("lint", GateStatus.FAIL),
            org.assertj.core.groups.Tuple.tuple("hydra-gates/gate-1 spdx-headers", GateStatus.PASS),
            org.assertj.core.groups.Tuple.tuple("hydra-gates/gate-2 stub-scan", GateStatus.FAIL));
    assertThat(table.results().get(1).report()).isEqualTo("lib/A.java:3: unused import");
    assertThat(seen).containsExactly("lib/A.java");
    assertThat(runtime.calls).hasSize(3).allMatch(c -> c.startsWith("run hydra-gate-"));
    for (ContainerSpec spec : runtime.runs) {
      assertThat(spec.network()).isEqualTo(ContainerSpec.NO_NETWORK);
      assertThat(spec.capAdd()).isEmpty();
      assertThat(spec.env().keySet()).allMatch(k -> k.startsWith("HYDRA_GATE_"));
      assertThat(spec.workdir()).isEqualTo(GateRunner.WORKSPACE);
      assertThat(spec.mounts())
          .extracting(Mount::target, Mount::readOnly)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(GateRunner.WORKSPACE, false),
              org.assertj.core.groups.Tuple.tuple(GateRunner.INPUT, true));
      assertThat(Files.exists(spec.mounts().get(0).source())).as("the copy is deleted").isFalse();
    }
    assertThat(runtime.runs.get(0).image()).isEqualTo("ghcr.io/o/hydra-builder:1");
    assertThat(runtime.runs.get(0).command()).containsExactly("make", "test");
    assertThat(runtime.runs.get(1).image()).isEqualTo("example.org/lint:1");
    assertThat(runtime.runs.get(1).command()).containsExactly("/bin/sh", "-c", "make lint");
    assertThat(runtime.runs.get(0).env()).doesNotContainKey("HYDRA_GATE_CHANGED_FILES");
    assertThat(Files.readString(checkout.resolve("README")))
        .as("the checkout is never changed")
        .isEqualTo("original");
  }

  @Test
  void aGateThatNeedsANetworkOrCannotStartFailsWithItsReason() throws Exception {
    FakeContainerRuntime runtime =
        new FakeContainerRuntime(spec -> FakeContainerRuntime.failingToStart("no such image"));
    GateFile file =
        GateFile.parse(
            """
            version: 1
            gates:
              - {name: deps, command: [npm, ci], registries: [registry.npmjs.org]}
              - {name: tests, command: [make]}
            """);

    GateTable table =
        new GateRunner(runtime, SecretMasker.NONE)
            .run(file, new GateRunner.Inputs(checkout, ImageRef.parse("builder:1"), List.of()));

    assertThat(table.passed()).isFalse();
    assertThat(table.results().get(0).reason())
        .startsWith("declares registries `registry.npmjs.org`, but gates run without a network");
    assertThat(table.results().get(1).reason()).isEqualTo("could not start: no such image");
    assertThat(runtime.runs).hasSize(1);
  }

  @Test
  void noGatesGiveAnEmptyPassingTableWithTheNote() throws Exception {
    FakeContainerRuntime runtime =
        new FakeContainerRuntime(
            spec -> {
              throw new AssertionError("nothing runs");
            });
    GateTable table =
        new GateRunner(runtime, SecretMasker.NONE)
            .run(
                GateFile.absent(),
                new GateRunner.Inputs(checkout, ImageRef.parse("b:1"), List.of()));

    assertThat(table.passed()).isTrue();
    assertThat(table.note()).isEqualTo("no gates declared (.hydra/gates.yml not found)");
  }

  private static void write(Path file) {
    try {
      Files.writeString(file, "changed by the gate");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path source(ContainerSpec spec, String target) throws ContainerException {
    return spec.mounts().stream()
        .filter(m -> m.target().equals(target))
        .findFirst()
        .orElseThrow(() -> new ContainerException("no mount at " + target))
        .source();
  }
}
