package dev.hydra.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.container.ContainerPlan;
import dev.hydra.container.ContainerSpec;
import dev.hydra.container.FakeContainerRuntime;
import dev.hydra.container.HostPin;
import dev.hydra.container.Mount;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoContainerRuntimeTest {

  static ContainerSpec spec(String stage, double cpus) {
    return new ContainerSpec(
        "hydra-demo-builder:local",
        "hydra-" + stage + "-1-abcdef12",
        "hydra-demo-net",
        cpus,
        8L << 30,
        4096,
        512L << 20,
        2L << 30,
        Set.of("NET_ADMIN", "SETUID", "SETGID", "SETPCAP"),
        Map.of("HYDRA_STAGE", stage, "HYDRA_MODE", stage),
        List.of(new Mount(Path.of("/tmp/hydra-stage-1/input"), "/input", true)),
        Map.of("hydra.stage", stage, "hydra.issue", "1"),
        Duration.ofMinutes(5));
  }

  final FakeContainerRuntime fake =
      new FakeContainerRuntime(s -> FakeContainerRuntime.printing(List.of("ok"), 0));

  final DemoContainerRuntime demo =
      new DemoContainerRuntime(
          fake,
          Map.of(
              "build", Map.of("DEMO_OUTCOME", "pass", "DEMO_SLUG", "add-a-health-endpoint"),
              "security-review", Map.of("DEMO_OUTCOME", "fail")),
          2);

  @Test
  void addsTheStagesDemoVariablesAndCapsTheCpusAndChangesNothingElse() throws Exception {
    ContainerSpec original = spec("build", 4);
    demo.run(original, l -> {}, l -> {});

    ContainerSpec ran = fake.runs.get(0);
    assertThat(ran.env())
        .containsEntry("DEMO_OUTCOME", "pass")
        .containsEntry("DEMO_SLUG", "add-a-health-endpoint")
        .containsEntry("HYDRA_STAGE", "build")
        .hasSize(4);
    assertThat(ran.cpus()).isEqualTo(2);
    assertThat(ran.mounts()).isEqualTo(original.mounts());
    assertThat(ran.capAdd()).isEqualTo(original.capAdd());
    assertThat(ran.memoryBytes()).isEqualTo(original.memoryBytes());
    assertThat(ran.pidsLimit()).isEqualTo(original.pidsLimit());
    assertThat(ran.labels()).isEqualTo(original.labels());
    assertThat(ran.network()).isEqualTo(original.network());
    assertThat(ran.timeout()).isEqualTo(original.timeout());
  }

  @Test
  void aGatesCommandWorkingDirectoryAndPinnedHostsReachTheEngine() throws Exception {
    ContainerSpec gate =
        new ContainerSpec(
            "hydra-demo-builder:local",
            "hydra-gate-demo-test-line-0a1b2c3d",
            ContainerSpec.NO_NETWORK,
            2,
            4L << 30,
            1024,
            1L << 30,
            1L << 30,
            Set.of(),
            Map.of("HYDRA_GATE_NAME", "demo-test-line"),
            List.of(new Mount(Path.of("/tmp/gate/workspace"), "/workspace", false)),
            Map.of("hydra.gate", "demo-test-line"),
            Duration.ofMinutes(1),
            List.of("/bin/sh", "-c", "exit 0"),
            "/workspace");
    demo.run(
        gate.withHosts(
            List.of(new HostPin("registry.npmjs.org", InetAddress.getLoopbackAddress()))),
        l -> {},
        l -> {});

    ContainerSpec ran = fake.runs.get(0);
    assertThat(ran.command()).containsExactly("/bin/sh", "-c", "exit 0");
    assertThat(ran.workdir()).isEqualTo("/workspace");
    assertThat(ran.hosts()).extracting(HostPin::name).containsExactly("registry.npmjs.org");
    assertThat(ran.env()).isEqualTo(gate.env());
    assertThat(ran.network()).isEqualTo(ContainerSpec.NO_NETWORK);
  }

  @Test
  void eachStageGetsOnlyItsOwnVariablesAndALowerCpuLimitStays() throws Exception {
    demo.run(spec("security-review", 1), l -> {}, l -> {});
    demo.run(spec("code-review", 2), l -> {}, l -> {});

    assertThat(fake.runs.get(0).env()).containsEntry("DEMO_OUTCOME", "fail").hasSize(3);
    assertThat(fake.runs.get(0).cpus()).isEqualTo(1);
    assertThat(fake.runs.get(1).env()).doesNotContainKey("DEMO_OUTCOME");
  }

  @Test
  void thePlanShowsTheAdjustedSpec() {
    ContainerPlan plan = demo.plan(spec("build", 4));

    assertThat(plan.environment())
        .containsEntry("DEMO_OUTCOME", "pass")
        .containsEntry("HYDRA_STAGE", "build")
        .hasSize(4);
  }

  @Test
  void readOnlyExtraMountsAreAddedToEveryContainerAndWritableOnesRefused() throws Exception {
    Mount hosts = new Mount(Path.of("/tmp/demo/etc-hosts"), "/etc/hosts", true);
    DemoContainerRuntime real = new DemoContainerRuntime(fake, Map.of(), 2, List.of(hosts));
    ContainerSpec original = spec("code-review", 2);
    real.run(original, l -> {}, l -> {});

    assertThat(fake.runs.get(0).mounts()).containsExactly(original.mounts().get(0), hosts);
    assertThat(fake.runs.get(0).env()).isEqualTo(original.env());
    assertThatThrownBy(
            () ->
                new DemoContainerRuntime(
                    fake, Map.of(), 2, List.of(new Mount(Path.of("/tmp/x"), "/etc/hosts", false))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void onlyDemoVariablesMayBeAdded() {
    for (String name :
        List.of(
            "GIT_TOKEN",
            "REPO_URL",
            "HYDRA_STAGE",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "ANTHROPIC_BASE_URL",
            "ANTHROPIC_API_KEY")) {
      assertThatThrownBy(
              () -> new DemoContainerRuntime(fake, Map.of("build", Map.of(name, "x")), 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("only DEMO_* variables");
    }
    assertThatThrownBy(
            () -> new DemoContainerRuntime(fake, Map.of("build", Map.of("DEMO_SLUG", "a\nb")), 2))
        .hasMessageContaining("one line");
    assertThatThrownBy(() -> new DemoContainerRuntime(fake, Map.of(), 0))
        .hasMessageContaining("CPU");
  }
}
